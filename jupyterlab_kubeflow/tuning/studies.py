"""``client.tune`` and ``client.studies``: local tuning studies from notebook code.

Re-exported by ``jupyterlab_kubeflow.client`` (see its docstring); kept here
so the client module stays about runs. Same transport, same errors
(BridgeError with the bridge's field: ``spec.objective.metric``). Standard
library only.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .._transport import _quote, _request




class StudyFailed(Exception):
    """A study ended without succeeding (too many failed trials, or none succeeded)."""

    def __init__(self, study: Study) -> None:
        self.study = study
        reason = f" ({study.reason})" if study.reason else ""
        super().__init__(f"study {study.id} {study.state}{reason}: {study.error or 'no trial succeeded'}")


@dataclass
class Trial:
    """One trial: a local run of the pipeline (``run`` is its id) with ``parameters``."""

    number: int
    state: str
    parameters: dict[str, Any]
    metrics: dict[str, float]
    objective: float | None
    run: str | None
    duration_s: float | None
    error: str | None


@dataclass
class Study:
    """A tuning study as the bridge last reported it; ``refresh()`` asks again."""

    id: str
    state: str
    notebook: str | None = None
    reason: str | None = None
    error: str | None = None
    spec: dict[str, Any] = field(default_factory=dict)
    trials: list[Trial] = field(default_factory=list)
    best: Trial | None = None

    @property
    def finished(self) -> bool:
        return self.state != "running"

    def refresh(self) -> Study:
        self._update(_request("GET", f"/api/studies/{_quote(self.id)}"))
        return self

    def wait(self, timeout: float | None = None, check: bool = True) -> Study:
        """Polls until the study stops; raises StudyFailed if it failed (unless ``check=False``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self.refresh()
        while not self.finished:
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"study {self.id} is still running after {timeout}s "
                                   "(it goes on: study.stop() stops it)")
            time.sleep(0.25)
            self.refresh()
        if check and self.state == "failed":
            raise StudyFailed(self)
        return self

    def stop(self) -> Study:
        """Cancels the running trials; ``resume()`` goes on later, retrying their points."""
        self._update(_request("POST", f"/api/studies/{_quote(self.id)}/stop"))
        return self

    def resume(self) -> Study:
        self._update(_request("POST", f"/api/studies/{_quote(self.id)}/resume"))
        return self

    def _update(self, body: dict[str, Any]) -> None:
        fresh = _study_of(body)
        for name in ("state", "notebook", "reason", "error", "spec", "best"):
            setattr(self, name, getattr(fresh, name))
        if "trials" in body:
            self.trials = fresh.trials


def tune(
    notebook: str | os.PathLike[str] | dict[str, Any],
    space: dict[str, Any],
    objective: str,
    direction: str = "maximize",
    trials: int = 20,
    parallel: int = 1,
    algorithm: str = "tpe",
    *,
    goal: float | None = None,
    max_failed: int = 3,
    seed: int | None = None,
    wait: bool = True,
    timeout: float | None = None,
    check: bool = True,
    python: str | None = None,
) -> Study:
    """Tunes the notebook's pipeline on the local engine; returns the Study.

    Each trial is a run with the trial's parameters (steps that no tuned
    parameter reaches are cache hits). ``space`` maps parameter names to
    ``"uniform:LO:HI"``, ``"loguniform:LO:HI"``, ``"int:LO:HI[:STEP]"``,
    ``"choice:A,B"``, a list of choices, or a dict in the spec's own form
    (``{"type": "double", "min": 0, "max": 1, "step": 0.1}``). ``algorithm``
    is one of Katib's names (random, grid, tpe, multivariate-tpe, cmaes,
    sobol, bayesianoptimization). With ``wait`` this returns when the study
    finished, ``study.best`` holding the best trial; it raises StudyFailed if
    the study failed (unless ``check=False``). Interrupting the kernel while
    waiting stops the study. Steps run with this kernel's Python.
    """
    if isinstance(notebook, dict):
        source: dict[str, Any] = {"content": notebook}
    else:
        source = {"path": os.path.abspath(os.fspath(notebook))}
    spec: dict[str, Any] = {
        "parameters": [space_entry(name, value) for name, value in space.items()],
        "objective": {"metric": objective, "direction": direction, **({} if goal is None else {"goal": goal})},
        "algorithm": algorithm,
        "budget": {"maxTrials": trials, "parallelTrials": parallel, "maxFailedTrials": max_failed},
        **({} if seed is None else {"seed": seed}),
    }
    body = {"notebook": source, "spec": spec, "options": {"python": python or sys.executable}}
    study = _study_of(_request("POST", "/api/studies", body))
    if not wait:
        return study
    try:
        return study.wait(timeout, check)
    except KeyboardInterrupt:
        if not study.refresh().finished:
            study.stop()
        raise


def studies(notebook: str | os.PathLike[str] | None = None) -> list[Study]:
    """Past and current studies, newest first; only a notebook's when given (trials: refresh())."""
    query = "" if notebook is None else "?" + urllib.parse.urlencode({"notebook": os.path.abspath(os.fspath(notebook))})
    return [_study_of(s) for s in _request("GET", f"/api/studies{query}")["studies"]]


def space_entry(name: str, value: Any) -> dict[str, Any]:
    """One ``space`` item as the spec's search parameter (the forms of ``kubeflow-bridge tune --space``)."""
    if isinstance(value, dict):
        return {"name": name, **value}
    if isinstance(value, (list, tuple)):
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        if numeric:
            return {"name": name, "type": "discrete", "list": list(value)}
        # Categorical values are text, as in Katib; the bridge converts them back.
        return {"name": name, "type": "categorical",
                "list": [str(v).lower() if isinstance(v, bool) else str(v) for v in value]}
    kind, _, rest = str(value).partition(":")
    parts = rest.split(":")
    try:
        if kind in ("uniform", "loguniform") and len(parts) == 2:
            return {"name": name, "type": "double", "min": float(parts[0]), "max": float(parts[1]),
                    **({"log": True} if kind == "loguniform" else {})}
        if kind == "int" and len(parts) in (2, 3):
            return {"name": name, "type": "int", "min": int(parts[0]), "max": int(parts[1]),
                    **({"step": int(parts[2])} if len(parts) == 3 else {})}
    except ValueError:
        pass
    if kind == "choice" and rest.strip():
        values = [v.strip() for v in rest.split(",")]
        numbers = [_number(v) for v in values]
        return space_entry(name, numbers if None not in numbers else values)
    raise ValueError(f"space[{name!r}]: {value!r} is not uniform:LO:HI, loguniform:LO:HI, "
                     "int:LO:HI[:STEP], choice:A,B,C, a list or a dict")


def _number(text: str) -> float | int | None:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def _trial_of(t: dict[str, Any]) -> Trial:
    duration = t.get("durationMs")
    return Trial(number=t["number"], state=t["state"], parameters=t.get("parameters") or {},
                 metrics=t.get("metrics") or {}, objective=t.get("objective"), run=t.get("run"),
                 duration_s=None if duration is None else duration / 1000, error=t.get("error"))


def _study_of(body: dict[str, Any]) -> Study:
    trials = [_trial_of(t) for t in body.get("trials") or []]
    best = body.get("best")
    best_trial = None
    if best:
        best_trial = next((t for t in trials if t.number == best["trial"]), None) or Trial(
            number=best["trial"], state="succeeded", parameters=best["parameters"], metrics=best["metrics"],
            objective=best["objective"], run=None, duration_s=None, error=None)
    return Study(id=body["id"], state=body["state"], notebook=body.get("notebook"), reason=body.get("reason"),
                 error=body.get("error"), spec=body.get("spec") or {}, trials=trials, best=best_trial)
