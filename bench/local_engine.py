"""Benchmark: per-step overhead of our local engine against kfp.local and
papermill, on chain pipelines of 1, 10 and 50 trivial steps
(step i: ``x_i = x_{i-1} + 1``). Not a timed test: run it by hand.

    .venv/bin/python bench/local_engine.py             # everything, a few minutes
    .venv/bin/python bench/local_engine.py --no-pip    # skip kfp.local's default (pip) variant

Overhead per step = (pipeline wall time - the steps' own compute) / steps,
and the compute of ``x + 1`` is nil, so it is wall / steps. Each contender is
timed in-process, its runtime's start-up and imports excluded (Node for us,
kfp and papermill for them), after one untimed warm-up run; medians of
--reps runs. Contenders:

- ours: the local engine driven in-process by bench/local_engine_driver.ts
  (bundled with esbuild, run on the bridge's Node): read, analyse, compile,
  plan, run each step as a Python subprocess, store in SQLite. Cache off.
- kfp.local: the same steps as lightweight ``@dsl.component`` functions in a
  ``@dsl.pipeline``, ``SubprocessRunner(use_venv=False)``. Two variants: the
  default component (its command pip-installs kfp before every task: what a
  user gets), and ``install_kfp_package=False`` (no pip; the fairest).
- papermill: ``execute_notebook`` on the same notebook, one kernel running
  every cell (kernel start-up included: a user pays it on every run).
"""
# No `from __future__ import annotations`: kfp reads the component's
# annotations as types, not strings.
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SIZES = (1, 10, 50)
TARGET_MS = 150


def chain_notebook(n: int) -> dict:
    def cell(source: str, kubeflow: dict) -> dict:
        return {"cell_type": "code", "source": source, "metadata": {"kubeflow": kubeflow},
                "outputs": [], "execution_count": None}
    cells = [cell("x_0 = 0", {"role": "parameters"})]
    cells += [cell(f"x_{i} = x_{i - 1} + 1", {"step": f"step_{i}"}) for i in range(1, n + 1)]
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def node_binary() -> str:
    sys.path.insert(0, str(REPO))
    from jupyterlab_kubeflow.node import find_node
    return find_node()


def run_ours(notebooks: list[Path], reps: int, work: Path) -> dict[int, list[float]]:
    driver = work / "local_engine_driver.cjs"
    subprocess.run([str(REPO / "node_modules" / ".bin" / "esbuild"), str(BENCH / "local_engine_driver.ts"),
                    "--bundle", "--platform=node", "--format=cjs", "--log-level=warning",
                    f"--outfile={driver}"], check=True, cwd=REPO)
    out = subprocess.run([node_binary(), str(driver), sys.executable, str(reps), *map(str, notebooks)],
                         check=True, capture_output=True, text=True).stdout
    results = json.loads(out)["results"]
    for n, nb in zip(SIZES, notebooks):
        r = results[str(nb)]
        inside = statistics.median(r["busy"]) / statistics.median(r["wall"])
        print(f"ours, {n} steps: {inside:.0%} of the wall time inside the step processes "
              "(spawn, Python start, step program), the rest in the engine", file=sys.stderr)
    return {n: results[str(nb)]["wall"] for n, nb in zip(SIZES, notebooks)}


def child(kind: str, n: int, reps: int, extra: str) -> list[float]:
    """Runs in a child process (so the tools' log output can be dropped)."""
    if kind == "kfp":
        from kfp import dsl, local

        local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=tempfile.mkdtemp())

        @dsl.component(install_kfp_package=extra == "pip")
        def add_one(x: int) -> int:
            return x + 1

        @dsl.pipeline
        def chain(x_0: int = 0) -> int:
            task = add_one(x=x_0)
            for _ in range(n - 1):
                task = add_one(x=task.output)
            return task.output

        def once() -> None:
            assert chain().output == n
    else:
        import papermill

        def once() -> None:
            papermill.execute_notebook(extra, os.devnull, kernel_name="python3",
                                       progress_bar=False, log_output=False)
    once()  # warm-up
    times = []
    for _ in range(reps):
        began = time.perf_counter()
        once()
        times.append((time.perf_counter() - began) * 1000)
    return times


def run_child(kind: str, n: int, reps: int, extra: str, work: Path) -> list[float]:
    result = work / f"{kind}-{n}-{extra.replace('/', '_')}.json"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(n), str(reps), extra, str(result)],
                          env=env, cwd=work, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} ({n} steps) failed:\n{done.stderr[-3000:]}")
    return json.loads(result.read_text())


def python_start_ms(reps: int = 10) -> float:
    """A bare `python -c pass`: the floor of any subprocess-per-step engine."""
    times = []
    for _ in range(reps + 1):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="timed runs per contender and size (median)")
    parser.add_argument("--pip-reps", type=int, default=1,
                        help="timed runs of kfp.local's default variant (it pip-installs kfp per task: slow)")
    parser.add_argument("--no-pip", action="store_true", help="skip kfp.local's default (pip) variant")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, n, reps, extra, out = args.child
        Path(out).write_text(json.dumps(child(kind, int(n), int(reps), extra)))
        return

    with tempfile.TemporaryDirectory(prefix="kubeflow-bench-") as tmp:
        work = Path(tmp)
        notebooks = []
        for n in SIZES:
            path = work / f"chain_{n}.ipynb"
            path.write_text(json.dumps(chain_notebook(n)))
            notebooks.append(path)
        print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.reps} runs "
              f"(kfp.local default: {args.pip_reps}); python -c pass: {python_start_ms():.0f} ms",
              file=sys.stderr)
        columns: dict[str, dict[int, list[float]]] = {"ours": run_ours(notebooks, args.reps, work)}
        print("ours done", file=sys.stderr)
        columns["kfp.local"] = {n: run_child("kfp", n, args.reps, "nopip", work) for n in SIZES}
        print("kfp.local done", file=sys.stderr)
        if not args.no_pip:
            columns["kfp.local+pip"] = {n: run_child("kfp", n, args.pip_reps, "pip", work) for n in SIZES}
            print("kfp.local+pip done", file=sys.stderr)
        columns["papermill"] = {n: run_child("papermill", n, args.reps, str(nb), work)
                                for n, nb in zip(SIZES, notebooks)}
        report(columns)


def report(columns: dict[str, dict[int, list[float]]]) -> None:
    per_step = {name: {n: statistics.median(times) / n for n, times in col.items()}
                for name, col in columns.items()}
    others = [name for name in columns if name != "ours"]
    head = ["steps"] + [f"{name} ms/step" for name in columns] + [f"{name}/ours" for name in others]
    rows = []
    for n in SIZES:
        ours = per_step["ours"][n]
        rows.append([str(n)] + [f"{per_step[name][n]:.0f}" for name in columns]
                    + [f"{per_step[name][n] / ours:.1f}x" for name in others])
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    worst = max(per_step["ours"].values())
    beaten = all(per_step[name][n] > per_step["ours"][n] for name in others for n in SIZES)
    print(f"\ntarget: under {TARGET_MS} ms per step: {'met' if worst < TARGET_MS else 'NOT met'} "
          f"(worst {worst:.0f} ms); faster than every other at every size: {'yes' if beaten else 'no'}")
    print(json.dumps({"wall_ms": columns}, default=lambda x: round(x, 1)))


if __name__ == "__main__":
    main()
