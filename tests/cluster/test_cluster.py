"""The harness gives the tests a real API server: auth, RBAC, CRDs, watches."""

from __future__ import annotations

import json

import pytest

from .harness import ApiError, Cluster, check, unique

KFP = "pipelines.kubeflow.org"
API = "https://kubernetes.default.svc"


def test_ready_and_versioned(cluster: Cluster) -> None:
    with cluster.admin() as c:
        assert c.get("/readyz").text == "ok"
        # The build's ldflags took: not v0.0.0-master.
        assert check(c.get("/version"))["gitVersion"].startswith("v1.")
    # TLS is verified against the generated CA, and anonymous callers get nothing.
    with cluster.client(None) as anon:
        assert anon.get("/api/v1/namespaces").status_code in (401, 403)


def test_kfp_audience_token_passes_only_a_kfp_review(cluster: Cluster) -> None:
    ns = cluster.create_namespace()
    cluster.create_service_account(ns, "alice")
    token = cluster.token_for(ns, "alice", [KFP])

    review = cluster.token_review(token, [KFP])
    assert review["authenticated"] is True
    assert review["user"]["username"] == f"system:serviceaccount:{ns}:alice"
    assert review["audiences"] == [KFP]

    # KFP's audience is not the API server's own: a review naming only that refuses it.
    assert not cluster.token_review(token, [API]).get("authenticated")


def test_token_request_rbac_follows_resource_names(cluster: Cluster) -> None:
    ns = cluster.create_namespace()
    for sa in ("bridge", "sa-a", "sa-b"):
        cluster.create_service_account(ns, sa)
    rules = [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"], "resourceNames": ["sa-a"]}]
    cluster.create_role(ns, "mint-sa-a", rules)
    cluster.bind(ns, "mint-sa-a", "bridge")
    bridge = cluster.token_for(ns, "bridge", [API])

    minted = cluster.token_for(ns, "sa-a", [KFP], using=bridge)
    assert cluster.token_review(minted, [KFP])["user"]["username"] == f"system:serviceaccount:{ns}:sa-a"

    with pytest.raises(ApiError) as refused:
        cluster.token_for(ns, "sa-b", [KFP], using=bridge)
    assert refused.value.status == 403
    assert "serviceaccounts/token" in refused.value.body


EXPERIMENT = {
    "apiVersion": "kubeflow.org/v1beta1",
    "kind": "Experiment",
    "spec": {
        "objective": {"type": "maximize", "goal": 0.9, "objectiveMetricName": "accuracy"},
        "algorithm": {"algorithmName": "random"},
        "maxTrialCount": 2,
        "parameters": [{"name": "lr", "parameterType": "double", "feasibleSpace": {"min": "0.01", "max": "0.1"}}],
        "trialTemplate": {
            "primaryContainerName": "main",
            "trialParameters": [{"name": "lr", "reference": "lr"}],
            "trialSpec": {"apiVersion": "batch/v1", "kind": "Job", "spec": {"template": {"spec": {"containers": []}}}},
        },
    },
}
INFERENCE_SERVICE = {
    "apiVersion": "serving.kserve.io/v1beta1",
    "kind": "InferenceService",
    "spec": {"predictor": {"sklearn": {"storageUri": "gs://kfserving-examples/models/sklearn/1.0/model"}}},
}
CRDS = [
    ("/apis/kubeflow.org/v1beta1", "experiments", EXPERIMENT, {"conditions": [{"type": "Running", "status": "True"}]}),
    (
        "/apis/serving.kserve.io/v1beta1",
        "inferenceservices",
        INFERENCE_SERVICE,
        {"url": "http://model.example", "conditions": [{"type": "Ready", "status": "True"}]},
    ),
]


@pytest.mark.parametrize(("prefix", "plural", "body", "status"), CRDS, ids=["katib", "kserve"])
def test_crd_objects_and_status_subresource(cluster: Cluster, prefix: str, plural: str, body: dict, status: dict) -> None:
    ns = cluster.create_namespace()
    name = unique("obj")
    path = f"{prefix}/namespaces/{ns}/{plural}"
    with cluster.admin() as c:
        created = check(c.post(path, json={**body, "metadata": {"name": name}}))
        assert created.get("status", {}) == {}
        merge = {"Content-Type": "application/merge-patch+json"}
        # Status is a subresource: a patch of the object itself ignores it...
        check(c.patch(f"{path}/{name}", content=json.dumps({"status": status}), headers=merge))
        assert check(c.get(f"{path}/{name}")).get("status", {}) == {}
        # ...and the /status endpoint writes it.
        check(c.patch(f"{path}/{name}/status", content=json.dumps({"status": status}), headers=merge))
        assert check(c.get(f"{path}/{name}"))["status"] == status


def test_watch_sees_a_status_change(cluster: Cluster) -> None:
    ns = cluster.create_namespace()
    name = unique("isvc")
    path = f"/apis/serving.kserve.io/v1beta1/namespaces/{ns}/inferenceservices"
    with cluster.admin() as c:
        created = check(c.post(path, json={**INFERENCE_SERVICE, "metadata": {"name": name}}))
        # Watching from the creation's resourceVersion replays every later
        # event, so the write below cannot slip in before the watch starts.
        params = {
            "watch": "1",
            "resourceVersion": created["metadata"]["resourceVersion"],
            "fieldSelector": f"metadata.name={name}",
            "timeoutSeconds": "30",
        }
        with c.stream("GET", path, params=params) as events:
            assert events.status_code == 200
            status = {"url": "http://ready.example", "conditions": [{"type": "Ready", "status": "True"}]}
            with cluster.admin() as writer:
                check(writer.patch(f"{path}/{name}/status", content=json.dumps({"status": status}),
                                   headers={"Content-Type": "application/merge-patch+json"}))
            for line in events.iter_lines():
                event = json.loads(line)
                if event["type"] == "MODIFIED":
                    assert event["object"]["status"] == status
                    break
            else:
                pytest.fail("the watch ended without a MODIFIED event")
