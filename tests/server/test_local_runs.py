"""The bridge that the server extension starts runs notebooks of its root
dir on the local engine, keeping history in the Jupyter data dir."""

from __future__ import annotations

import json
import os

from .harness import JupyterServer, wait_for

ALICE = "alice-token-0123456789"
XSRF = "2|abcdef01|0123456789abcdef0123456789abcdef|1700000000"


def test_a_notebook_in_the_root_dir_runs_with_the_server_python(server: JupyterServer) -> None:
    cell = {"cell_type": "code", "source": "import sys\nexe = sys.executable",
            "metadata": {"kubeflow": {"step": "where"}}, "outputs": [], "execution_count": None}
    metrics = {"cell_type": "code", "source": "n = len(exe)",
               "metadata": {"kubeflow": {"step": "count"}}, "outputs": [], "execution_count": None}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell, metrics]}
    (server.root / "local-run.ipynb").write_text(json.dumps(nb))
    client = server.client(ALICE)
    client.cookies.set("_xsrf", XSRF)
    headers = {"X-XSRFToken": XSRF, "Content-Type": "application/json"}
    response = client.post("/kubeflow/api/runs", headers=headers,
                           content=json.dumps({"notebook": {"path": "../escape.ipynb"}}))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "notebook.path"
    response = client.post("/kubeflow/api/runs", headers=headers,
                           content=json.dumps({"notebook": {"path": "local-run.ipynb"}}))
    assert response.status_code == 201, response.text
    run_id = response.json()["id"]

    def finished():
        run = client.get(f"/kubeflow/api/runs/{run_id}").json()
        return run if run.get("finishedAt") else None

    run = wait_for(finished, 60, "the run to finish")
    assert run["state"] == "succeeded", run
    assert run["user"] == "alice"
    data_dir = os.path.join(os.path.dirname(server.root), "data", "kubeflow")
    assert run["root"].startswith(os.path.join(data_dir, "runs"))
    assert os.path.exists(os.path.join(data_dir, "runs.sqlite"))
    listed = client.get("/kubeflow/api/runs", params={"notebook": "local-run.ipynb"}).json()
    assert [r["id"] for r in listed["runs"]] == [run_id]


def test_followed_logs_stream_through_the_proxy(server: JupyterServer) -> None:
    """The first log line reaches the browser while the task still runs."""
    import time

    step = {"cell_type": "code", "metadata": {"kubeflow": {"step": "slow"}}, "outputs": [],
            "execution_count": None,
            "source": "import time\nprint('first line', flush=True)\ntime.sleep(4)\nprint('last line')\ndone = 1"}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [step]}
    (server.root / "slow-logs.ipynb").write_text(json.dumps(nb))
    client = server.client(ALICE)
    client.cookies.set("_xsrf", XSRF)
    headers = {"X-XSRFToken": XSRF, "Content-Type": "application/json"}
    run_id = client.post("/kubeflow/api/runs", headers=headers,
                         content=json.dumps({"notebook": {"path": "slow-logs.ipynb"},
                                             "options": {"cache": False}})).json()["id"]
    wait_for(lambda: client.get(f"/kubeflow/api/runs/{run_id}").json()["tasks"][0]["state"] == "running",
             30, "the task to start")
    received = ""
    first_at = None
    with client.stream("GET", f"/kubeflow/api/runs/{run_id}/tasks/slow/logs",
                       params={"follow": "1"}, timeout=60) as response:
        assert response.status_code == 200
        for text in response.iter_text():
            received += text
            if first_at is None and "first line" in received:
                first_at = time.monotonic()
                state = client.get(f"/kubeflow/api/runs/{run_id}").json()["tasks"][0]["state"]
                assert state == "running", "the first line arrived only after the task ended"
    assert first_at is not None
    assert "last line" in received
