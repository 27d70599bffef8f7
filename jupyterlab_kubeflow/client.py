"""Run a notebook's pipeline from notebook code, on the local engine or on Kubeflow.

In a kernel that JupyterLab started (with this extension installed)::

    from jupyterlab_kubeflow import client

    run = client.run("wine_classifier.ipynb", params={"n_estimators": 200})
    run.state                     # 'succeeded'
    run.metrics                   # {"accuracy": 0.978, "f1_macro": 0.977}
    run.outputs["model"]          # the artifact's local folder
    model = run.load("model")     # the value itself

    run = client.run("slow.ipynb", wait=False)   # returns at once
    run.wait(timeout=600)         # raises RunFailed if it fails
    run.cancel()
    client.runs("wine_classifier.ipynb")         # history, newest first

    run = client.run("wine_classifier.ipynb", engine="kubeflow")  # on Kubeflow Pipelines,
    run.kfp_run_id                # through the bridge: no token, no kfp package here

    study = client.tune("wine_classifier.ipynb",             # a local tuning study
                        space={"learning_rate": "loguniform:1e-4:1e-1", "n_estimators": "int:50:400"},
                        objective="accuracy", direction="maximize", trials=20, parallel=2)
    study.best.parameters, study.best.metrics, study.trials[3].run

The kernel reaches the bridge with the credential the server extension put
in its environment (``KUBEFLOW_BRIDGE_URL``, ``KUBEFLOW_BRIDGE_TOKEN``), as
the server's owner: notebook code needs no token.

Paths: a notebook path is relative to the kernel's working directory (the
folder of the notebook the kernel belongs to), as ``open()`` would read it.
The client sends it absolute; the bridge accepts absolute paths inside the
Jupyter root and records the run under the path relative to that root, so
the run shows in that notebook's runs list and its steps run in the
notebook's folder. A dict is sent as inline notebook content instead.

Standard library only.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ._transport import TOKEN_ENV, URL_ENV, BridgeError, _quote, _request  # noqa: F401 (re-exported)

__all__ = ["BridgeError", "Run", "RunFailed", "Study", "StudyFailed", "Task", "Trial", "deploy", "feedback",
           "predict", "run", "runs", "studies", "tune"]

FINISHED = ("succeeded", "failed", "cancelled", "interrupted")


class RunFailed(Exception):
    """A run ended without succeeding: failed, cancelled or interrupted.

    ``task``, ``cell`` (notebook cell index, counting every cell from 0) and
    ``line`` (1-based, in that cell) say where, when the bridge knows.
    """

    def __init__(self, run: Run) -> None:
        error = run.error or {}
        self.run = run
        self.task: str | None = error.get("task")
        self.cell: int | None = error.get("cell")
        self.line: int | None = error.get("line")
        self.message: str = error.get("message") or f"the run was {run.state}"
        where = [f"task {self.task}" if self.task else "",
                 f"cell {self.cell}" if self.cell is not None else "",
                 f"line {self.line}" if self.line else ""]
        place = ", ".join(w for w in where if w)
        super().__init__(f"run {run.id} {run.state}: {place + ': ' if place else ''}{self.message}")


@dataclass
class Task:
    """One task of a run: a step of the notebook, or ``pipeline-metrics``."""

    name: str
    state: str
    duration_s: float | None
    cached: bool
    error: dict[str, Any] | None
    outputs: dict[str, str]


@dataclass
class Run:
    """A run as the bridge last reported it; ``refresh()`` asks again.

    ``outputs`` maps each output name to its local artifact folder (when two
    tasks give the same name, the later one wins, as running the notebook
    from the top would leave it). Runs from ``runs()`` have no tasks or
    outputs until refreshed.
    """

    id: str
    state: str
    notebook: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    error: dict[str, Any] | None = None
    #: ``local`` or ``kubeflow``; a Kubeflow run's artifacts stay in the
    #: pipeline root, so its ``outputs`` (and usually ``metrics``) are empty.
    engine: str = "local"
    #: The KFP run id of a Kubeflow run, else None.
    kfp_run_id: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def refresh(self) -> Run:
        """Updates this run from the bridge; returns it."""
        self._update(_request("GET", f"/api/runs/{_quote(self.id)}"))
        return self

    def wait(self, timeout: float | None = None, check: bool = True) -> Run:
        """Polls until the run finishes; returns it.

        Raises RunFailed when it did not succeed (unless ``check=False``), and
        TimeoutError after ``timeout`` seconds (the run goes on; ``cancel()``
        stops it).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.05
        self.refresh()
        while not self.finished:
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"run {self.id} is still {self.state} after {timeout}s "
                                   "(it goes on: run.cancel() stops it)")
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            time.sleep(delay if left is None else min(delay, left))
            delay = min(delay * 1.5, 1.0)
            self.refresh()
        if check and self.state != "succeeded":
            raise RunFailed(self)
        return self

    def cancel(self) -> Run:
        """Stops the run; returns once every step process is gone."""
        self._update(_request("POST", f"/api/runs/{_quote(self.id)}/cancel"))
        return self

    def logs(self, task: str, tail: int | None = None) -> str:
        """A task's stdout and stderr (the last ``tail`` lines)."""
        query = "" if tail is None else f"?tail={int(tail)}"
        return _request("GET", f"/api/runs/{_quote(self.id)}/tasks/{_quote(task)}/logs{query}")

    def load(self, name: str) -> Any:
        """The value of output ``name``, read from its artifact folder."""
        if name not in self.outputs:
            raise KeyError(f"run {self.id} has no output {name!r} (it has {sorted(self.outputs)})")
        folder = self.outputs[name]
        with open(os.path.join(folder, "kubeflow.json")) as f:
            meta = json.load(f)
        path = os.path.join(folder, meta["file"])
        fmt = meta["format"]
        if fmt == "npy":
            import numpy
            return numpy.load(path, allow_pickle=False)
        if fmt == "pandas":
            import pandas
            return pandas.read_pickle(path)
        if fmt == "joblib":
            import joblib
            return joblib.load(path)
        if fmt == "json":
            with open(path) as f:
                return json.load(f)
        with open(path, "rb") as f:  # pickle, cloudpickle
            return pickle.load(f)

    def _update(self, body: dict[str, Any]) -> None:
        fresh = _run_of(body)
        for name in ("state", "notebook", "parameters", "metrics", "error"):
            setattr(self, name, getattr(fresh, name))
        if "tasks" in body:
            self.tasks, self.outputs = fresh.tasks, fresh.outputs


def run(
    notebook: str | os.PathLike[str] | dict[str, Any],
    params: dict[str, Any] | None = None,
    *,
    wait: bool = True,
    cache: bool = True,
    timeout: float | None = None,
    check: bool = True,
    python: str | None = None,
    parallelism: int | None = None,
    task_timeout: float | None = None,
    engine: str = "local",
    experiment: str | None = None,
) -> Run:
    """Starts the notebook's pipeline on the local engine or Kubeflow; returns the Run.

    ``notebook``: a path (relative to this kernel's folder, or absolute,
    inside the Jupyter root), or notebook JSON as a dict. ``params``: values
    for the parameters cell. With ``wait`` (the default) this returns when
    the run has finished, raising RunFailed if it did not succeed (unless
    ``check=False``) and TimeoutError after ``timeout`` seconds; interrupting
    the kernel while waiting cancels the run. Steps run with this kernel's
    Python (``python`` overrides it); ``task_timeout`` limits each task.

    ``engine="kubeflow"`` runs it on Kubeflow Pipelines through the bridge,
    as the user's service account, in ``experiment`` (default: the
    notebook's setting, else the pipeline name). ``python``,
    ``parallelism`` and ``task_timeout`` are local-only: the bridge refuses
    them (BridgeError naming the field), as it refuses ``engine="kubeflow"``
    when the server has no Kubeflow configured (field ``options.engine``).
    The artifacts of a Kubeflow run stay in its pipeline root: ``outputs``
    is empty and ``load()`` does not apply; ``metrics`` may be empty too.
    """
    if isinstance(notebook, dict):
        source: dict[str, Any] = {"content": notebook}
    else:
        source = {"path": os.path.abspath(os.fspath(notebook))}
    options: dict[str, Any] = {"cache": cache}
    if engine != "local":
        options["engine"] = engine
    if experiment is not None:
        options["experiment"] = experiment
    if engine == "local" or python is not None:
        options["python"] = python or sys.executable
    if parallelism is not None:
        options["parallelism"] = parallelism
    if task_timeout is not None:
        options["timeoutSeconds"] = task_timeout
    body = {"notebook": source, "parameters": params or {}, "options": options}
    started = _run_of(_request("POST", "/api/runs", body))
    if not wait:
        return started
    try:
        return started.wait(timeout, check)
    except KeyboardInterrupt:
        if not started.refresh().finished:
            started.cancel()
        raise


def runs(notebook: str | os.PathLike[str] | None = None, limit: int | None = None) -> list[Run]:
    """Past and current runs, newest first; only a notebook's when given."""
    query: dict[str, str] = {}
    if notebook is not None:
        query["notebook"] = os.path.abspath(os.fspath(notebook))
    if limit is not None:
        query["limit"] = str(limit)
    suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
    return [_run_of(r) for r in _request("GET", f"/api/runs{suffix}")["runs"]]


def _run_of(body: dict[str, Any]) -> Run:
    tasks: list[Task] = []
    outputs: dict[str, str] = {}
    for t in sorted(body.get("tasks") or [], key=lambda t: t.get("position", 0)):
        paths = {n: a["path"] for n, a in ((t.get("outputs") or {}).get("artifacts") or {}).items()}
        started, finished = t.get("startedAt"), t.get("finishedAt")
        duration = (finished - started) / 1000 if started is not None and finished is not None else None
        tasks.append(Task(t["name"], t["state"], duration, bool(t.get("cached")), t.get("error"), paths))
        outputs.update(paths)
    return Run(id=body["id"], state=body["state"], notebook=body.get("notebook"),
               parameters=body.get("parameters") or {}, metrics=body.get("metrics") or {},
               outputs=outputs, tasks=tasks, error=body.get("error"), engine=body.get("engine") or "local",
               kfp_run_id=(body.get("remote") or {}).get("runId"))


# Tuning studies and deployments live beside this module, on the same transport.
from .serving.deployments import deploy, feedback, predict  # noqa: E402
from .tuning.studies import Study, StudyFailed, Trial, studies, tune  # noqa: E402
