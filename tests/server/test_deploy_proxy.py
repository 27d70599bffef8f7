"""Deploying a model through the Jupyter server, as the Deploy view and a
notebook do: a tiny scikit-learn pipeline runs through the authenticated
proxy (`/kubeflow/api/runs`), its model is deployed (KServe's model server,
started by the bridge with the run's Python), predictions through the proxy
in V1 and V2 equal the model's own `predict`, and feedback is taken. Then
the same from a real kernel with `client.deploy`, `client.predict` and
`client.feedback`."""

from __future__ import annotations

import json

import joblib

from .harness import JupyterServer, wait_for
from .kernel import XSRF, execute, shutdown_kernel
from .test_kernel_client import ALICE, code, notebook, start_kernel_in

IRIS = notebook(
    code("from sklearn.datasets import load_iris\nfrom sklearn.tree import DecisionTreeClassifier", {"role": "imports"}),
    code("depth = 2", {"role": "parameters"}),
    code("X, y = load_iris(return_X_y=True)\nmodel = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X[::2], y[::2])",
         {"step": "train"}),
    code("accuracy = float(model.score(X[1::2], y[1::2]))", {"step": "evaluate"}),
    code("accuracy", {"role": "metrics"}),
)
INSTANCES = [[5.1, 3.5, 1.4, 0.2], [6.0, 2.7, 5.1, 1.6], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]


def proxy(server: JupyterServer):  # noqa: ANN201
    client = server.client(ALICE)
    client.cookies.set("_xsrf", XSRF)
    client.headers.update({"X-XSRFToken": XSRF, "Content-Type": "application/json"})
    client.timeout = 120
    return client


def run_iris(server: JupyterServer, folder: str, depth: int) -> dict:
    (server.root / folder).mkdir(exist_ok=True)
    (server.root / folder / "iris.ipynb").write_text(IRIS)
    c = proxy(server)
    r = c.post("/kubeflow/api/runs", json={"notebook": {"path": f"{folder}/iris.ipynb"}, "parameters": {"depth": depth}})
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    run = wait_for(lambda: (x := c.get(f"/kubeflow/api/runs/{run_id}").json())["state"] in ("succeeded", "failed") and x,
                   120, "the iris run")
    assert run["state"] == "succeeded", json.dumps(run)[:2000]
    return run


def own_predictions(run: dict) -> list:
    train = next(t for t in run["tasks"] if t["name"] == "train")
    model = joblib.load(f"{train['outputs']['artifacts']['model']['path']}/model.joblib")
    return model.predict(INSTANCES).tolist()


def test_deploy_predict_v1_v2_and_feedback_through_the_proxy(server: JupyterServer) -> None:
    run = run_iris(server, "deploy-proxy", 2)
    c = proxy(server)
    r = c.post("/kubeflow/api/deployments", json={"run": run["id"], "output": "model", "name": "iris-proxy", "wait": True,
                                                  "gate": {"metric": "accuracy", "direction": "maximize", "margin": 0.01}})
    assert r.status_code == 201, r.text
    d = r.json()["deployment"]
    assert d["target"] == "local"
    assert d["versions"][0]["server"]["state"] == "ready", d
    assert d["versions"][0]["metrics"] == run["metrics"]
    expected = own_predictions(run)

    v1 = c.post("/kubeflow/api/deployments/iris-proxy/predict", json={"instances": INSTANCES})
    assert v1.status_code == 200, v1.text
    assert v1.json()["predictions"] == expected
    assert v1.headers["x-kubeflow-version"] == "v1"

    v2 = c.post("/kubeflow/api/deployments/iris-proxy/v2/infer",
                json={"inputs": [{"name": "input-0", "shape": [len(INSTANCES), 4], "datatype": "FP64", "data": sum(INSTANCES, [])}]})
    assert v2.status_code == 200, v2.text
    assert v2.json()["outputs"][0]["data"] == expected
    assert v2.json()["parameters"]["version"] == "v1"

    fb = c.post("/kubeflow/api/deployments/iris-proxy/feedback", json={"request_id": v1.json()["request_id"], "reward": 1})
    assert fb.status_code == 200, fb.text
    assert fb.json() == {"request_id": v1.json()["request_id"], "version": "v1", "reward": 1}
    # Kubeflow without an identity: the request says why instead of guessing.
    r = c.post("/kubeflow/api/deployments", json={"target": "kubeflow", "run": run["id"], "name": "iris-kf", "storageUri": "s3://m/iris"})
    assert r.status_code == 503 and r.json()["error"]["field"] == "target", r.text
    # Without the Jupyter credential, nothing.
    anonymous = server.client(None).post("/kubeflow/api/deployments/iris-proxy/predict", json={"instances": INSTANCES})
    assert anonymous.status_code in (401, 403)
    assert c.delete("/kubeflow/api/deployments/iris-proxy").status_code == 204


KERNEL = """
import json
from jupyterlab_kubeflow import client
run = client.run("iris.ipynb", params={"depth": 3}, wait=True)
d = client.deploy(run, output="model", name="iris-kernel")
p = client.predict("iris-kernel", INSTANCES)
import numpy as np
q = client.predict("iris-kernel", np.array(INSTANCES))
fb = client.feedback("iris-kernel", p["request_id"], 0.5)
try:
    client.deploy(run, output="model", name="iris-kf", target="kubeflow", storage_uri="s3://models/iris",
                  model_format="sklearn", namespace="alice")
    kf = None
except client.BridgeError as e:
    kf = {"status": e.status, "field": e.field, "message": e.message}
print(json.dumps({"run": run.id, "model": run.outputs["model"], "state": d["versions"][0]["server"]["state"],
                  "predictions": p["predictions"], "numpy": q["predictions"], "version": p["version"], "feedback": fb,
                  "kubeflow": kf}))
"""


def test_client_deploy_predict_feedback_from_a_real_kernel(server: JupyterServer) -> None:
    folder = server.root / "deploy-kernel"
    folder.mkdir(exist_ok=True)
    (folder / "iris.ipynb").write_text(IRIS)
    kernel_id = start_kernel_in(server, ALICE, "deploy-kernel")
    try:
        out = execute(server, ALICE, kernel_id, f"INSTANCES = {INSTANCES!r}\n" + KERNEL)
        result = json.loads(out.strip().splitlines()[-1])
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    expected = joblib.load(f"{result['model']}/model.joblib").predict(INSTANCES).tolist()
    assert result["state"] == "ready"
    assert result["predictions"] == expected and result["numpy"] == expected
    assert result["version"] == "v1"
    assert result["feedback"]["version"] == "v1" and result["feedback"]["reward"] == 0.5
    # target="kubeflow" on a server without Kubeflow: BridgeError 503 with the bridge's reason (no identity mode).
    reason = proxy(server).get("/kubeflow/api/identity").json()["reason"]
    assert reason
    assert result["kubeflow"] == {"status": 503, "field": "target", "message": reason}
    proxy(server).delete("/kubeflow/api/deployments/iris-kernel")
