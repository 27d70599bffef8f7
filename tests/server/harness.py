"""Start a real ``jupyter server`` with the extension, in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).parent

_LISTENING = re.compile(r"kubeflow-bridge listening on 127\.0\.0\.1:(\d+) \(pid (\d+)\)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): look at its state.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class JupyterServer:
    proc: subprocess.Popen
    port: int
    log_path: Path
    root: Path
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def bridges(self) -> list[tuple[int, int]]:
        """Every (port, pid) the server has reported for the bridge, in order."""
        return [(int(p), int(pid)) for p, pid in _LISTENING.findall(self.log())]

    def bridge_pid(self) -> int:
        return self.bridges()[-1][1]

    def client(self, token: str | None) -> httpx.Client:
        headers = {"Authorization": f"token {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def start_server(tmp: Path, *args: str, own_bridge: bool = True) -> JupyterServer:
    """A server; own_bridge=False when it connects to an existing bridge (no
    "listening" line of ours to wait for)."""
    port = free_port()
    root = tmp / "root"
    root.mkdir(parents=True, exist_ok=True)
    log_path = tmp / "server.log"
    env = dict(os.environ)
    env.update(
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_DATA_DIR=str(tmp / "data"),
        PYTHONPATH=os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]),
    )
    argv = [
        sys.executable,
        # A handler without an auth decorator must fail the server, not warn.
        "-W",
        "error::jupyter_server.utils.JupyterServerAuthWarning",
        "-m",
        "jupyter_server",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.allow_root=True",
        "--ServerApp.allow_unauthenticated_access=False",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.identity_provider_class=identity.TwoUsersIdentityProvider",
        "--IdentityProvider.token=unused-but-required-0123456789",
        "--KubeflowExtension.restart_initial_delay=0.2",
        "--KubeflowExtension.restart_max_delay=1",
        *args,
    ]
    log = log_path.open("wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = JupyterServer(proc=proc, port=port, log_path=log_path, root=root)

    def ready() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"jupyter server exited early:\n{server.log()}")
        if own_bridge and not server.bridges():
            return False
        try:
            return httpx.get(f"{server.url}/api/status", timeout=2).status_code in (200, 403)
        except httpx.HTTPError:
            return False

    wait_for(ready, 60, "jupyter server and bridge to start")
    return server
