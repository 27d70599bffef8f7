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
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BridgeError", "Run", "RunFailed", "Study", "StudyFailed", "Task", "Trial", "deploy", "feedback",
           "predict", "run", "runs", "studies", "tune"]

URL_ENV = "KUBEFLOW_BRIDGE_URL"
TOKEN_ENV = "KUBEFLOW_BRIDGE_TOKEN"
NO_TOKEN_ENV = "KUBEFLOW_BRIDGE_NO_TOKEN"
FINISHED = ("succeeded", "failed", "cancelled", "interrupted")


class BridgeError(Exception):
    """The bridge refused a request or cannot be reached.

    ``field`` names the bad part of the request (``parameters.n_estimators``,
    ``notebook.path``) when the bridge said which; ``status`` is the HTTP
    status, or None when the bridge was not reached at all.
    """

    def __init__(self, message: str, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message if field is None else f"{message} (field {field})")
        self.message = message
        self.field = field
        self.status = status


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


def deploy(run: str | Run, output: str = "model", name: str | None = None, *,
           challenger: bool = False, challenger_percent: float | None = None,
           gate: dict[str, Any] | None = None, promote_if: dict[str, Any] | None = None,
           routing: dict[str, Any] | None = None, wait: bool = True,
           target: str = "local", storage_uri: str | None = None, model_format: str | None = None,
           namespace: str | None = None) -> dict[str, Any]:
    """Serves a run's model output; returns the deployment.

    ``target="local"`` (the default): KServe's model server on this machine,
    reached through Jupyter. ``target="kubeflow"``: a KServe InferenceService
    in your namespace, created with your identity; ``storage_uri`` (where
    KServe loads the model from, e.g. ``s3://bucket/models/iris``; default:
    the run's artifact location), ``model_format`` (the InferenceService's
    ``modelFormat``, e.g. ``sklearn``; default: from the model's type) and
    ``namespace`` (must be your own) apply to it only. Without Kubeflow
    (no identity mode) it raises BridgeError, status 503, with the reason.
    The deployment then carries ``target``, ``namespace``, ``mode`` and
    ``kserve`` (Ready, URL, traffic, a failure explained).

    A new ``name`` makes the output its champion (``gate``: ``{"metric",
    "direction", "margin"}`` that every later promotion must pass;
    ``routing``: a fixed split or a bandit). ``challenger=True`` adds it to
    an existing deployment instead, with ``challenger_percent`` of the
    traffic, or, with ``promote_if``, as the champion if it passes that
    gate (BridgeError, status 409, when it does not). ``wait``: return once
    the model server is ready.
    """
    body: dict[str, Any] = {"run": run.id if isinstance(run, Run) else run, "output": output,
                            "name": name or output, "wait": wait}
    if challenger:
        body["role"] = "challenger"
    if target != "local":
        body["target"] = target
    for key, value in (("challengerPercent", challenger_percent), ("gate", gate),
                       ("promoteIf", promote_if), ("routing", routing), ("storageUri", storage_uri),
                       ("modelFormat", model_format), ("namespace", namespace)):
        if value is not None:
            body[key] = value
    return _request("POST", "/api/deployments", body)["deployment"]


def predict(name: str, instances: Any) -> dict[str, Any]:
    """V1 prediction: ``{"predictions", "version", "request_id", "latency_ms"}``.

    ``instances``: a list of rows (a numpy array or DataFrame is converted).
    Keep ``request_id`` to send ``feedback`` for a bandit.
    """
    if hasattr(instances, "tolist"):
        instances = instances.tolist()
    elif hasattr(instances, "to_numpy"):
        instances = instances.to_numpy().tolist()
    return _request("POST", f"/api/deployments/{_quote(name)}/predict", {"instances": instances})


def feedback(name: str, request_id: str, reward: float) -> dict[str, Any]:
    """A reward in [0, 1] for the version that answered ``request_id`` (bandit routing learns from it)."""
    return _request("POST", f"/api/deployments/{_quote(name)}/feedback",
                    {"request_id": request_id, "reward": reward})


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


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def _endpoint() -> tuple[str, str]:
    url, token = os.environ.get(URL_ENV), os.environ.get(TOKEN_ENV)
    if url and not token and os.environ.get(NO_TOKEN_ENV):
        # A server connected to an existing bridge without sharing a kernel token.
        raise BridgeError(
            f"{TOKEN_ENV} is not set: this Jupyter server uses an existing bridge and gives kernels no "
            "credential for it (the operator did not set KubeflowExtension.bridge_kernel_token_file); "
            "use the Kubeflow panel, or ask for a kernel token to be shared with the bridge")
    if not url or not token:
        missing = " and ".join(n for n, v in ((URL_ENV, url), (TOKEN_ENV, token)) if not v)
        raise BridgeError(
            f"{missing} {'is' if ' and ' not in missing else 'are'} not set: jupyterlab_kubeflow.client works in a kernel started by a Jupyter "
            "server with the jupyterlab_kubeflow extension (restart the kernel if the server "
            "was restarted; from a terminal or CI use `kubeflow-bridge run NOTEBOOK`)")
    return url.rstrip("/"), token


# The bridge listens on loopback: never through an HTTP(S)_PROXY.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _request(method: str, path: str, body: Any = None) -> Any:
    url, token = _endpoint()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url + path, data=data, method=method, headers=headers)
    try:
        with _opener.open(request, timeout=60) as response:
            text = response.read().decode("utf-8")
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        raise _refusal(err) from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise BridgeError(f"cannot reach the kubeflow bridge at {url}: {reason}") from None
    return json.loads(text) if kind.startswith("application/json") else text


def _refusal(err: urllib.error.HTTPError) -> BridgeError:
    text = err.read().decode("utf-8", "replace")
    try:
        error = json.loads(text)["error"]
        return BridgeError(error["message"], error.get("field"), err.code)
    except (ValueError, KeyError, TypeError):
        if err.code == 401:
            return BridgeError("the bridge refused this kernel's credential (restart the kernel "
                               "if the Jupyter server was restarted)", status=401)
        return BridgeError(f"the bridge answered {err.code}: {text[:200] or err.reason}", status=err.code)


# Tuning studies (tuning/studies.py, which uses _request above): imported last.
from .tuning.studies import Study, StudyFailed, Trial, studies, tune  # noqa: E402
