"""Kale-tagged notebooks of a given size for the analysis/compile benchmark.

Both tools read the very same files, so the tags are the subset Kale 2.x and
our Kale reader agree on: `imports`, `functions`, `pipeline-parameters`,
`step:NAME` + `prev:NAME`, `pipeline-metrics`, and `kubeflow_notebook`
metadata with `pipeline_name` and `experiment_name` only (Kale 2.x rejects
0.x's `docker_image`).

The cells look like real work: every step reads names from the step before
and from one further back (so the DAG fans in, not a bare chain), defines
new names, calls helpers from the functions cell, uses parameters, loops,
branches and comprehensions; about one cell in six is markdown; untagged
cells continue their step (Kale's rule and ours).
"""
import json

CELLS_PER_STEP = 10  # code and markdown cells a step spans

IMPORTS = """import math
import statistics
from collections import Counter, defaultdict
"""

FUNCTIONS = """def scale(values, factor):
    return [v * factor for v in values]


def summarize(values):
    if not values:
        return {"n": 0, "mean": 0.0, "max": 0.0}
    return {"n": len(values), "mean": statistics.fmean(values), "max": max(values)}
"""

PARAMETERS = """SCALE = 1.5
OFFSET = 2
THRESHOLD = 10
LABEL = "bench"
"""


def _code(source, tags=()):
    return {"cell_type": "code", "execution_count": None, "outputs": [],
            "metadata": {"tags": list(tags)} if tags else {},
            "source": source.splitlines(keepends=True)}


def _markdown(text):
    return {"cell_type": "markdown", "metadata": {}, "source": [text]}


def _step_cells(i):
    """The cells of step i (first one tagged), reading steps i-1 and i-3."""
    prev = f"rows_{i - 1}" if i else "list(range(THRESHOLD * 3))"
    back = f"totals_{i - 3}" if i >= 3 else "{}"
    tags = [f"step:step_{i}"] + ([f"prev:step_{i - 1}"] if i else []) \
        + ([f"prev:step_{i - 3}"] if i >= 3 else [])
    return [
        _code(f"rows_{i} = [r + OFFSET for r in scale({prev}, SCALE)]\n"
              f"history_{i} = dict({back})\n", tags),
        _markdown(f"## Step {i}\n\nNormalise, bucket and summarise the rows."),
        _code(f"peak_{i} = max(rows_{i}) or 1\n"
              f"norm_{i} = [r / peak_{i} for r in rows_{i}]\n"),
        _code(f"buckets_{i} = defaultdict(list)\n"
              f"for value in norm_{i}:\n"
              f"    buckets_{i}[round(value * THRESHOLD)].append(value)\n"),
        _code(f"counts_{i} = Counter({{k: len(v) for k, v in buckets_{i}.items()}})\n"
              f"common_{i} = counts_{i}.most_common(3)\n"),
        _code(f"stats_{i} = summarize(norm_{i})\n"
              f"if stats_{i}['mean'] > 0.5:\n"
              f"    label_{i} = LABEL + '-high'\n"
              f"else:\n"
              f"    label_{i} = LABEL + '-low'\n"),
        _markdown("Keep a running history of the totals."),
        _code(f"totals_{i} = {{**history_{i}, 'step_{i}': sum(rows_{i})}}\n"
              f"spread_{i} = math.sqrt(sum((r - stats_{i}['mean']) ** 2 for r in norm_{i}))\n"),
        _code(f"rows_{i} = sorted(rows_{i}, reverse=stats_{i}['max'] > 0.9)[: THRESHOLD * 3]\n"),
        _code(f"print(label_{i}, common_{i}, round(spread_{i}, 3))\n"),
    ]


def notebook(cells, name):
    """A notebook of exactly `cells` cells (at least 16: one step)."""
    fixed = 6  # title, imports, functions, parameters; final step, metrics
    steps = max(1, (cells - fixed) // CELLS_PER_STEP)
    extra = max(0, cells - fixed - steps * CELLS_PER_STEP)
    body = [_markdown(f"# {name}\n\nA generated benchmark notebook."),
            _code(IMPORTS, ["imports"]), _code(FUNCTIONS, ["functions"]),
            _code(PARAMETERS, ["pipeline-parameters"])]
    for i in range(steps):
        body.extend(_step_cells(i))
    last = steps - 1
    # Untagged cells continuing the last step make the count exact.
    body.extend(_code(f"print(len(rows_{last}), {k})\n") for k in range(extra))
    body.append(_code(f"score = statistics.fmean(norm_{last})\n", ["step:final", f"prev:step_{last}"]))
    body.append(_code("print(score)\n", ["pipeline-metrics"]))
    for k, cell in enumerate(body):
        cell["id"] = f"cell-{k}"  # nbformat 4.5 wants ids; Kale's nbformat warns without
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "kubeflow_notebook": {"pipeline_name": name, "experiment_name": "bench"},
        },
        "cells": body,
    }


def write(path, cells, name):
    nb = notebook(cells, name)
    with open(path, "w") as f:
        json.dump(nb, f, indent=1)
    return len(nb["cells"]), sum(1 for c in nb["cells"] for t in c["metadata"].get("tags", [])
                                 if t.startswith("step:"))
