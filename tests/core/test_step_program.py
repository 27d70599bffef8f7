"""The step programs really run: real Python subprocesses, placeholders
resolved as KFP's launcher would, artifacts handed from step to step."""
import ast
import json
import os
import pickle
import subprocess

import joblib
import numpy as np
import pandas as pd

from ir_graphs import METRICS, graph, one_step, param, round_trip, step

PARAMS = {"n_rows": 7, "scale": 0.5, "verbose": True, "layers": [1, 2],
          "opts": {"a": 1}}


def load(directory):
    """An independent reader of the artifact layout (as a model server)."""
    with open(os.path.join(directory, "kubeflow.json")) as f:
        meta = json.load(f)
    path = os.path.join(directory, meta["file"])
    reader = {"npy": np.load, "pandas": pd.read_pickle, "joblib": joblib.load,
              "json": lambda p: json.load(open(p))}.get(meta["format"])
    return meta, reader(path) if reader else pickle.load(open(path, "rb"))


def run_all(compile_graph, pipeline_root, params=None):
    _, docs = compile_graph(round_trip())
    root = pipeline_root(docs[0])
    runs = {}
    for task in ("prep", "train", METRICS):
        runs[task] = done = root.run(task, params)
        assert done.returncode == 0, done.stderr
    return root, runs


def test_values_round_trip_between_steps(compile_graph, pipeline_root):
    root, _ = run_all(compile_graph, pipeline_root, PARAMS)
    formats = {name: load(root.path("prep", name))[0]["format"]
               for name in ("arr", "box", "df", "info", "square")}
    assert formats == {"arr": "npy", "box": "cloudpickle", "df": "pandas",
                       "info": "pickle", "square": "cloudpickle"}
    meta, df = load(root.path("prep", "df"))
    assert (meta["name"], meta["format"], meta["file"]) == ("df", "pandas", "value.pkl")
    # pandas 3 says pandas.DataFrame, pandas 2 pandas.core.frame.DataFrame
    assert meta["type"].startswith("pandas.") and meta["type"].endswith(".DataFrame")
    assert list(df["x"]) == [i * 0.5 for i in range(7)]
    meta, checks = load(root.path("train", "checks"))
    assert checks == [(7, 2), 16, 10, 3, {"rows": 7, "verbose": True,
                                         "layers": [1, 2], "opts": {"a": 1},
                                         "scale": 0.5}]
    meta, model = load(root.path("train", "model"))
    assert (meta["format"], meta["file"]) == ("joblib", "model.joblib")
    assert model.predict(pd.DataFrame({"x": [0.0]})).shape == (1,)
    assert sorted(os.listdir(root.path("prep", "arr"))) == ["kubeflow.json", "value.npy"]


def test_xgboost_model_round_trips_with_joblib(compile_graph, pipeline_root):
    """An XGBClassifier trained in one step is saved with joblib (as a model
    server loads it) and predicts the same in the next step."""
    sources = [
        "import numpy as np\nfrom sklearn.datasets import load_iris\n"
        "from xgboost import XGBClassifier",
        "X, y = load_iris(return_X_y=True)\n"
        "model = XGBClassifier(n_estimators=8, max_depth=2, random_state=0)\n"
        "model.fit(X, y)\n"
        "expected = model.predict(X)\n"
        "proba = model.predict_proba(X)",
        "again = model.predict(X)\n"
        "same = bool((again == expected).all())\n"
        "same_proba = bool(np.array_equal(model.predict_proba(X), proba))\n"
        "kind = type(model).__module__ + '.' + type(model).__qualname__",
    ]
    trained = ["X", "expected", "model", "proba"]
    _, docs = compile_graph(graph(sources, [
        step("train", cells=[1], outputs=trained),
        step("check", cells=[2], inputs=trained,
             sources={n: "train" for n in trained}, after=["train"],
             outputs=["kind", "same", "same_proba"]),
    ], imports=[0]))
    root = pipeline_root(docs[0])
    for task in ("train", "check"):
        done = root.run(task)
        assert done.returncode == 0, done.stderr
    meta, model = load(root.path("train", "model"))
    assert (meta["format"], meta["file"]) == ("joblib", "model.joblib")
    assert meta["type"] == "xgboost.sklearn.XGBClassifier"
    assert sorted(os.listdir(root.path("train", "model"))) == [
        "kubeflow.json", "model.joblib"]
    _, X = load(root.path("train", "X"))
    _, expected = load(root.path("train", "expected"))
    assert np.array_equal(model.predict(X), expected)
    assert load(root.path("check", "kind"))[1] == "xgboost.sklearn.XGBClassifier"
    assert load(root.path("check", "same"))[1] is True
    assert load(root.path("check", "same_proba"))[1] is True


def test_parameter_defaults_are_used(compile_graph, pipeline_root):
    root, _ = run_all(compile_graph, pipeline_root)
    assert load(root.path("train", "checks"))[1][0] == (20, 2)


def test_metrics_printed_and_written(compile_graph, pipeline_root):
    root, runs = run_all(compile_graph, pipeline_root, PARAMS)
    lines = runs[METRICS].stdout.splitlines()
    assert [line.split("=")[0] for line in lines] == ["accuracy", "n_checks"]
    assert "n_checks=5" in lines
    accuracy = float(lines[0].split("=")[1])
    meta, values = load(root.path(METRICS, "metrics"))
    assert meta["format"] == "json"
    assert values == {"accuracy": accuracy, "n_checks": 5}
    with open(os.path.join(root.root, METRICS, "executor_output.json")) as f:
        out = json.load(f)
    art = out["artifacts"]["metrics"]["artifacts"][0]
    assert art["metadata"] == values
    assert art["uri"] == "minio://bucket/pipeline-metrics/metrics"


def test_cell_markers_and_dropped_shell_lines(compile_graph, pipeline_root):
    _, runs = run_all(compile_graph, pipeline_root)
    err = runs["prep"].stderr
    assert "[kubeflow] step prep cell 0" in err
    assert "[kubeflow] step prep cell 1" in err
    assert err.index("cell 1\n") < err.index("step prep cell 3")
    assert "cell 3: skipped !echo not python (not Python)" in err
    assert "cell 2" not in err  # the parameters cell never runs


def run_one(compile_graph, pipeline_root, body, outputs=(), parameters=(),
            params=None, raw=None, setup=None, **kwargs):
    _, docs = compile_graph(one_step(body, outputs, parameters, setup))
    return pipeline_root(docs[0], **kwargs).run("prep", params, raw)


def test_traceback_names_the_cells(compile_graph, pipeline_root):
    done = run_one(compile_graph, pipeline_root,
                   "x = 1\ny = broken(x)\n", outputs=["y"],
                   setup="def broken(v):\n    return v / 0\n")
    assert done.returncode == 1
    assert 'File "<cell 2>", line 2, in <module>' in done.stderr
    assert 'File "<cell 0>", line 2, in broken' in done.stderr
    assert "return v / 0" in done.stderr  # the cell's own source line
    assert "ZeroDivisionError" in done.stderr
    assert "error: step 'prep' failed in cell 2: ZeroDivisionError" in done.stderr


def test_syntax_error_names_the_cell(compile_graph, pipeline_root):
    done = run_one(compile_graph, pipeline_root, "a = 1\nb = (\n")
    assert done.returncode == 1
    assert '"<cell 2>"' in done.stderr and "SyntaxError" in done.stderr


def test_unserializable_outputs_name_the_variable(compile_graph, pipeline_root):
    done = run_one(compile_graph, pipeline_root,
                   "gen = (i for i in range(3))", outputs=["gen"])
    assert done.returncode == 1
    assert "cannot save output 'gen' of type generator from step 'prep'" in done.stderr
    done = run_one(compile_graph, pipeline_root,
                   "import os\nfh = open(os.devnull)", outputs=["fh"])
    assert done.returncode == 1
    assert "cannot save output 'fh' of type TextIOWrapper from step 'prep'" in done.stderr


def test_missing_output_is_named(compile_graph, pipeline_root):
    done = run_one(compile_graph, pipeline_root, "x = 1", outputs=["y"])
    assert done.returncode == 1
    assert "step 'prep' did not define output 'y'" in done.stderr


def test_bad_parameter_values_name_the_parameter(compile_graph, pipeline_root):
    cases = [("int", 1, "abc"), ("int", 1, "2.5"), ("float", 1.0, "x1"),
             ("bool", True, "maybe"), ("list", [], '{"a": 1}'),
             ("dict", {}, "[1]"), ("dict", {}, "{bad json")]
    for kind, default, bad in cases:
        done = run_one(compile_graph, pipeline_root, "y = p", outputs=["y"],
                       parameters=[param("p", kind, default)], raw={"p": bad})
        assert done.returncode == 1, (kind, bad)
        assert "bad value for parameter 'p' (%s): %r" % (kind, bad) in done.stderr


def test_parameter_conversions(compile_graph, pipeline_root, tmp_path):
    body = "y = [type(p).__name__, p]"
    for kind, default, text, expected in [
            ("int", 1, "3.0", ["int", 3]), ("bool", False, "True", ["bool", True]),
            ("bool", True, "0", ["bool", False]), ("float", 1.0, "2", ["float", 2.0]),
            ("str", "", "{'x'}", ["str", "{'x'}"])]:
        done = run_one(compile_graph, pipeline_root, body, outputs=["y"],
                       parameters=[param("p", kind, default)], raw={"p": text})
        assert done.returncode == 0, done.stderr
        assert load(str(tmp_path / "prep" / "y"))[1] == expected


def test_non_numeric_metric_is_named(compile_graph, pipeline_root):
    graph = round_trip()
    graph["sources"][5] = "accuracy = 'high'"
    _, docs = compile_graph(graph)
    root = pipeline_root(docs[0])
    for task in ("prep", "train"):
        assert root.run(task).returncode == 0
    done = root.run(METRICS)
    assert done.returncode == 1
    assert "metric 'accuracy' must be a finite number, not str 'high'" in done.stderr


def test_notebook_function_without_cloudpickle(compile_graph, pipeline_root, tmp_path):
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "cloudpickle.py").write_text("raise ImportError('not installed')\n")
    done = run_one(compile_graph, pipeline_root, "f = lambda v: v", outputs=["f"],
                   env={"PYTHONPATH": str(stub)})
    assert done.returncode == 1
    assert "cannot save output 'f' of type function from step 'prep': " \
           "cloudpickle is needed" in done.stderr


def test_plain_step_needs_only_the_standard_library(compile_graph, pipeline_root):
    _, docs = compile_graph(one_step("y = {'a': [1, 2]}\nz = y['a']", outputs=["y", "z"]))
    root = pipeline_root(docs[0])
    argv = root.argv("prep")
    done = subprocess.run(
        [argv[0], "-S", "-I"] + argv[1:], capture_output=True, text=True, cwd=root.root)
    assert done.returncode == 0, done.stderr
    assert load(root.path("prep", "z"))[1] == [1, 2]


def test_container_of_notebook_code_uses_cloudpickle(compile_graph, pipeline_root,
                                                     tmp_path):
    done = run_one(compile_graph, pipeline_root,
                   "class P:\n    k = 2\nfns = {'sq': lambda v: v * v, 'p': P()}",
                   outputs=["fns"])
    assert done.returncode == 0, done.stderr
    meta, fns = load(str(tmp_path / "prep" / "fns"))
    assert (meta["format"], meta["type"]) == ("cloudpickle", "builtins.dict")
    assert fns["sq"](3) == 9 and fns["p"].k == 2


def test_program_is_python_3_9(compile_graph):
    _, docs = compile_graph(round_trip())
    for executor in docs[0]["deploymentSpec"]["executors"].values():
        ast.parse(executor["container"]["command"][3], feature_version=(3, 9))
