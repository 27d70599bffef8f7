"""Every notebook in examples/ runs end to end on the local engine, through
the same command CI would use (`kubeflow-bridge run NOTEBOOK --json`), and
`kubeflow-bridge analyze` finds no errors in it. Examples are documentation
that cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(p for p in EXAMPLES.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
# Installed next to this Python by the package's entry points.
CLI = str(Path(sys.executable).parent / "kubeflow-bridge")


def bridge(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout)


def test_there_are_examples() -> None:
    assert any(p.parent == EXAMPLES for p in NOTEBOOKS), "no example annotated for this project"
    assert any(p.parent.name == "kale" for p in NOTEBOOKS), "no Kale-tagged example"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[str(p.relative_to(EXAMPLES)) for p in NOTEBOOKS])
def test_example_runs_end_to_end(notebook: Path, tmp_path: Path) -> None:
    analyzed = bridge("analyze", str(notebook), "--json")
    assert analyzed.returncode == 0, analyzed.stdout + analyzed.stderr
    analysis = json.loads(analyzed.stdout)
    errors = [p for p in analysis["problems"] if p["severity"] == "error"]
    assert errors == []

    # The steps run with this Python: the test venv has scikit-learn.
    done = bridge("run", str(notebook), "--json", "--data-dir", str(tmp_path / "data"),
                  "--python", sys.executable)
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout)
    assert report["state"] == "succeeded", report["error"]
    assert report["tasks"], "the run had no tasks"
    assert {t["name"]: t["state"] for t in report["tasks"]} == {t["name"]: "succeeded" for t in report["tasks"]}
    if analysis["metrics"]:
        assert report["metrics"], "the notebook has a metrics cell but the run reported no metrics"
        assert set(report["metrics"]) == set(analysis["metrics"])
        assert all(isinstance(v, (int, float)) for v in report["metrics"].values())
