"""``client.run(..., engine="kubeflow")`` from a real kernel, end to end.

A real ``jupyter server`` with the extension in shared identity mode (its
bridge's own kubeconfig, a user map, the KFP double's URL) against the real
kube-apiserver. The kernel holds no token and no ``kfp``: it reaches the
bridge with the credential the server put in its environment, as the
server's owner, whom the user map sends to namespace A as
``default-editor``. The test drives the KFP run to SUCCEEDED on the double;
the kernel's ``client.run`` returns the succeeded run.
"""

from __future__ import annotations

import getpass
import json
import os
import threading

import httpx
import pytest

from tests.kfp_double import KfpDouble
from tests.server.harness import JupyterServer, start_server, wait_for
from tests.server.kernel import execute, shutdown_kernel
from tests.server.test_kernel_client import start_kernel_in

from .harness import Cluster
from .test_kfp_engine import API_AUDIENCE, KFP, KFP_VERBS, NOTEBOOK, SA

ALICE = "alice-token-0123456789"

RUN = """
import json, os
from jupyterlab_kubeflow import client
r = client.run("counts.ipynb", params={"n_rows": 4}, engine="kubeflow", experiment="from-kernel", timeout=60)
print(json.dumps({"id": r.id, "state": r.state, "engine": r.engine, "kfp": r.kfp_run_id,
                  "tasks": [[t.name, t.state] for t in r.tasks], "outputs": r.outputs,
                  "tokens": sorted(k for k in os.environ if "KUBE" in k and "TOKEN" in k)}))
"""


@pytest.fixture(scope="module")
def server(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    work = tmp_path_factory.mktemp("kernel-kubeflow")
    ns = cluster.create_namespace()
    rules = [{"apiGroups": [KFP], "resources": ["runs", "experiments", "pipelines"], "verbs": KFP_VERBS}]
    cluster.create_service_account(ns, SA)
    cluster.create_role(ns, "kfp-edit", rules)
    cluster.bind(ns, "kfp-edit", SA)
    cluster.create_service_account(ns, "kubeflow-bridge")
    mint = [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"], "resourceNames": [SA]}]
    cluster.create_role(ns, "mint-default-editor", mint)
    cluster.bind(ns, "mint-default-editor", f"{ns}/kubeflow-bridge")
    kubeconfig = cluster.kubeconfig(work / "bridge.kubeconfig", token=cluster.token_for(ns, "kubeflow-bridge", [API_AUDIENCE]))
    # Kernels reach the bridge as the server's owner (extension.py).
    owner = os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
    user_map = work / "users.json"
    user_map.write_text(json.dumps({"users": {owner: {"namespace": ns, "serviceAccount": SA},
                                              "alice": {"namespace": ns, "serviceAccount": SA}}}))
    double = KfpDouble(cluster.admin).start()
    os.environ["KUBEFLOW_BRIDGE_PROFILES"] = "off"
    try:
        srv = start_server(work, "--KubeflowExtension.identity_mode=shared", f"--KubeflowExtension.kubeconfig={kubeconfig}",
                           f"--KubeflowExtension.user_map={user_map}", f"--KubeflowExtension.kfp_endpoint={double.url}")
    finally:
        os.environ.pop("KUBEFLOW_BRIDGE_PROFILES", None)
    (srv.root / "counts.ipynb").write_text(json.dumps(NOTEBOOK))
    yield {"server": srv, "double": double, "ns": ns}
    srv.stop()
    double.stop()


def drive_when_created(double: KfpDouble, out: dict) -> None:
    """Move the first KFP run through RUNNING to SUCCEEDED once the kernel created it."""
    def created() -> str | None:
        runs = [c for c in double.seen()["created"] if c["kind"] == "run"]
        return runs[0].get("id") if runs else None
    try:
        run_id = wait_for(created, 60, "the kernel's KFP run")
        out["kfp"] = run_id
        for change in ({"state": "RUNNING", "task_details": [{"display_name": "load", "state": "RUNNING"}]},
                       {"state": "SUCCEEDED", "task_details": [{"display_name": "load", "state": "SUCCEEDED"},
                                                               {"display_name": "train", "state": "SUCCEEDED"}]}):
            r = httpx.post(f"{double.control_url}/control/runs/{run_id}", json=change, timeout=10)
            assert r.status_code == 200, r.text
    except BaseException as e:  # reported by the test
        out["error"] = repr(e)


def test_client_run_engine_kubeflow_from_a_kernel(server) -> None:  # noqa: ANN001
    srv: JupyterServer = server["server"]
    identity = srv.client(ALICE).get("/kubeflow/api/identity").json()
    assert identity["mode"] == "shared" and identity["namespace"] == server["ns"] and identity["serviceAccount"] == SA
    assert identity["kfpEndpoint"] == server["double"].url

    driven: dict = {}
    driver = threading.Thread(target=drive_when_created, args=(server["double"], driven), daemon=True)
    driver.start()
    kernel_id = start_kernel_in(srv, ALICE, "")
    try:
        result = json.loads(execute(srv, ALICE, kernel_id, RUN).strip().splitlines()[-1])
    finally:
        shutdown_kernel(srv, ALICE, kernel_id)
    driver.join(10)
    assert "error" not in driven, driven
    assert result["state"] == "succeeded" and result["engine"] == "kubeflow"
    assert result["tasks"] == [["load", "succeeded"], ["train", "succeeded"]]
    assert result["outputs"] == {}  # artifacts stay in the pipeline root
    # The kernel holds the bridge credential only, never a cluster token.
    assert result["tokens"] == ["KUBEFLOW_BRIDGE_TOKEN"]
    stored = httpx.get(f"{server['double'].control_url}/control/runs/{result['kfp']}", timeout=10).json()
    assert stored["runtime_config"]["parameters"]["n_rows"] == 4
    assert stored["_namespace"] == server["ns"]
