"""Optuna ask/tell for the bridge's local studies, as JSON lines on stdin/stdout.

The bridge (server-bridge/src/tuning/driver.ts) starts one of these per
running study, with the Jupyter server's Python, and sends one request per
line; each gets one reply line, in order::

    -> {"id": 1, "op": "open", "storage": "/data/studies/s1.sqlite", "study": "s1",
        "direction": "maximize", "algorithm": "tpe", "seed": 3,
        "space": [{"name": "x", "type": "double", "min": -5, "max": 5}, ...],
        "grid": {"x": [0, 1, 2]}}                       (grid: for "grid" only)
    <- {"id": 1, "ok": true, "result": {"trials": [...]}}
    -> {"id": 2, "op": "ask"}          <- {"number": 0, "params": {"x": 1.3}}
    -> {"id": 3, "op": "tell", "number": 0, "value": 0.8}   (or "state": "fail")
    -> {"id": 4, "op": "enqueue", "params": {...}}   the next ask returns these
    -> {"id": 5, "op": "fail_running"}   trials a dead driver left RUNNING -> FAIL
    -> {"id": 6, "op": "best"}  -> {"number", "params", "value"} or null
    -> {"id": 7, "op": "trials"}
    <- {"id": n, "ok": false, "error": "..."}   on any failure

The study lives in Optuna's RDB storage (a SQLite file in the bridge's data
folder), so a study survives a bridge restart: "open" loads it again.
stdout carries only replies; Optuna's own logging goes to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def sampler_for(algorithm: str, seed: int | None, grid: dict[str, list[Any]] | None):
    """Katib's algorithm names -> the Optuna sampler Katib itself uses for each."""
    import optuna.samplers as s

    if algorithm == "tpe":
        return s.TPESampler(seed=seed)
    if algorithm == "multivariate-tpe":
        return s.TPESampler(seed=seed, multivariate=True)
    if algorithm == "cmaes":
        return s.CmaEsSampler(seed=seed)
    if algorithm == "sobol":
        return s.QMCSampler(qmc_type="sobol", seed=seed)
    if algorithm == "grid":
        if not grid:
            raise ValueError("grid needs the grid's values")
        return grid_sampler(grid, seed)
    if algorithm == "random":
        return s.RandomSampler(seed=seed)
    if algorithm == "bayesianoptimization":
        try:
            import torch  # noqa: F401  (GPSampler needs it)
        except ImportError:
            raise ValueError("bayesianoptimization uses Optuna's GPSampler, which needs PyTorch: "
                             "pip install torch in the Jupyter server's environment") from None
        return s.GPSampler(seed=seed)
    raise ValueError(f"unknown algorithm {algorithm!r}")


def grid_sampler(grid: dict[str, list[Any]], seed: int | None):
    """Optuna's GridSampler, fitted to ask/tell driven from outside.

    Two changes, both because the bridge (not ``study.optimize``) drives it:
    an enqueued trial (the retry of a trial a bridge restart interrupted) is
    given the grid id of its point, so the point counts as visited and its
    values can be sampled (GridSampler leaves enqueued trials without one
    and fails on them); and ``after_trial`` no longer calls ``study.stop()``,
    which raises outside ``optimize`` (the bridge stops at maxTrials, which
    validation makes equal to the grid's size).
    """
    from optuna.samplers import GridSampler

    class StudyGridSampler(GridSampler):
        def before_trial(self, study, trial):
            fixed = trial.system_attrs.get("fixed_params")
            if fixed is None or "grid_id" in trial.system_attrs:
                return super().before_trial(study, trial)
            point = [fixed.get(name) for name in self._param_names]
            for grid_id, values in enumerate(self._all_grids):
                if all(self._grid_value_equal(a, b) for a, b in zip(values, point)):
                    study._storage.set_trial_system_attr(trial._trial_id, "search_space", self._search_space)
                    study._storage.set_trial_system_attr(trial._trial_id, "grid_id", grid_id)
                    return None
            return None

        def after_trial(self, study, trial, state, values):
            return None

    return StudyGridSampler(grid, seed=seed)


def distributions_for(space: list[dict[str, Any]]):
    """A spec's search space (core/src/tuning/spec.ts) as Optuna distributions."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    out = {}
    for p in space:
        kind, log, step = p["type"], bool(p.get("log")), p.get("step")
        if kind == "double":
            # Optuna has no stepped log scale: the log scale wins (a grid ignores it anyway).
            out[p["name"]] = FloatDistribution(p["min"], p["max"], log=log, step=None if log else step)
        elif kind == "int":
            out[p["name"]] = IntDistribution(int(p["min"]), int(p["max"]), log=log, step=1 if log else int(step or 1))
        else:
            out[p["name"]] = CategoricalDistribution(list(p["list"]))
    return out


def trial_of(t) -> dict[str, Any]:
    return {"number": t.number, "params": t.params, "value": t.value, "state": t.state.name.lower()}


class Driver:
    def __init__(self) -> None:
        self.study = None
        self.distributions = None

    def open(self, req: dict[str, Any]) -> dict[str, Any]:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.distributions = distributions_for(req["space"])
        sampler = sampler_for(req["algorithm"], req.get("seed"), req.get("grid"))
        self.study = optuna.create_study(
            storage=f"sqlite:///{req['storage']}", study_name=req["study"], direction=req["direction"],
            sampler=sampler, load_if_exists=True)
        return {"trials": self.trials(req)}

    def ask(self, _req: dict[str, Any]) -> dict[str, Any]:
        trial = self.study.ask(self.distributions)
        return {"number": trial.number, "params": trial.params}

    def tell(self, req: dict[str, Any]) -> dict[str, Any]:
        from optuna.trial import TrialState

        if req.get("state") == "fail":
            self.study.tell(req["number"], state=TrialState.FAIL, skip_if_finished=True)
        else:
            self.study.tell(req["number"], float(req["value"]), skip_if_finished=True)
        return {}

    def enqueue(self, req: dict[str, Any]) -> dict[str, Any]:
        self.study.enqueue_trial(req["params"], skip_if_exists=False)
        return {}

    def fail_running(self, _req: dict[str, Any]) -> dict[str, Any]:
        from optuna.trial import TrialState

        numbers = [t.number for t in self.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))]
        for n in numbers:
            self.study.tell(n, state=TrialState.FAIL, skip_if_finished=True)
        return {"failed": numbers}

    def best(self, _req: dict[str, Any]) -> dict[str, Any] | None:
        try:
            t = self.study.best_trial
        except ValueError:  # no complete trial yet
            return None
        return {"number": t.number, "params": t.params, "value": t.value}

    def trials(self, _req: dict[str, Any]) -> list[dict[str, Any]]:
        return [trial_of(t) for t in self.study.get_trials(deepcopy=False)]


def main() -> int:
    driver = Driver()
    out = sys.stdout
    # Anything that prints (a sampler's warning) must not corrupt the replies.
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if not line.strip():
            continue
        req: dict[str, Any] = {}
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "close":
                out.write(json.dumps({"id": req.get("id"), "ok": True, "result": None}) + "\n")
                out.flush()
                return 0
            if op not in ("open", "ask", "tell", "enqueue", "fail_running", "best", "trials"):
                raise ValueError(f"unknown op {op!r}")
            if op != "open" and driver.study is None:
                raise ValueError("open a study first")
            reply = {"id": req.get("id"), "ok": True, "result": getattr(driver, op)(req)}
        except Exception as error:  # every failure is an answer, never a dead driver
            reply = {"id": req.get("id"), "ok": False, "error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
