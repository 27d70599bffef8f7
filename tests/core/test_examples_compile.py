"""Every notebook under examples/ goes through the installed command line
(`kubeflow-bridge compile` and `analyze --json`, the way CI would call it),
its IR passes the real KFP SDK's strict checks, and the Kale examples' step
programs run task by task in real Python, handing artifacts along."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kfp_validate import validate_ir

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (REPO / "examples").rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)
# The Kale examples need only what the test venv has (scikit-learn, pandas);
# examples added later may need more, so only these are run end to end.
RUNNABLE = [p for p in EXAMPLES if p.parent.name == "kale"]
BRIDGE = Path(sys.executable).parent / "kubeflow-bridge"

ids = [str(p.relative_to(REPO / "examples")) for p in EXAMPLES]


def bridge(*args):
    if not BRIDGE.exists():
        pytest.fail(f"{BRIDGE} is missing: pip install -e . (and npm run build:bridge)")
    return subprocess.run([str(BRIDGE), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def compiled(notebook):
    done = bridge("compile", notebook)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_there_are_examples():
    assert len(RUNNABLE) >= 3, EXAMPLES


@pytest.mark.parametrize("notebook", EXAMPLES, ids=ids)
def test_example_compiles_to_valid_ir(notebook, tmp_path):
    text = compiled(notebook)
    docs = validate_ir(text)
    out = tmp_path / "pipeline.yaml"
    done = bridge("compile", notebook, "-o", out)
    assert done.returncode == 0, done.stderr
    assert out.read_text() == text  # -o writes the same bytes as stdout
    tasks = docs[0]["root"]["dag"]["tasks"]
    analysis = json.loads(bridge("analyze", notebook, "--json").stdout)
    assert len(tasks) == len(analysis["steps"])


@pytest.mark.parametrize("notebook", EXAMPLES, ids=ids)
def test_example_analysis_json(notebook):
    done = bridge("analyze", notebook, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert list(report) == ["pipeline", "parameters", "metrics", "steps", "problems"]
    assert isinstance(report["pipeline"], str) and report["pipeline"]
    for parameter in report["parameters"]:
        assert list(parameter) == ["name", "type", "default"]
    assert all(isinstance(name, str) for name in report["metrics"])
    assert report["steps"], "an example with no steps"
    for step in report["steps"]:
        assert list(step) == ["name", "cells", "inputs", "outputs", "after"]
    for problem in report["problems"]:
        assert list(problem) == ["severity", "cell", "message"]
        assert problem["severity"] == "warning", problem


def topological(tasks):
    """Task names, each after every task it depends on (notebook order kept)."""
    order, done = [], set()
    while len(order) < len(tasks):
        ready = [name for name, task in tasks.items() if name not in done
                 and set(task.get("dependentTasks", [])) <= done]
        assert ready, f"cycle among {set(tasks) - done}"
        order.append(ready[0])
        done.add(ready[0])
    return order


@pytest.mark.parametrize("notebook", RUNNABLE, ids=[p.name for p in RUNNABLE])
def test_kale_example_runs_end_to_end(notebook, pipeline_root):
    docs = validate_ir(compiled(notebook))
    metrics = json.loads(bridge("analyze", notebook, "--json").stdout)["metrics"]
    root = pipeline_root(docs[0])
    tasks = docs[0]["root"]["dag"]["tasks"]
    runs = {}
    for task in topological(tasks):
        runs[task] = done = root.run(task)
        assert done.returncode == 0, f"task {task} failed:\n{done.stderr}"
    assert metrics, "a Kale example without metrics"
    printed = dict(line.split("=", 1) for line in runs["pipeline-metrics"].stdout.splitlines()
                   if "=" in line)
    assert list(printed) == metrics
    for name, value in printed.items():
        float(value)  # a number, as Katib's StdOut collector needs
