"""The BUILT bridge (jupyterlab_kubeflow/bridge/kubeflow-bridge.cjs) as a process, for cluster tests.

It is driven over HTTP with the per-process secret, as the Jupyter server
extension drives it; its stderr (the structured log) goes to a file the
tests search, and an events WebSocket client records every event.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
import time
from pathlib import Path

import httpx
import websocket

from jupyterlab_kubeflow.node import BRIDGE_SCRIPT, find_node

from . import procs

REPO = Path(__file__).resolve().parents[2]


def ensure_built() -> Path:
    """`npm run build:bridge` unless the bundle is newer than every bridge and core source."""
    sources = [p for d in ("server-bridge/src", "core/src") for p in (REPO / d).rglob("*.ts")]
    newest = max(p.stat().st_mtime for p in sources)
    if not BRIDGE_SCRIPT.exists() or BRIDGE_SCRIPT.stat().st_mtime < newest:
        subprocess.run(["npm", "run", "build:bridge"], cwd=REPO, check=True, capture_output=True, timeout=600)
    return BRIDGE_SCRIPT


class Events:
    """Every event the bridge publishes, from one WebSocket client."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.messages: list[dict] = []
        self.raw: list[str] = []
        self._ws = websocket.create_connection(url, header=[f"{k}: {v}" for k, v in headers.items()], timeout=10)
        self._ws.settimeout(None)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                text = self._ws.recv()
            except Exception:  # noqa: BLE001 - closed
                return
            if not text:
                return
            self.raw.append(text)
            self.messages.append(json.loads(text))

    def close(self) -> None:
        try:
            self._ws.close()
        except Exception:  # noqa: BLE001
            pass


class Bridge:
    def __init__(self, work: Path, args: list[str]) -> None:
        self.secret = secrets.token_urlsafe(24)
        self.log_path = work / "bridge.log"
        self.stdout_path = work / "bridge.stdout"
        self.responses: list[str] = []
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBEFLOW_BRIDGE_")}
        env.update(KUBEFLOW_BRIDGE_SECRET=self.secret, KUBEFLOW_BRIDGE_OWNER="alice")
        argv = [find_node(), str(ensure_built()), "serve", "--port", "0", *args]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=self.stdout_path.open("wb"), stderr=self.log_path.open("wb"), env=env,
            start_new_session=True, preexec_fn=procs._die_with_parent,
        )
        self.port = procs.wait_for(self._listening, 60, "the bridge to listen")
        self.events = Events(f"ws://127.0.0.1:{self.port}/api/events", self.headers("alice"))

    def _listening(self) -> int | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"the bridge exited ({self.proc.returncode}):\n{self.log()}")
        for line in self.stdout_path.read_text().splitlines():
            event = json.loads(line)
            if event.get("event") == "listening":
                return int(event["port"])
        return None

    def headers(self, user: str) -> dict[str, str]:
        return {"X-Kubeflow-Bridge-Secret": self.secret, "X-Kubeflow-User": user}

    def call(self, method: str, path: str, user: str = "alice", body: dict | None = None) -> httpx.Response:
        r = httpx.request(method, f"http://127.0.0.1:{self.port}{path}", headers=self.headers(user), json=body, timeout=60)
        self.responses.append(r.text)
        return r

    def wait_run(self, run_id: str, predicate, what: str, timeout: float = 40):  # noqa: ANN001, ANN201
        deadline = time.monotonic() + timeout
        run = None
        while time.monotonic() < deadline:
            run = self.call("GET", f"/api/runs/{run_id}").json()
            if predicate(run):
                return run
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}; last: {json.dumps(run)[:2000]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.events.close()
        procs.stop(self.proc)


def tenancy(cluster, *, extra_accounts: dict[str, list[str]] | None = None) -> tuple[str, str, str]:  # noqa: ANN001
    """Two user namespaces (A, B) with a `default-editor` each, and the
    bridge's own namespace and service account, allowed to mint tokens in
    A and B through the shipped ClusterRole (under a unique name: cluster-
    scoped objects outlive a test, and no controller cleans up here).
    `extra_accounts`: more service accounts to create, by namespace role
    ('a' or 'b'). Returns (a, b, home)."""
    import yaml

    from .harness import REPO, check, unique

    a, b, home = (cluster.create_namespace(unique(n)) for n in ("team-a", "team-b", "bridge"))
    for ns in (a, b):
        cluster.create_service_account(ns, "default-editor")
    for which, names in (extra_accounts or {}).items():
        for name in names:
            cluster.create_service_account({"a": a, "b": b}[which], name)
    cluster.create_service_account(home, "kubeflow-bridge")
    mint = yaml.safe_load((REPO / "manifests" / "clusterrole-mint.yaml").read_text())
    mint["metadata"]["name"] = unique("kubeflow-bridge-mint")
    with cluster.admin() as c:
        check(c.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", json=mint))
    for ns in (a, b):
        cluster.bind(ns, mint["metadata"]["name"], f"{home}/kubeflow-bridge", role_kind="ClusterRole")
    return a, b, home
