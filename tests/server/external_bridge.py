"""A bridge that the test runs itself, as a sidecar container would: the
Jupyter server only connects to it (KubeflowExtension.bridge_url)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from jupyterlab_kubeflow.node import bridge_command

from .harness import wait_for

SECRET = "sidecar-secret-0123456789abcdef"
KERNEL_TOKEN = "sidecar-kernel-0123456789abcdef"


@dataclass
class ExternalBridge:
    port: int
    tmp: Path
    secret_file: Path
    kernel_token_file: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.tmp / "bridge.log").open("ab")
        argv = bridge_command(
            "serve", "--host", "127.0.0.1", "--port", str(self.port),
            "--secret-file", str(self.secret_file), "--kernel-token-file", str(self.kernel_token_file),
            "--data-dir", str(self.tmp / "bridge-data"), "--root-dir", str(self.tmp / "root"),
        )
        # No secret in its environment either: it must come from the file.
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBEFLOW_BRIDGE_")}
        env["KUBEFLOW_BRIDGE_OWNER"] = "owner-of-the-server"
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log, env=env, stdin=subprocess.DEVNULL)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert json.loads(line)["port"] == self.port, line

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log(self) -> str:
        return (self.tmp / "bridge.log").read_text(errors="replace")


def make_bridge(tmp: Path, port: int) -> ExternalBridge:
    (tmp / "root").mkdir(parents=True, exist_ok=True)
    secret_file, kernel_file = tmp / "secret", tmp / "kernel-token"
    secret_file.write_text(SECRET + "\n")
    kernel_file.write_text(KERNEL_TOKEN)
    for f in (secret_file, kernel_file):
        f.chmod(0o600)
    return ExternalBridge(port=port, tmp=tmp, secret_file=secret_file, kernel_token_file=kernel_file)


def children_of(pid: int) -> list[int]:
    """Direct and indirect children, from /proc (kernels count too)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").iterdir():
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            found += [int(k) for k in kids]
            todo += [int(k) for k in kids]
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_status(client, path: str, status: int, timeout: float = 20):  # noqa: ANN001, ANN201
    return wait_for(
        lambda: (r := client.get(path)).status_code == status and r, timeout, f"{path} to answer {status}"
    )
