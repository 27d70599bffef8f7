"""Hand-built step graphs (as the analysis would produce them) for the
compiler's Python-side tests."""


def step(name, **fields):
    base = {"name": name, "cells": [], "inputs": [], "parameters": [],
            "sources": {}, "outputs": [], "after": [], "settings": {}}
    base.update(fields)
    return base


def graph(sources, steps, parameters=(), metrics=(), metrics_step=None,
          imports=(), functions=(), name="test-pipeline", **pipeline):
    return {
        "pipeline": dict(name=name, **pipeline),
        "parameters": list(parameters), "metrics": list(metrics),
        "metricsStep": metrics_step,
        "roleCells": {"imports": list(imports), "functions": list(functions),
                      "parameters": [], "metrics": []},
        "steps": steps, "problems": [], "sources": sources,
    }


def param(name, kind, default, cell=2):
    return {"name": name, "type": kind, "default": default, "cell": cell}


METRICS = "pipeline-metrics"

# The round trip: every kind of value the runtime saves, from prep to train,
# and two metrics (a float and a numpy integer) to the metrics step.
ROUND_TRIP_SOURCES = [
    "import numpy as np\nimport pandas as pd\n"
    "from sklearn.linear_model import LogisticRegression\n%matplotlib inline",
    "def double(x):\n    return 2 * x",
    "n_rows = 20\nscale = 1.5\nverbose = False\nlayers = [1]\nopts = {}",
    "df = pd.DataFrame({'x': np.arange(n_rows) * scale,"
    " 'y': np.arange(n_rows) % 2})\n"
    "arr = df.to_numpy()\n"
    "square = lambda v: v * v\n"
    "class Box:\n    def __init__(self, v):\n        self.v = v\n"
    "box = Box(3)\n"
    "info = {'rows': n_rows, 'verbose': verbose, 'layers': layers,"
    " 'opts': opts, 'scale': scale}\n"
    "!echo not python",
    "model = LogisticRegression().fit(df[['x']], df['y'])\n"
    "checks = [arr.shape, square(4), double(5), box.v, info]\n"
    "accuracy = float(model.score(df[['x']], df['y']))\n"
    "n_checks = np.int64(len(checks))",
    "accuracy\nn_checks",
]

PREP_OUT = ["arr", "box", "df", "info", "square"]


def round_trip(**pipeline):
    return graph(
        ROUND_TRIP_SOURCES,
        [
            step("prep", cells=[3], outputs=PREP_OUT,
                 parameters=["layers", "n_rows", "opts", "scale", "verbose"]),
            step("train", cells=[4], inputs=PREP_OUT,
                 sources={n: "prep" for n in PREP_OUT}, after=["prep"],
                 outputs=["accuracy", "checks", "model", "n_checks"]),
        ],
        parameters=[param("n_rows", "int", 20), param("scale", "float", 1.5),
                    param("verbose", "bool", False), param("layers", "list", [1]),
                    param("opts", "dict", {})],
        metrics=["accuracy", "n_checks"],
        metrics_step=step(METRICS, cells=[5], inputs=["accuracy", "n_checks"],
                          sources={"accuracy": "train", "n_checks": "train"},
                          after=["train"]),
        imports=[0], functions=[1], **pipeline)


def one_step(body, outputs=(), parameters=(), setup=None, name="prep"):
    """cell 0 functions (setup), cell 1 parameters, cell 2 the step."""
    return graph(
        [setup or "pass", "", body],
        [step(name, cells=[2], outputs=sorted(outputs),
              parameters=sorted(p["name"] for p in parameters))],
        parameters=parameters, functions=[0])
