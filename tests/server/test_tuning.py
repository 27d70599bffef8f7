"""Tuning studies from notebook code and from the command line.

``client.tune`` in a real kernel started by the server: the bridge runs the
study (Optuna in the server's Python), each trial a run of the notebook's
pipeline; and ``kubeflow-bridge tune --json``, headless.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .harness import JupyterServer
from .kernel import execute, shutdown_kernel
from .test_kernel_client import ALICE, code, notebook, start_kernel_in

CLI = str(Path(sys.executable).parent / "kubeflow-bridge")

# score = -(x - 2)^2 - (y + 1)^2: best 0 at x = 2, y = -1.
QUADRATIC = notebook(
    code("x = 0.0\ny = 0.0\nlabel = 'a'", {"role": "parameters"}),
    code("score = -(x - 2) ** 2 - (y + 1) ** 2\nlength = len(label)", {"step": "train"}),
    code("score\nlength", {"role": "metrics"}),
)

TUNE = """
import json
from jupyterlab_kubeflow import client
study = client.tune("quad.ipynb", space={"x": "uniform:-5:5", "y": {"type": "double", "min": -5, "max": 5},
                                         "label": ["a", "bb"]},
                    objective="score", direction="maximize", trials=12, parallel=2, algorithm="tpe", seed=3)
refused = None
try:
    client.tune("quad.ipynb", space={"x": "uniform:-5:5"}, objective="accuracy")
except client.BridgeError as e:
    refused = [e.field, e.status, e.message]
print(json.dumps({"id": study.id, "state": study.state, "notebook": study.notebook,
                  "best": [study.best.number, study.best.parameters, study.best.metrics, study.best.objective],
                  "trials": [[t.number, t.state, t.parameters, t.metrics, t.run, t.duration_s] for t in study.trials],
                  "listed": [s.id for s in client.studies("quad.ipynb")],
                  "run_params": client.runs("quad.ipynb")[0].parameters, "refused": refused}))
"""


def test_client_tune_runs_a_study_and_returns_the_best_trial(server: JupyterServer) -> None:
    folder = server.root / "tuning"
    folder.mkdir(exist_ok=True)
    (folder / "quad.ipynb").write_text(QUADRATIC)
    kernel_id = start_kernel_in(server, ALICE, "tuning")
    try:
        result = json.loads(execute(server, ALICE, kernel_id, TUNE).strip().splitlines()[-1])
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    assert result["state"] == "succeeded", result
    assert result["notebook"] == "tuning/quad.ipynb"
    trials = result["trials"]
    assert len(trials) == 12
    assert all(state == "succeeded" for _, state, *_ in trials)
    # Categorical values come back in the parameter's own type; metrics are the run's.
    for _, _, params, metrics, run, duration in trials:
        assert params["label"] in ("a", "bb")
        assert metrics == {"score": -(params["x"] - 2) ** 2 - (params["y"] + 1) ** 2, "length": len(params["label"])}
        assert run and duration > 0
    number, params, metrics, objective = result["best"]
    assert objective == max(m["score"] for *_, m, _, _ in trials)
    assert metrics["score"] == objective
    assert result["listed"] == [result["id"]]
    assert set(result["run_params"]) == {"x", "y", "label"}
    field, status, message = result["refused"]
    assert (field, status) == ("spec.objective.metric", 400)
    assert message == "accuracy is not a metric: the metrics cell reports score, length"


def test_cli_tune_json_ends_with_best_and_trials(tmp_path: Path) -> None:
    (tmp_path / "quad.ipynb").write_text(QUADRATIC)
    done = subprocess.run(
        [CLI, "tune", str(tmp_path / "quad.ipynb"), "--space", "x=uniform:-5:5", "--space", "y=uniform:-5:5",
         "--objective", "score", "--maximize", "--trials", "6", "--parallel", "2", "--algorithm", "random",
         "--seed", "5", "--json", "--python", sys.executable, "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["state"] == "succeeded"
    assert len(report["trials"]) == 6
    assert {tuple(sorted(t)) for t in report["trials"]} == {("duration_s", "metrics", "number", "parameters", "run", "state")}
    best = max(report["trials"], key=lambda t: t["metrics"]["score"])
    assert report["best"] == {"parameters": best["parameters"], "metrics": best["metrics"]}
    # One line per finished trial on stderr.
    assert sum(line.startswith("[kubeflow] trial ") for line in done.stderr.splitlines()) == 6

    bad = subprocess.run([CLI, "tune", str(tmp_path / "quad.ipynb"), "--space", "x=normal:0:1", "--objective", "score",
                          "--maximize"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert 'unknown form "normal"' in bad.stderr
    refused = subprocess.run(
        [CLI, "tune", str(tmp_path / "quad.ipynb"), "--space", "x=uniform:1:0", "--objective", "score", "--maximize",
         "--python", sys.executable, "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "spec.parameters.x.max: x: min (1) must be less than max (0)" in refused.stderr
