"""``from jupyterlab_kubeflow import client`` in a real kernel started by the
server: runs a notebook's pipeline through the bridge with the kernel's own
credential, paths relative to the notebook's folder (the kernel's cwd)."""

from __future__ import annotations

import json
from pathlib import Path

from .harness import JupyterServer
from .kernel import XSRF, execute, shutdown_kernel

ALICE = "alice-token-0123456789"


def code(source: str, kubeflow: dict | None = None) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"kubeflow": kubeflow} if kubeflow else {},
            "outputs": [], "execution_count": None}


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "source": source, "metadata": {}}


def notebook(*cells: dict) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)})


GOOD = notebook(
    markdown("# Sums"),
    code("import json", {"role": "imports"}),
    code("n = 3\nscale = 1.0", {"role": "parameters"}),
    # Read relative to the notebook's folder: steps run there.
    code("offset = json.load(open('offset.json'))['offset']\nvalues = [i + offset for i in range(n)]",
         {"step": "make"}),
    code("total = sum(values) * scale", {"step": "total"}),
    code("total", {"role": "metrics"}),
)

BAD = notebook(
    code("rows = [1, 2, 0]", {"step": "load"}),
    markdown("Inverting the rows fails on the zero."),
    code("first = 1 / rows[0]\ninverse = [1 / r for r in rows]", {"step": "invert"}),
    code("count = len(inverse)", {"step": "count"}),
)

RUN = """
import json
from jupyterlab_kubeflow import client
r = client.run("pipeline.ipynb", params={"n": 5, "scale": 2.0}, wait=True)
listed = client.runs("pipeline.ipynb")
print(json.dumps({"id": r.id, "state": r.state, "notebook": r.notebook, "metrics": r.metrics,
                  "outputs": r.outputs, "tasks": [[t.name, t.state] for t in r.tasks],
                  "values": r.load("values"), "listed": [x.id for x in listed],
                  "cwd": __import__("os").getcwd()}))
"""

FAIL = """
import json
from jupyterlab_kubeflow import client
try:
    client.run("bad.ipynb")
    print(json.dumps({"raised": None}))
except client.RunFailed as e:
    print(json.dumps({"raised": "RunFailed", "task": e.task, "cell": e.cell, "line": e.line,
                      "text": str(e), "tasks": {t.name: t.state for t in e.run.tasks},
                      "quiet": client.run("bad.ipynb", check=False).state}))
"""

REFUSED = """
import json, os
from jupyterlab_kubeflow import client
out = {}
try:
    client.run("pipeline.ipynb", params={"nope": 1})
except client.BridgeError as e:
    out["param"] = [e.field, e.status, str(e)]
try:
    client.run("missing.ipynb")
except client.BridgeError as e:
    out["missing"] = [e.field, str(e)]
saved = os.environ.pop("KUBEFLOW_BRIDGE_URL")
try:
    client.run("pipeline.ipynb")
except client.BridgeError as e:
    out["no_env"] = str(e)
finally:
    os.environ["KUBEFLOW_BRIDGE_URL"] = saved
print(json.dumps(out))
"""


def start_kernel_in(server: JupyterServer, token: str, folder: str) -> str:
    """A kernel whose cwd is ``folder`` of the root, as a notebook's kernel is."""
    client = server.client(token)
    client.cookies.set("_xsrf", XSRF)
    response = client.post("/api/kernels", json={"name": "python3", "path": folder},
                           headers={"X-XSRFToken": XSRF})
    response.raise_for_status()
    return response.json()["id"]


def test_a_kernel_runs_a_pipeline_and_gets_metrics_and_outputs(server: JupyterServer) -> None:
    folder = server.root / "project"
    folder.mkdir(exist_ok=True)
    (folder / "pipeline.ipynb").write_text(GOOD)
    (folder / "offset.json").write_text('{"offset": 10}')
    kernel_id = start_kernel_in(server, ALICE, "project")
    try:
        result = json.loads(execute(server, ALICE, kernel_id, RUN).strip().splitlines()[-1])
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    assert result["cwd"] == str(folder.resolve())
    assert result["state"] == "succeeded", result
    # Recorded under its path in the root: it shows in that notebook's runs list.
    assert result["notebook"] == "project/pipeline.ipynb"
    assert result["metrics"] == {"total": 2.0 * sum(range(10, 15))}
    assert result["values"] == [10, 11, 12, 13, 14]
    assert result["tasks"] == [["make", "succeeded"], ["total", "succeeded"],
                                            ["pipeline-metrics", "succeeded"]]
    assert {"values", "total", "metrics"} <= set(result["outputs"])
    runs_dir = server.root.parent / "data" / "kubeflow" / "runs"
    for name, path in result["outputs"].items():
        assert runs_dir in Path(path).parents
        assert (Path(path) / ("metrics.json" if name == "metrics" else "kubeflow.json")).exists()
    assert result["listed"][0] == result["id"]


def test_a_failing_run_raises_run_failed_naming_task_cell_and_line(server: JupyterServer) -> None:
    (server.root / "failing").mkdir(exist_ok=True)
    (server.root / "failing" / "bad.ipynb").write_text(BAD)
    kernel_id = start_kernel_in(server, ALICE, "failing")
    try:
        result = json.loads(execute(server, ALICE, kernel_id, FAIL).strip().splitlines()[-1])
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    assert result["raised"] == "RunFailed"
    # Cell 2 counts the markdown cell; line 2 is the list comprehension.
    assert (result["task"], result["cell"], result["line"]) == ("invert", 2, 2)
    assert "task invert, cell 2, line 2" in result["text"]
    assert "ZeroDivisionError" in result["text"]
    assert result["tasks"] == {"load": "succeeded", "invert": "failed", "count": "skipped"}
    assert result["quiet"] == "failed"


def test_refusals_name_the_field_and_a_missing_credential_says_why(server: JupyterServer) -> None:
    (server.root / "project").mkdir(exist_ok=True)
    (server.root / "project" / "pipeline.ipynb").write_text(GOOD)
    kernel_id = start_kernel_in(server, ALICE, "project")
    try:
        result = json.loads(execute(server, ALICE, kernel_id, REFUSED).strip().splitlines()[-1])
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    field, status, text = result["param"]
    assert (field, status) == ("parameters.nope", 400)
    assert "nope" in text
    assert result["missing"][0] == "notebook.path"
    assert "no such file" in result["missing"][1]
    assert "KUBEFLOW_BRIDGE_URL is not set" in result["no_env"]
    assert "kernel started by a Jupyter server" in result["no_env"]


NO_KUBEFLOW = """
import json
from jupyterlab_kubeflow import client
out = {}
try:
    client.run("pipeline.ipynb", engine="kubeflow", experiment="nightly")
except client.BridgeError as e:
    out["kubeflow"] = [e.field, e.status, str(e)]
try:
    client.run("pipeline.ipynb", experiment="nightly")
except client.BridgeError as e:
    out["experiment"] = [e.field, e.status]
print(json.dumps(out))
"""


def test_kubeflow_on_a_server_without_kubeflow_names_options_engine(server: JupyterServer) -> None:
    (server.root / "project").mkdir(exist_ok=True)
    (server.root / "project" / "pipeline.ipynb").write_text(GOOD)
    kernel_id = start_kernel_in(server, ALICE, "project")
    try:
        result = json.loads(execute(server, ALICE, kernel_id, NO_KUBEFLOW).strip().splitlines()[-1])
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    field, status, text = result["kubeflow"]
    assert (field, status) == ("options.engine", 400)
    assert "kubeflow engine is not configured" in text
    # An experiment is for Kubeflow runs only: refused for a local run, naming it.
    assert result["experiment"] == ["options.experiment", 400]
