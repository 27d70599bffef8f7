"""An XGBoost model deployed through the Jupyter server, as
test_deploy_proxy.py does for scikit-learn: a tiny notebook trains an
``xgboost.XGBClassifier`` on iris in a local run, the step runtime saves it
with joblib (``model.joblib``), the bridge starts KServe's model server on
it, and V1 and V2 predictions through the authenticated proxy equal the
model's own ``predict``."""

from __future__ import annotations

import json

import joblib

from .harness import JupyterServer, wait_for
from .test_deploy_proxy import INSTANCES, proxy
from .test_kernel_client import code, notebook

IRIS_XGB = notebook(
    code("from sklearn.datasets import load_iris\nfrom xgboost import XGBClassifier", {"role": "imports"}),
    code("depth = 2", {"role": "parameters"}),
    code("X, y = load_iris(return_X_y=True)\n"
         "model = XGBClassifier(n_estimators=10, max_depth=depth, random_state=0).fit(X[::2], y[::2])",
         {"step": "train"}),
    code("accuracy = float(model.score(X[1::2], y[1::2]))", {"step": "evaluate"}),
    code("accuracy", {"role": "metrics"}),
)


def test_deploy_xgboost_predict_v1_v2_through_the_proxy(server: JupyterServer) -> None:
    folder = "deploy-xgboost"
    (server.root / folder).mkdir(exist_ok=True)
    (server.root / folder / "iris_xgb.ipynb").write_text(IRIS_XGB)
    c = proxy(server)
    r = c.post("/kubeflow/api/runs", json={"notebook": {"path": f"{folder}/iris_xgb.ipynb"}, "parameters": {"depth": 2}})
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    run = wait_for(lambda: (x := c.get(f"/kubeflow/api/runs/{run_id}").json())["state"] in ("succeeded", "failed") and x,
                   120, "the xgboost iris run")
    assert run["state"] == "succeeded", json.dumps(run)[:2000]

    model_dir = next(t for t in run["tasks"] if t["name"] == "train")["outputs"]["artifacts"]["model"]["path"]
    with open(f"{model_dir}/kubeflow.json") as f:
        meta = json.load(f)
    assert (meta["format"], meta["file"], meta["type"]) == ("joblib", "model.joblib", "xgboost.sklearn.XGBClassifier")
    model = joblib.load(f"{model_dir}/model.joblib")
    expected = model.predict(INSTANCES).tolist()
    assert len(set(expected)) > 1  # the instances are not all one class

    r = c.post("/kubeflow/api/deployments", json={"run": run["id"], "output": "model", "name": "iris-xgb", "wait": True})
    assert r.status_code == 201, r.text
    d = r.json()["deployment"]
    assert d["target"] == "local"
    assert d["versions"][0]["server"]["state"] == "ready", d
    try:
        v1 = c.post("/kubeflow/api/deployments/iris-xgb/predict", json={"instances": INSTANCES})
        assert v1.status_code == 200, v1.text
        assert v1.json()["predictions"] == expected

        v2 = c.post("/kubeflow/api/deployments/iris-xgb/v2/infer",
                    json={"inputs": [{"name": "input-0", "shape": [len(INSTANCES), 4], "datatype": "FP64",
                                      "data": sum(INSTANCES, [])}]})
        assert v2.status_code == 200, v2.text
        assert v2.json()["outputs"][0]["data"] == expected
    finally:
        assert c.delete("/kubeflow/api/deployments/iris-xgb").status_code == 204
