""""Try it" on a Kubeflow deployment: the BUILT bridge forwards V1 and V2
predictions to the InferenceService's address as the user.

The fixtures are test_kserve_deploy.py's (a real kube-apiserver with the
KServe CRD, alice mapped to namespace A, local runs of the iris notebook).
No KServe controller runs, so the test plays its part: it starts KServe's
own model server (model_server.py) on 127.0.0.1 on the run's model.joblib,
behind a tiny recording HTTP server that stands for the InferenceService's
ingress, and writes the status (Ready, `address.url`) as admin. The
recorder keeps the Authorization header the bridge sent, whose token must
pass a TokenReview as alice's service account; no token may appear in the
bridge's answers or log.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import joblib
import pytest

from . import procs
from .harness import Cluster, check, unique
from .test_kserve_deploy import ISVC, JWT, deploy, knative, world  # noqa: F401 - fixtures

MODEL_SERVER = Path(__file__).resolve().parents[2] / "jupyterlab_kubeflow" / "serving" / "model_server.py"
INSTANCES = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5], [6.3, 2.5, 5.0, 1.9]]


class Recorder:
    """An HTTP server in front of the model server that records each request's Authorization header."""

    def __init__(self, upstream: str) -> None:
        self.authorizations: list[str | None] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                recorder.authorizations.append(self.headers.get("Authorization"))
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                r = httpx.post(upstream + self.path, content=body, headers={"Content-Type": "application/json"}, timeout=30)
                self.send_response(r.status_code)
                self.send_header("Content-Type", r.headers.get("content-type", "application/json"))
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_status(cluster: Cluster, ns: str, name: str, status: dict) -> None:
    path = ISVC.format(ns=ns, name=name)
    with cluster.admin() as c:
        obj = check(c.get(path))
        obj["status"] = status
        check(c.put(path + "/status", json=obj))


@pytest.fixture(scope="module")
def served(knative: dict, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    """Alice's depth-2 model under KServe's model server (named as the deployment) behind the recorder."""
    b, runs = knative["bridge"], knative["runs"]
    run = b.call("GET", f"/api/runs/{runs[2]['id']}").json()
    model_dir = next(t for t in run["tasks"] if t["name"] == "train")["outputs"]["artifacts"]["model"]["path"]
    name = unique("iris")
    port = procs.free_port()
    log = tmp_path_factory.mktemp("model-server") / "server.log"
    proc = subprocess.Popen(
        [sys.executable, str(MODEL_SERVER), "--model_dir", model_dir, "--model_name", name, "--http_port", str(port)],
        stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=procs._die_with_parent,
    )
    upstream = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"the model server exited ({proc.returncode}):\n{log.read_text(errors='replace')}")
        try:
            return httpx.get(f"{upstream}/v2/models/{name}/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    procs.wait_for(ready, 90, "the KServe model server")
    recorder = Recorder(upstream)
    expected = joblib.load(f"{model_dir}/model.joblib").predict(INSTANCES).tolist()
    assert len(set(expected)) > 1
    yield {"name": name, "recorder": recorder, "expected": expected}
    recorder.close()
    procs.stop(proc)


def test_predictions_go_to_the_inference_service_as_alice(cluster: Cluster, knative: dict, world: dict, served: dict) -> None:  # noqa: F811
    b, ns, name, rec = knative["bridge"], world["a"], served["name"], served["recorder"]
    assert deploy(b, knative["runs"], name).status_code == 201

    # No status yet, then Ready False: 503 naming the reason; nothing is sent.
    r = b.call("POST", f"/api/deployments/{name}/predict", body={"instances": INSTANCES})
    assert r.status_code == 503 and "not Ready yet" in r.json()["error"]["message"], r.text
    write_status(cluster, ns, name, {
        "url": f"http://{name}.{ns}.example.com", "address": {"url": rec.url},
        "conditions": [{"type": "Ready", "status": "False", "reason": "RevisionMissing", "message": "Configuration is waiting for a Revision"}],
    })
    r = b.call("POST", f"/api/deployments/{name}/v2/infer", body={"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP64", "data": INSTANCES[0]}]})
    assert r.status_code == 503, r.text
    assert r.json()["error"]["message"] == f"{name} is not Ready yet: RevisionMissing: Configuration is waiting for a Revision"
    assert rec.authorizations == []

    # Ready: address.url (the recorder) wins over url (a host that does not resolve).
    write_status(cluster, ns, name, {
        "url": f"http://{name}.{ns}.example.com", "address": {"url": rec.url},
        "conditions": [{"type": "Ready", "status": "True"}],
    })
    v1 = b.call("POST", f"/api/deployments/{name}/predict", body={"instances": INSTANCES})
    assert v1.status_code == 200, v1.text
    assert v1.json()["predictions"] == served["expected"]
    assert (v1.json()["version"], v1.json()["role"]) == ("v1", "champion")
    assert v1.json()["latency_ms"] > 0 and v1.headers["X-Kubeflow-Version"] == "v1"

    v2 = b.call("POST", f"/api/deployments/{name}/v2/infer",
                body={"inputs": [{"name": "input-0", "shape": [len(INSTANCES), 4], "datatype": "FP64", "data": sum(INSTANCES, [])}]})
    assert v2.status_code == 200, v2.text
    assert v2.json()["outputs"][0]["data"] == served["expected"]
    assert v2.json()["parameters"]["version"] == "v1" and v2.json()["parameters"]["role"] == "champion"

    # The model server's own refusal comes back as its status with its words.
    bad = b.call("POST", f"/api/deployments/{name}/predict", body={"instances": [[1, 2]]})
    assert bad.status_code == 400 and bad.json()["version"] == "v1", bad.text

    # The bridge sent alice's service account token (the API server's audience).
    assert len(rec.authorizations) == 3 and all(a and a.startswith("Bearer ") for a in rec.authorizations)
    review = cluster.token_review(rec.authorizations[0].removeprefix("Bearer "))
    assert review["authenticated"] is True, review
    assert review["user"]["username"] == f"system:serviceaccount:{ns}:default-editor"

    # Unreachable: 502 naming the host; a non-http(s) address: refused, nothing sent.
    dead = f"127.0.0.1:{procs.free_port()}"
    write_status(cluster, ns, name, {"address": {"url": f"http://{dead}"}, "conditions": [{"type": "Ready", "status": "True"}]})
    r = b.call("POST", f"/api/deployments/{name}/predict", body={"instances": INSTANCES})
    assert r.status_code == 502 and dead in r.json()["error"]["message"], r.text
    write_status(cluster, ns, name, {"address": {"url": "file:///etc/passwd"}, "conditions": [{"type": "Ready", "status": "True"}]})
    r = b.call("POST", f"/api/deployments/{name}/predict", body={"instances": INSTANCES})
    assert r.status_code == 502 and "http(s)" in r.json()["error"]["message"], r.text
    assert len(rec.authorizations) == 3

    # No token in any answer or log line.
    for text in b.responses:
        assert JWT not in text, text[:200]
    log = b.log()
    assert "kserve prediction forwarded" in log and JWT not in log
