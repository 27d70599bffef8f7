"""Times Kale compiling notebooks, in-process (interpreter start-up and
Kale's imports excluded), inside Kale's own venv (bench/.venv-kale).

Usage: python kale_driver.py RUNS BUDGET_MS NOTEBOOK... ; prints one JSON
object: {"kale": version, "results": {notebook: {"steps": n,
"analysis": [ms...], "compile": [ms...]}}}
or, for a notebook Kale fails on, {"error": "..."}.

Each run is what `kale --nb NOTEBOOK` does, minus the upload:
analysis = NotebookProcessor(...).run(): read the notebook, tags, parameters,
metrics and Kale's data-dependency detection (what our `analyzeNotebook`
does); compile = that plus Compiler(...).compile() (the KFP DSL script) and
kfputils.compile_pipeline (the KFP SDK compiling it to IR YAML): the same
notebook -> IR YAML that `kubeflow-bridge compile -o` does.
"""
import json
import logging
import os
import shutil
import sys
import tempfile
import time

from kale import __version__ as KALE_VERSION
from kale.common import kfputils
from kale.compiler import Compiler
from kale.processors import NotebookProcessor


def compile_timed(path):
    """One notebook -> IR YAML; (ms for the analysis part, ms in all, steps)."""
    start = time.perf_counter()
    processor = NotebookProcessor(path, {})
    pipeline = processor.run()
    analysed = time.perf_counter()
    dsl = Compiler(pipeline, processor.get_imports_and_functions()).compile()
    kfputils.compile_pipeline(dsl, pipeline.config.pipeline_name)
    done = time.perf_counter()
    return (analysed - start) * 1000, (done - start) * 1000, len(list(pipeline.steps))


def timed(path, runs, budget_ms):
    """Up to `runs` runs, fewer once they add up to `budget_ms` (Kale takes
    minutes on the big notebooks); always at least one. Each run gives an
    analysis time and a compile time, so the slow analysis runs once a run."""
    analysis, total, steps = [], [], 0
    while len(total) < runs and (not total or sum(total) < budget_ms):
        a, t, steps = compile_timed(path)
        analysis.append(a)
        total.append(t)
    return {"steps": steps, "analysis": analysis, "compile": total}


def main(runs, budget_ms, notebooks):
    # Kale logs every step at INFO and warns that it finds no cluster; the
    # logging itself is not what we measure.
    logging.disable(logging.WARNING)
    results = {}
    warmed = False
    for original in notebooks:
        # Kale writes .kale/ beside the notebook: keep it in a temp dir.
        with tempfile.TemporaryDirectory() as work:
            path = shutil.copy(original, work)
            try:
                if not warmed:  # first-call imports (kfp's compiler) and caches
                    compile_timed(path)
                    warmed = True
                results[original] = timed(path, runs, budget_ms)
            except Exception as err:  # noqa: BLE001 - reported, not hidden
                results[original] = {"error": f"{type(err).__name__}: {err}"}
    json.dump({"kale": KALE_VERSION, "results": results}, sys.stdout)


if __name__ == "__main__":
    # Without HOSTNAME Kale skips looking for its own pod's PodDefaults in a
    # cluster (there is none here) at once, instead of after a network timeout.
    os.environ.pop("HOSTNAME", None)
    main(int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:])
