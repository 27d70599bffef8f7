"""Deployments on Kubeflow through the BUILT bridge against a real kube-apiserver.

The KServe CRD is installed with its full OpenAPI schema, so every
InferenceService the bridge sends is validated as KServe would. Alice is
mapped to namespace A, whose default-editor may work with InferenceServices
there; B's default-editor has no binding. Runs are local (real Python, a
decision tree at depth 1 < 2 < 4 in accuracy), so the gate compares real
metrics; their models are "at" s3:// URIs given in the request (the cluster
cannot pull a laptop's files, and nothing here pulls at all: no controller).
The test plays the KServe controller's part by writing status through the
status subresource as admin, and checks what reaches alice's events socket.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
import yaml

from .bridge_proc import Bridge, tenancy
from .harness import Cluster, check, unique

JWT = "eyJ"
ISVC = "/apis/serving.kserve.io/v1beta1/namespaces/{ns}/inferenceservices/{name}"
FINISHED = ("succeeded", "failed", "cancelled", "interrupted")


def cell(source: str, annotation: dict) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"kubeflow": annotation}, "outputs": [], "execution_count": None}


IRIS = {
    "nbformat": 4, "nbformat_minor": 5, "metadata": {},
    "cells": [
        cell("from sklearn.datasets import load_iris\nfrom sklearn.model_selection import train_test_split\n"
             "from sklearn.tree import DecisionTreeClassifier", {"role": "imports"}),
        cell("depth = 2", {"role": "parameters"}),
        cell("X, y = load_iris(return_X_y=True)\nXtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.5, random_state=0)\n"
             "model = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(Xtr, ytr)", {"step": "train"}),
        cell("accuracy = float(model.score(Xte, yte))", {"step": "evaluate"}),
        cell("accuracy", {"role": "metrics"}),
    ],
}


def predictor(uri: str, **extra: object) -> dict:
    return {"model": {"modelFormat": {"name": "sklearn"}, "storageUri": uri}, "serviceAccountName": "models-sa", **extra}


@pytest.fixture(scope="module")
def world(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict:
    a, b, home = tenancy(cluster)
    # What a Kubeflow profile's default-editor may do with KServe objects (kubeflow-kserve-edit).
    cluster.create_role(a, "kserve-edit", [{
        "apiGroups": ["serving.kserve.io"], "resources": ["inferenceservices", "inferencegraphs"],
        "verbs": ["create", "get", "list", "watch", "patch", "update", "delete"],
    }])
    cluster.bind(a, "kserve-edit", "default-editor")
    work = tmp_path_factory.mktemp("kserve")
    kubeconfig = cluster.kubeconfig(work / "bridge.kubeconfig", token=cluster.token_for(home, "kubeflow-bridge"))
    user_map = work / "users.yaml"
    user_map.write_text(yaml.safe_dump({"users": {"alice": {"namespace": a}}}))
    return {"a": a, "b": b, "kubeconfig": kubeconfig, "user_map": user_map, "work": work}


def start_bridge(world: dict, mode: str) -> tuple[Bridge, dict]:
    """A bridge in shared mode with its own history, and three runs in it (depth -> {id, accuracy})."""
    work: Path = world["work"] / mode
    (work / "root").mkdir(parents=True)
    (work / "root" / "iris.ipynb").write_text(json.dumps(IRIS))
    bridge = Bridge(work, [
        "--identity", "shared", "--kubeconfig", str(world["kubeconfig"]), "--user-map", str(world["user_map"]), "--profiles", "off",
        "--data-dir", str(work / "data"), "--root-dir", str(work / "root"), "--python", sys.executable,
        "--kserve-deployment-mode", mode, "--kserve-service-account", "models-sa", "--kserve-feedback-batch", "10",
    ])
    runs = {}
    for depth in (1, 2, 4):
        r = bridge.call("POST", "/api/runs", body={"notebook": {"path": "iris.ipynb"}, "parameters": {"depth": depth}})
        assert r.status_code == 201, r.text
        run = bridge.wait_run(r.json()["id"], lambda x: x["state"] in FINISHED, f"run depth={depth}", timeout=120)
        assert run["state"] == "succeeded", json.dumps(run)[:2000]
        runs[depth] = {"id": run["id"], "accuracy": run["metrics"]["accuracy"]}
    assert runs[1]["accuracy"] < runs[2]["accuracy"] < runs[4]["accuracy"]
    return bridge, runs


@pytest.fixture(scope="module")
def knative(world: dict):
    bridge, runs = start_bridge(world, "knative")
    yield {"bridge": bridge, "runs": runs}
    bridge.stop()


@pytest.fixture(scope="module")
def standard(world: dict):
    bridge, runs = start_bridge(world, "standard")
    yield {"bridge": bridge, "runs": runs}
    bridge.stop()


def read_isvc(cluster: Cluster, ns: str, name: str) -> dict:
    with cluster.admin() as c:
        return check(c.get(ISVC.format(ns=ns, name=name)))


def deploy(b: Bridge, runs: dict, name: str, depth: int = 2, **extra: object):  # noqa: ANN201
    body = {"target": "kubeflow", "run": runs[depth]["id"], "output": "model", "name": name,
            "storageUri": f"s3://models/{name}/depth-{depth}", "gate": {"metric": "accuracy", "direction": "maximize", "margin": 0.01}, **extra}
    return b.call("POST", "/api/deployments", body=body)


# -- where it lands ---------------------------------------------------------------------


def test_champion_lands_in_her_namespace_exactly_as_built(cluster: Cluster, knative: dict, world: dict) -> None:
    b, runs = knative["bridge"], knative["runs"]
    name = unique("iris")
    r = deploy(b, runs, name)
    assert r.status_code == 201, r.text
    d = r.json()["deployment"]
    assert d["target"] == "kubeflow" and d["namespace"] == world["a"] and d["mode"] == "knative"
    assert d["versions"][0]["metrics"] == {"accuracy": runs[2]["accuracy"]}
    assert d["versions"][0]["modelFormat"] == "sklearn" and d["versions"][0]["modelType"].endswith("DecisionTreeClassifier")
    isvc = read_isvc(cluster, world["a"], name)
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == "Knative"
    assert isvc["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-2")}
    # Listed and read back through the same API as local deployments.
    assert name in [x["name"] for x in b.call("GET", "/api/deployments").json()["deployments"]]
    assert b.call("GET", f"/api/deployments/{name}").json()["kserve"]["name"] == name


def test_another_namespace_is_refused_by_the_bridge_first(cluster: Cluster, knative: dict, world: dict) -> None:
    name = unique("iris")
    r = deploy(knative["bridge"], knative["runs"], name, namespace=world["b"])
    assert r.status_code == 403, r.text
    assert r.json()["error"]["field"] == "namespace" and world["b"] in r.json()["error"]["message"]
    with cluster.admin() as c:
        assert c.get(ISVC.format(ns=world["b"], name=name)).status_code == 404


def test_and_by_the_api_server_where_her_sa_has_no_binding(cluster: Cluster, knative: dict, world: dict) -> None:
    original = world["user_map"].read_text()
    world["user_map"].write_text(yaml.safe_dump({"users": {"alice": {"namespace": world["b"]}}}))
    os.utime(world["user_map"], (time.time() + 5, time.time() + 5))
    name = unique("iris")
    try:
        r = deploy(knative["bridge"], knative["runs"], name)
        assert r.status_code == 403, r.text
        message = r.json()["error"]["message"]
        assert f"namespace {world['b']}" in message and "inferenceservices.serving.kserve.io" in message
        assert "system:serviceaccount" in message  # the API server's own words
    finally:
        world["user_map"].write_text(original)
        os.utime(world["user_map"], (time.time() + 10, time.time() + 10))
    assert knative["bridge"].call("GET", "/api/identity").json()["namespace"] == world["a"]
    # Nothing half-made: no record that would shadow a later deployment of that name.
    assert knative["bridge"].call("GET", f"/api/deployments/{name}").status_code == 404


def test_a_local_runs_model_needs_a_storage_uri(knative: dict) -> None:
    body = {"target": "kubeflow", "run": knative["runs"][2]["id"], "name": unique("iris")}
    r = knative["bridge"].call("POST", "/api/deployments", body=body)
    assert r.status_code == 400 and r.json()["error"]["field"] == "storageUri", r.text
    r = knative["bridge"].call("POST", "/api/deployments", body={**body, "storageUri": "/home/alice/model"})
    assert r.status_code == 400 and "s3://" in r.json()["error"]["message"]


# -- canary, promote, rollback: exactly the documented specs -------------------------------


def test_knative_canary_traffic_promote_rollback(cluster: Cluster, knative: dict, world: dict) -> None:
    b, runs, ns = knative["bridge"], knative["runs"], world["a"]
    name = unique("iris")
    assert deploy(b, runs, name).status_code == 201
    r = b.call("POST", f"/api/deployments/{name}/challenger", body={"run": runs[4]["id"], "storageUri": f"s3://models/{name}/depth-4", "challengerPercent": 10})
    assert r.status_code == 201, r.text
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-4", canaryTrafficPercent=10)}
    r = b.call("POST", f"/api/deployments/{name}/traffic", body={"challengerPercent": 30})
    assert r.status_code == 200, r.text
    assert read_isvc(cluster, ns, name)["spec"]["predictor"]["canaryTrafficPercent"] == 30
    r = b.call("POST", f"/api/deployments/{name}/promote")
    assert r.status_code == 200, r.text
    assert r.json()["gate"]["passed"] is True
    # Promote = remove the field: the latest revision takes 100 %.
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-4")}

    # A worse challenger: the gate refuses with both numbers and the spec keeps its canary.
    r = b.call("POST", f"/api/deployments/{name}/challenger", body={"run": runs[1]["id"], "storageUri": f"s3://models/{name}/depth-1", "challengerPercent": 5})
    assert r.status_code == 201, r.text
    r = b.call("POST", f"/api/deployments/{name}/promote")
    assert r.status_code == 409, r.text
    assert r.json()["champion"] == {"metric": "accuracy", "value": runs[4]["accuracy"]}
    assert r.json()["challenger"] == {"metric": "accuracy", "value": runs[1]["accuracy"]}
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-1", canaryTrafficPercent=5)}
    # Rollback = the champion's predictor back, pinned with canaryTrafficPercent 0.
    r = b.call("POST", f"/api/deployments/{name}/rollback")
    assert r.status_code == 200, r.text
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-4", canaryTrafficPercent=0)}
    roles = {v["id"]: v["role"] for v in r.json()["versions"]}
    assert roles == {"v1": "retired", "v2": "champion", "v3": "retired"}


def test_standard_mode_canary_promote_rollback(cluster: Cluster, standard: dict, world: dict) -> None:
    b, runs, ns = standard["bridge"], standard["runs"], world["a"]
    name = unique("iris")
    assert deploy(b, runs, name).status_code == 201
    isvc = read_isvc(cluster, ns, name)
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == "Standard"
    r = b.call("POST", f"/api/deployments/{name}/challenger", body={"run": runs[4]["id"], "storageUri": f"s3://models/{name}/depth-4", "challengerPercent": 10})
    assert r.status_code == 201, r.text
    canary_predictor = {"name": f"{name}-v2", **predictor(f"s3://models/{name}/depth-4")}
    canary_predictor["model"] = {"name": "kserve-container", **canary_predictor["model"]}
    assert read_isvc(cluster, ns, name)["spec"] == {
        "predictor": predictor(f"s3://models/{name}/depth-2"),
        "canary": [{"predictor": canary_predictor, "trafficPercent": 10}],
    }
    assert b.call("POST", f"/api/deployments/{name}/traffic", body={"challengerPercent": 40}).status_code == 200
    assert read_isvc(cluster, ns, name)["spec"]["canary"][0]["trafficPercent"] == 40
    assert b.call("POST", f"/api/deployments/{name}/promote").status_code == 200
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-4")}
    r = b.call("POST", f"/api/deployments/{name}/challenger", body={"run": runs[1]["id"], "storageUri": f"s3://models/{name}/depth-1", "challengerPercent": 10})
    assert r.status_code == 201, r.text
    assert len(read_isvc(cluster, ns, name)["spec"]["canary"]) == 1
    assert b.call("POST", f"/api/deployments/{name}/rollback").status_code == 200
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-4")}


# -- status reaches the Deploy view ------------------------------------------------------------


def wait_event(bridge: Bridge, name: str, predicate, timeout: float = 30) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in list(bridge.events.messages):
            d = m.get("deployment") or {}
            if m.get("type") == "deployment" and d.get("name") == name and predicate(d):
                return d
        time.sleep(0.2)
    raise AssertionError(f"no matching deployment event for {name}; got {[m for m in bridge.events.messages if m.get('type') == 'deployment'][-3:]}")


def test_status_written_by_the_controller_reaches_her_events(cluster: Cluster, knative: dict, world: dict) -> None:
    b, ns = knative["bridge"], world["a"]
    name = unique("iris")
    assert deploy(b, knative["runs"], name).status_code == 201
    time.sleep(1.0)  # let the watch connect
    path = ISVC.format(ns=ns, name=name)
    with cluster.admin() as c:
        obj = check(c.get(path))
        obj["status"] = {
            "url": f"http://{name}.{ns}.example.com",
            "conditions": [{"type": "Ready", "status": "False", "reason": "RevisionFailed", "message": "Revision failed to load the model"}],
            "components": {"predictor": {"traffic": [{"revisionName": f"{name}-predictor-00001", "percent": 100, "latestRevision": True}]}},
            "modelStatus": {
                "transitionStatus": "BlockedByFailedLoad",
                "states": {"activeModelState": "FailedToLoad", "targetModelState": "Loaded"},
                "lastFailureInfo": {"reason": "ModelLoadFailed", "message": "No model found in /mnt/models", "exitCode": 1},
            },
        }
        check(c.put(path + "/status", json=obj))
    d = wait_event(b, name, lambda d: (d.get("kserve") or {}).get("explanation"))
    k = d["kserve"]
    assert k["ready"] is False and k["reason"] == "RevisionFailed: Revision failed to load the model"
    assert k["url"] == f"http://{name}.{ns}.example.com"
    assert k["traffic"] == [{"revisionName": f"{name}-predictor-00001", "percent": 100, "latestRevision": True}]
    assert k["modelState"] == "FailedToLoad"
    assert k["explanation"].startswith("The model is not serving: the model server started but could not load the model")
    assert "exit code 1" in k["explanation"] and "No model found in /mnt/models" in k["explanation"]
    assert d["versions"][0]["server"]["state"] == "failed"

    with cluster.admin() as c:
        obj = check(c.get(path))
        obj["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
        obj["status"]["modelStatus"] = {"transitionStatus": "UpToDate", "states": {"activeModelState": "Loaded"}}
        check(c.put(path + "/status", json=obj))
    d = wait_event(b, name, lambda d: (d.get("kserve") or {}).get("ready") is True)
    assert d["kserve"]["explanation"] is None and d["versions"][0]["server"]["state"] == "ready"


# -- bandit routing: an InferenceGraph Splitter --------------------------------------------------

# The shared CRDs hold no InferenceGraph. This one is written from the
# published v1alpha1 types (the `kserve` package's V1alpha1InferenceGraphSpec,
# InferenceRouter, InferenceStep): a structural schema for the fields the
# bridge sends, so the API server still rejects a wrong name or type. KServe's
# webhook (weights of a Splitter add up to 100) is checked by the test itself.
GRAPH_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "inferencegraphs.serving.kserve.io"},
    "spec": {
        "group": "serving.kserve.io", "scope": "Namespaced",
        "names": {"kind": "InferenceGraph", "listKind": "InferenceGraphList", "plural": "inferencegraphs", "singular": "inferencegraph", "shortNames": ["ig"]},
        "versions": [{
            "name": "v1alpha1", "served": True, "storage": True, "subresources": {"status": {}},
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
                "spec": {"type": "object", "required": ["nodes"], "properties": {
                    "nodes": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                        "routerType": {"type": "string", "enum": ["Sequence", "Splitter", "Ensemble", "Switch"]},
                        "steps": {"type": "array", "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "nodeName": {"type": "string"}, "serviceName": {"type": "string"},
                            "serviceUrl": {"type": "string"}, "data": {"type": "string"}, "condition": {"type": "string"},
                            "dependency": {"type": "string", "enum": ["Soft", "Hard"]}, "weight": {"type": "integer", "format": "int64"},
                        }}},
                    }}},
                    "serviceAccountName": {"type": "string"}, "timeout": {"type": "integer"},
                }},
                "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            }}},
        }],
    },
}
GRAPH = "/apis/serving.kserve.io/v1alpha1/namespaces/{ns}/inferencegraphs/{name}"


@pytest.fixture(scope="module")
def graph_crd(cluster: Cluster) -> None:
    with cluster.admin() as c:
        r = c.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json=GRAPH_CRD)
        assert r.status_code in (201, 409), r.text
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            crd = check(c.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/inferencegraphs.serving.kserve.io"))
            if any(x["type"] == "Established" and x["status"] == "True" for x in (crd.get("status") or {}).get("conditions") or []):
                break
            time.sleep(0.2)
    time.sleep(1.0)  # discovery


def test_bandit_routing_is_an_inference_graph_whose_weights_follow_rewards(cluster: Cluster, knative: dict, world: dict, graph_crd: None) -> None:
    b, runs, ns = knative["bridge"], knative["runs"], world["a"]
    name = unique("iris")
    r = deploy(b, runs, name, routing={"mode": "thompson", "prior": {"alpha": 1, "beta": 1}, "seed": 3})
    assert r.status_code == 201, r.text
    r = b.call("POST", f"/api/deployments/{name}/challenger", body={"run": runs[4]["id"], "storageUri": f"s3://models/{name}/depth-4"})
    assert r.status_code == 201, r.text
    # The challenger is a service of its own (a Splitter routes between services), no canary on the champion.
    assert read_isvc(cluster, ns, f"{name}-v2")["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-4")}
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-2")}
    with cluster.admin() as c:
        graph = check(c.get(GRAPH.format(ns=ns, name=f"{name}-router")))
    root = graph["spec"]["nodes"]["root"]
    assert root["routerType"] == "Splitter"
    assert [(s["serviceName"], s["name"]) for s in root["steps"]] == [(name, name), (f"{name}-v2", f"{name}-v2")]
    before = [s["weight"] for s in root["steps"]]
    assert sum(before) == 100 and abs(before[0] - 50) <= 3

    # One batch (10) of rewards: the challenger answers well, the champion poorly.
    for i in range(5):
        assert b.call("POST", f"/api/deployments/{name}/feedback", body={"version": "v1", "reward": 1 if i == 0 else 0}).status_code == 200
        last = b.call("POST", f"/api/deployments/{name}/feedback", body={"version": "v2", "reward": 1})
        assert last.status_code == 200, last.text
    with cluster.admin() as c:
        after = [s["weight"] for s in check(c.get(GRAPH.format(ns=ns, name=f"{name}-router")))["spec"]["nodes"]["root"]["steps"]]
    assert sum(after) == 100 and after[1] > 90, after
    assert last.json()["weights"] == after
    # A reward for a version that is not live is refused, naming it.
    r = b.call("POST", f"/api/deployments/{name}/feedback", body={"version": "v9", "reward": 1})
    assert r.status_code == 404 and r.json()["error"]["field"] == "version"

    # Promote (the gate passes): the champion's service takes the challenger's model; router and challenger service go.
    r = b.call("POST", f"/api/deployments/{name}/promote")
    assert r.status_code == 200, r.text
    assert read_isvc(cluster, ns, name)["spec"] == {"predictor": predictor(f"s3://models/{name}/depth-4")}
    with cluster.admin() as c:
        assert c.get(GRAPH.format(ns=ns, name=f"{name}-router")).status_code == 404
        gone = c.get(ISVC.format(ns=ns, name=f"{name}-v2"))
        assert gone.status_code == 404 or gone.json()["metadata"].get("deletionTimestamp"), gone.text


# -- no token anywhere ---------------------------------------------------------------------------


def test_no_token_in_any_response_event_or_log_line(knative: dict, standard: dict) -> None:
    for b in (knative["bridge"], standard["bridge"]):
        assert len(b.responses) > 5 and any("kserve" in t for t in b.events.raw)
        for text in [*b.responses, *b.events.raw]:
            assert JWT not in text, text[:200]
        log = b.log()
        assert "inference service created" in log
        assert JWT not in log
