"""The kubeflow engine end to end: the built bridge, a real kube-apiserver, the KFP double.

alice maps to namespace A, service account `default-editor`, which a
RoleBinding lets use `pipelines.kubeflow.org` runs, experiments and
pipelines (and read pods and their logs). bob maps to `default-editor` in
namespace B, which has no such binding. The bridge's own service account
may mint tokens for `default-editor` only (a Role with `resourceNames`).
The double authenticates every call like KFP, against the real API server;
the test moves runs through their states on the double's control port.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.kfp_double import KfpDouble

from .bridge_proc import Bridge
from .harness import Cluster

KFP = "pipelines.kubeflow.org"
API_AUDIENCE = "https://kubernetes.default.svc"
SA = "default-editor"
KFP_VERBS = ["create", "get", "list", "update", "delete", "archive", "unarchive", "terminate", "retry",
             "reportMetrics", "readArtifact"]


def cell(source: str, annotation: dict) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"kubeflow": annotation}, "outputs": [],
            "execution_count": None}


NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 5, "metadata": {},
    "cells": [
        cell('n_rows = 3\nrate = 0.5\nlabel = "x"', {"role": "parameters"}),
        cell("data = list(range(n_rows))", {"step": "load"}),
        cell("total = sum(data) * rate\nprint(label, total)", {"step": "train"}),
    ],
}


@pytest.fixture(scope="module")
def env(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    work = tmp_path_factory.mktemp("kfp-engine")
    ns_a, ns_b = cluster.create_namespace(), cluster.create_namespace()
    kfp_rules = [{"apiGroups": [KFP], "resources": ["runs", "experiments", "pipelines"], "verbs": KFP_VERBS},
                 {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]}]
    cluster.create_service_account(ns_a, SA)
    cluster.create_role(ns_a, "kfp-edit", kfp_rules)
    cluster.bind(ns_a, "kfp-edit", SA)
    cluster.create_service_account(ns_b, SA)  # no RoleBinding: KFP must refuse it
    # The bridge's own service account: it may mint tokens for default-editor only.
    cluster.create_service_account(ns_a, "kubeflow-bridge")
    mint = [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"], "resourceNames": [SA]}]
    for ns in (ns_a, ns_b):
        cluster.create_role(ns, "mint-default-editor", mint)
        cluster.bind(ns, "mint-default-editor", f"{ns_a}/kubeflow-bridge")
    kubeconfig = cluster.kubeconfig(work / "bridge.kubeconfig", token=cluster.token_for(ns_a, "kubeflow-bridge", [API_AUDIENCE]))
    user_map = work / "users.json"
    user_map.write_text(json.dumps({"users": {"alice": {"namespace": ns_a, "serviceAccount": SA},
                                              "bob": {"namespace": ns_b, "serviceAccount": SA}}}))
    root = work / "root"
    root.mkdir()
    (root / "counts.ipynb").write_text(json.dumps(NOTEBOOK))

    double = KfpDouble(cluster.admin).start()
    bridge = Bridge(work, [
        "--identity", "shared", "--kubeconfig", str(kubeconfig), "--user-map", str(user_map), "--profiles", "off",
        "--kfp-endpoint", double.url, "--data-dir", str(work / "data"), "--root-dir", str(root),
    ])
    yield {"ns_a": ns_a, "ns_b": ns_b, "bridge": bridge, "double": double, "cluster": cluster}
    bridge.stop()
    double.stop()


def start(bridge: Bridge, user: str = "alice", **extra) -> httpx.Response:  # noqa: ANN003
    body = {"notebook": {"path": "counts.ipynb"}, "options": {"engine": "kubeflow", "experiment": "counts-exp"}}
    body.update(extra)
    return bridge.call("POST", "/api/runs", user, body)


def drive(double: KfpDouble, run_id: str, **change) -> dict:  # noqa: ANN003
    r = httpx.post(f"{double.control_url}/control/runs/{run_id}", json=change, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def kfp_run(double: KfpDouble, run_id: str) -> dict:
    return httpx.get(f"{double.control_url}/control/runs/{run_id}", timeout=10).json()


def test_health_lists_the_kubeflow_engine(env) -> None:  # noqa: ANN001
    health = env["bridge"].call("GET", "/api/health").json()
    assert health["engines"] == ["local", "kubeflow"]


def test_a_run_goes_through_kfp_and_the_run_view_follows(env) -> None:  # noqa: ANN001
    bridge, double, ns_a = env["bridge"], env["double"], env["ns_a"]
    r = start(bridge, parameters={"n_rows": 5, "rate": 0.25})
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["engine"] == "kubeflow" and run["state"] == "pending"
    remote = run["remote"]
    assert remote["namespace"] == ns_a and remote["serviceAccount"] == SA and remote["experiment"] == "counts-exp"
    assert [t["name"] for t in run["tasks"]] == ["load", "train"]

    seen = double.seen()
    # Every call carried a token that a TokenReview with KFP's audience accepted, as alice's SA.
    assert seen["reviews"] and all(rv["authenticated"] for rv in seen["reviews"])
    assert {rv["username"] for rv in seen["reviews"]} == {f"system:serviceaccount:{ns_a}:{SA}"}
    assert all(KFP in rv["audiences"] for rv in seen["reviews"])
    kinds = [c["kind"] for c in seen["created"]]
    assert kinds == ["experiment", "pipeline_version", "run"]
    stored = kfp_run(double, remote["runId"])
    assert stored["runtime_config"]["parameters"] == {"n_rows": 5, "rate": 0.25, "label": "x"}
    assert isinstance(stored["runtime_config"]["parameters"]["n_rows"], int)
    assert stored["experiment_id"] == remote["experimentId"] and stored["_namespace"] == ns_a
    assert stored["pipeline_version_reference"] == {"pipeline_id": remote["pipelineId"],
                                                    "pipeline_version_id": remote["pipelineVersionId"]}

    # A second run reuses the experiment and the (identical) pipeline version.
    second = start(bridge).json()
    assert [c["kind"] for c in double.seen()["created"]] == kinds + ["run"]
    assert second["remote"]["experimentId"] == remote["experimentId"]
    assert second["remote"]["pipelineVersionId"] == remote["pipelineVersionId"]

    drive(double, remote["runId"], state="RUNNING", task_details=[
        {"task_id": "t1", "display_name": "load", "state": "RUNNING", "start_time": "2026-01-01T00:00:00Z"},
        {"task_id": "t0", "display_name": "root", "state": "RUNNING"}])
    running = bridge.wait_run(run["id"], lambda r: r["state"] == "running" and r["tasks"][0]["state"] == "running",
                              "the run view to show the run running")
    assert running["tasks"][1]["state"] == "pending"

    drive(double, remote["runId"], state="SUCCEEDED", task_details=[
        {"task_id": "t1", "display_name": "load", "state": "SUCCEEDED", "end_time": "2026-01-01T00:00:05Z"},
        {"task_id": "t2", "display_name": "train", "state": "SUCCEEDED", "end_time": "2026-01-01T00:00:09Z"}])
    done = bridge.wait_run(run["id"], lambda r: r["state"] == "succeeded", "the run to succeed")
    assert [t["state"] for t in done["tasks"]] == ["succeeded", "succeeded"]
    assert done["finishedAt"] is not None and done["remote"]["state"] == "SUCCEEDED"

    # The events socket saw the same story, as the local engine tells it.
    time.sleep(0.5)
    def about(m: dict) -> bool:
        return m.get("run") == run["id"] if m.get("type") == "task" else (m.get("run") or {}).get("id") == run["id"]

    mine = [m for m in bridge.events.messages if m.get("type") in ("run", "task") and about(m)]
    run_states = [m["run"]["state"] for m in mine if m["type"] == "run"]
    assert run_states[0] == "pending" and "running" in run_states and run_states[-1] == "succeeded"
    load_states = [m["task"]["state"] for m in mine if m["type"] == "task" and m["task"]["name"] == "load"]
    assert load_states[:1] == ["running"] and load_states[-1] == "succeeded"

    listed = bridge.call("GET", "/api/runs?notebook=counts.ipynb").json()["runs"]
    assert {run["id"], second["id"]} <= {r["id"] for r in listed if r["engine"] == "kubeflow"}


def test_a_failed_kfp_run_is_failed_with_the_task_error(env) -> None:  # noqa: ANN001
    bridge, double = env["bridge"], env["double"]
    run = start(bridge).json()
    drive(double, run["remote"]["runId"], state="FAILED", task_details=[
        {"display_name": "load", "state": "SUCCEEDED"},
        {"display_name": "train", "state": "FAILED", "error": {"code": 2, "message": "train: ZeroDivisionError (exit code 1)"}}],
        error={"code": 2, "message": "workflow failed"})
    failed = bridge.wait_run(run["id"], lambda r: r["state"] == "failed", "the run to fail")
    assert failed["error"] == {"message": "train: ZeroDivisionError (exit code 1)", "task": "train"}
    assert [t["state"] for t in failed["tasks"]] == ["succeeded", "failed"]


def test_terminate(env) -> None:  # noqa: ANN001
    bridge, double = env["bridge"], env["double"]
    run = start(bridge).json()
    r = bridge.call("POST", f"/api/runs/{run['id']}/cancel")
    assert r.status_code == 200, r.text
    assert kfp_run(double, run["remote"]["runId"])["state"] == "CANCELING"
    drive(double, run["remote"]["runId"], state="CANCELED")
    cancelled = bridge.wait_run(run["id"], lambda r: r["state"] == "cancelled", "the run to be cancelled")
    assert all(t["state"] == "cancelled" for t in cancelled["tasks"])
    assert bridge.call("POST", f"/api/runs/{run['id']}/cancel").status_code == 409


def test_a_user_without_the_role_binding_is_refused_by_kfp(env) -> None:  # noqa: ANN001
    bridge, ns_b = env["bridge"], env["ns_b"]
    before = len(env["double"].seen()["created"])
    r = start(bridge, user="bob")
    assert r.status_code == 403, r.text
    message = r.json()["error"]["message"]
    assert f"namespace {ns_b}" in message and "list experiments" in message, message
    assert f"system:serviceaccount:{ns_b}:{SA}" in message
    assert len(env["double"].seen()["created"]) == before


def test_a_wrong_parameter_type_is_refused_naming_it(env) -> None:  # noqa: ANN001
    bridge, double, ns_a = env["bridge"], env["double"], env["ns_a"]
    before = len(double.seen()["created"])
    r = start(bridge, parameters={"n_rows": "ten"})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "parameters.n_rows" and "n_rows" in r.json()["error"]["message"]
    assert len(double.seen()["created"]) == before  # nothing reached KFP
    # The double refuses it too, as KFP does, for a client that skips the check.
    run = start(bridge).json()
    token = env["cluster"].token_for(ns_a, SA, [KFP])
    body = {"display_name": "direct", "experiment_id": run["remote"]["experimentId"],
            "pipeline_version_reference": {"pipeline_id": run["remote"]["pipelineId"],
                                           "pipeline_version_id": run["remote"]["pipelineVersionId"]},
            "runtime_config": {"parameters": {"n_rows": "ten"}}}
    direct = httpx.post(f"{double.url}/apis/v2beta1/runs", json=body, headers={"Authorization": f"Bearer {token}"})
    assert direct.status_code == 400 and "'n_rows'" in direct.json()["message"]
    undeclared = {**body, "runtime_config": {"parameters": {"epochs": 3}}}
    direct = httpx.post(f"{double.url}/apis/v2beta1/runs", json=undeclared, headers={"Authorization": f"Bearer {token}"})
    assert direct.status_code == 400 and "'epochs'" in direct.json()["message"]


def test_task_logs_are_read_with_the_users_token(env) -> None:  # noqa: ANN001
    bridge, ns_a, cluster = env["bridge"], env["ns_a"], env["cluster"]
    run = start(bridge).json()
    r = bridge.call("GET", f"/api/runs/{run['id']}/tasks/load/logs")
    assert r.status_code == 404 and "no pod of task load" in r.json()["error"]["message"]
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "counts-load", "labels": {"pipeline/runid": run["remote"]["runId"]},
                        "annotations": {"workflows.argoproj.io/node-name": "counts-xyz.root.load"}},
           "spec": {"containers": [{"name": "main", "image": "python:3.12"}]}}
    with cluster.admin() as c:
        assert c.post(f"/api/v1/namespaces/{ns_a}/pods", json=pod).status_code == 201
    # No kubelet here: the pod has no node, so the API server answers with an empty log.
    r = bridge.call("GET", f"/api/runs/{run['id']}/tasks/load/logs")
    assert r.status_code == 200 and r.text == "", r.text
    # bob's own token may not read alice's namespace: the bridge stops him first.
    r = bridge.call("GET", f"/api/runs/{run['id']}/tasks/load/logs", user="bob")
    assert r.status_code == 403, r.text


def test_no_token_anywhere_and_no_kubeflow_userid_ever(env) -> None:  # noqa: ANN001
    bridge, double = env["bridge"], env["double"]
    seen = double.seen()
    assert seen["userid_violations"] == []
    assert all("kubeflow-userid" not in r["headers"] for r in seen["requests"])
    assert seen["schema_violations"] == []
    for where, texts in (("responses", bridge.responses), ("events", bridge.events.raw), ("log", [bridge.log()])):
        assert not any("eyJ" in t for t in texts), f"a token in the bridge's {where}"
    assert bridge.events.raw, "the events socket received nothing"
