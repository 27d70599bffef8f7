"""Benchmark: our analysis and compile (in Node) against Kale compiling the
same Kale-tagged notebooks (in its own venv), on generated notebooks of 50,
500 and 2,000 cells. Not a timed test: run it by hand.

    .venv/bin/python bench/analyze_compile.py            # all of it
    .venv/bin/python bench/analyze_compile.py --no-kale  # ours only, seconds

Times are in-process medians (Node's and Python's start-up and imports
excluded). The first run creates bench/.venv-kale with kubeflow-kale from
PyPI. See bench/README.md for what each column measures.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import notebook_gen

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
KALE_VENV = BENCH / ".venv-kale"
KALE_PYTHON = KALE_VENV / "bin" / "python"
# 2.3.0 is the newest on PyPI and installs on Python 3.11; pinned so the
# numbers stay comparable.
KALE_REQUIREMENT = "kubeflow-kale==2.3.0"
TARGET_ANALYSIS_MS = 50  # 500 cells, the target
TARGET_RATIO = 10  # compile at least this many times faster than Kale


def node_binary():
    """The Node the bridge runs on (the packaged one), as users get it."""
    sys.path.insert(0, str(REPO))
    from jupyterlab_kubeflow.node import find_node
    return find_node()


def run_ours(notebooks, runs, work):
    driver = work / "analyze_compile_driver.cjs"
    subprocess.run([str(REPO / "node_modules" / ".bin" / "esbuild"),
                    str(BENCH / "analyze_compile_driver.ts"), "--bundle", "--platform=node",
                    "--format=cjs", "--log-level=warning", f"--outfile={driver}"],
                   check=True, cwd=REPO)
    out = subprocess.run([node_binary(), str(driver), str(runs), *map(str, notebooks)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def ensure_kale():
    if not KALE_PYTHON.exists():
        print(f"creating {KALE_VENV} with {KALE_REQUIREMENT} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(KALE_VENV)], check=True)
        subprocess.run([str(KALE_VENV / "bin" / "pip"), "install", "-q", KALE_REQUIREMENT],
                       check=True)


def run_kale(notebooks, runs, budget_s):
    ensure_kale()
    done = subprocess.run([str(KALE_PYTHON), str(BENCH / "kale_driver.py"), str(runs),
                           str(budget_s * 1000), *map(str, notebooks)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"Kale's driver failed:\n{done.stderr}")
    return json.loads(done.stdout)


def median(values):
    return statistics.median(values) if values else float("nan")


def table(sizes, notebooks, ours, kale):
    head = ["cells", "steps", "ours analysis", "ours re-analysis", "ours compile",
            "Kale analysis", "Kale compile", "Kale runs", "analysis ×", "compile ×"]
    rows = []
    for size, nb in zip(sizes, notebooks):
        o = ours["results"][str(nb)]
        k = (kale or {}).get("results", {}).get(str(nb), {})
        row = [size, o["steps"], median(o["analysis"]), median(o["reanalysis"]),
               median(o["compile"])]
        if "error" in k:
            row += [k["error"], "", "", "", ""]
        elif k:
            ka, kc = median(k["analysis"]), median(k["compile"])
            row += [ka, kc, len(k["compile"]), ka / row[2], kc / row[4]]
        else:
            row += ["-"] * 5
        rows.append(row + [min(o["analysis"])])
    cell = lambda v: f"{v:,.1f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(v) for v in row[:len(head)]) + " |" for row in rows]
    return "\n".join(lines), rows


def verdict(sizes, rows):
    lines = []
    by_size = dict(zip(sizes, rows))
    if 500 in by_size:
        ms, best = by_size[500][2], by_size[500][-1]
        lines.append(f"analysis of 500 cells: median {ms:.1f} ms, best {best:.1f} ms "
                     f"({'meets' if ms < TARGET_ANALYSIS_MS else 'MISSES'} the < {TARGET_ANALYSIS_MS} ms target)")
    ratios = [row[9] for row in rows if isinstance(row[9], float)]
    if ratios:
        lines.append(f"compile vs Kale: {min(ratios):,.0f}× to {max(ratios):,.0f}× faster "
                     f"({'meets' if min(ratios) >= TARGET_RATIO else 'MISSES'} the ≥ {TARGET_RATIO}× target)")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,500,2000", help="cell counts (default 50,500,2000)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of ours (default 20)")
    parser.add_argument("--kale-runs", type=int, default=5, help="timed runs of Kale, at most (default 5)")
    parser.add_argument("--kale-budget", type=float, default=60,
                        help="stop repeating Kale on a notebook after this many seconds (default 60)")
    parser.add_argument("--no-kale", action="store_true", help="time ours only")
    parser.add_argument("--json", type=Path, help="also write the raw timings here")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    with tempfile.TemporaryDirectory(prefix="kubeflow-bench-") as tmp:
        work = Path(tmp)
        notebooks = []
        for size in sizes:
            path = work / f"bench-{size}.ipynb"
            notebook_gen.write(path, size, f"bench-{size}")
            notebooks.append(path)
        ours = run_ours(notebooks, args.runs, work)
        kale = None if args.no_kale else run_kale(notebooks, args.kale_runs, args.kale_budget)
        text, rows = table(sizes, notebooks, ours, kale)
    # Timings on a shared machine swing with its load; say what it was.
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"Node {ours['node']}" + (f", Kale {kale['kale']}" if kale else "")
          + f"; {os.cpu_count()} CPUs, load average {load}"
          + f"; medians in ms; ours over {args.runs} runs after warm-up")
    print(text)
    print(verdict(sizes, rows))
    if args.json:
        args.json.write_text(json.dumps({"ours": ours, "kale": kale}, indent=1))


if __name__ == "__main__":
    main()
