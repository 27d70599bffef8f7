"""Keep one bridge process alive beside the Jupyter server.

The supervisor starts the bridge on loopback with a fresh random secret,
forwards its structured log lines to Jupyter's log, restarts it with
exponential backoff when it dies, and stops it with the server. The bridge
also watches its stdin: if this process dies without cleaning up (SIGKILL),
the pipe closes and the bridge exits by itself, so it is never orphaned.

Threads, not asyncio: the supervisor must work before Jupyter's event loop
runs and while it is shutting down.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import threading
import time
from dataclasses import dataclass

from .node import bridge_command

EXIT_PORT_IN_USE = 3  # kubeflow-bridge serve: the port is taken

# Environment that the bridge must not inherit: it needs none of Jupyter's
# credentials, and kernel-facing variables are for kernels only.
_SCRUBBED_ENV = (
    "JUPYTERHUB_API_TOKEN",
    "JPY_API_TOKEN",
    "JUPYTER_TOKEN",
    "KUBEFLOW_BRIDGE_TOKEN",
    "KUBEFLOW_BRIDGE_URL",
)

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


@dataclass(frozen=True)
class Backoff:
    """Delays between restarts: initial * 2^n, capped; reset after a stable run."""

    initial: float = 0.5
    maximum: float = 10.0
    stable_after: float = 30.0

    def delay(self, failures: int) -> float:
        return min(self.maximum, self.initial * (2 ** max(0, failures - 1)))


class BridgeSupervisor:
    """Owns the bridge process. ``port`` is None while the bridge is down."""

    def __init__(
        self,
        owner: str,
        log: logging.Logger,
        backoff: Backoff = Backoff(),
        extra_env: dict[str, str] | None = None,
        root_dir: str | None = None,
        data_dir: str | None = None,
        python: str | None = None,
        identity_mode: str | None = None,
        kubeconfig: str | None = None,
        user_map: str | None = None,
        kfp_endpoint: str | None = None,
    ) -> None:
        self.secret = secrets.token_urlsafe(32)
        self.kernel_token = secrets.token_urlsafe(32)
        self.owner = owner
        self.log = log
        self.backoff = backoff
        self.extra_env = dict(extra_env or {})
        # The local engine: notebook paths are relative to root_dir (Jupyter's),
        # run history lives in data_dir, steps run with python by default.
        self.serve_options: list[str] = []
        # Kubeflow identity (none|pod|shared), the bridge's own kubeconfig and
        # the user map are paths and names, never credentials: argv is fine.
        for flag, value in (
            ("--root-dir", root_dir),
            ("--data-dir", data_dir),
            ("--python", python),
            ("--identity", identity_mode),
            ("--kubeconfig", kubeconfig),
            ("--user-map", user_map),
            ("--kfp-endpoint", kfp_endpoint),
        ):
            if value:
                self.serve_options += [flag, value]
        self.port: int | None = None
        self.pid: int | None = None
        self.restarts = 0
        self._preferred_port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._up = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- public --------------------------------------------------------------

    def start(self) -> None:
        """Start the bridge and its watcher; returns without waiting."""
        self._thread = threading.Thread(target=self._watch, name="kubeflow-bridge", daemon=True)
        self._thread.start()

    def wait_until_up(self, timeout: float) -> bool:
        return self._up.wait(timeout)

    @property
    def url(self) -> str | None:
        port = self.port
        return None if port is None else f"http://127.0.0.1:{port}"

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the bridge (SIGTERM, then SIGKILL) and the watcher."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self.port = None

    # -- the watcher ---------------------------------------------------------

    def _watch(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            code = self._run_once()
            if self._stopping.is_set():
                break
            if code == EXIT_PORT_IN_USE:
                self._preferred_port = 0
            if time.monotonic() - started > self.backoff.stable_after:
                failures = 0
            failures += 1
            delay = self.backoff.delay(failures)
            self.restarts += 1
            self.log.warning(
                "kubeflow-bridge exited with code %s; restarting in %.1fs", code, delay
            )
            self._stopping.wait(delay)

    def _run_once(self) -> int | None:
        env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
        env.update(self.extra_env)
        env["KUBEFLOW_BRIDGE_SECRET"] = self.secret
        env["KUBEFLOW_BRIDGE_KERNEL_TOKEN"] = self.kernel_token
        env["KUBEFLOW_BRIDGE_OWNER"] = self.owner
        argv = bridge_command(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self._preferred_port),
            "--watch-stdin",
            *self.serve_options,
        )
        try:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                # Its own session: a Ctrl+C in Jupyter's terminal must not kill
                # the bridge before the supervisor stops it in order.
                start_new_session=True,
            )
        except OSError as err:
            self.log.error("cannot start kubeflow-bridge: %s", err)
            return None
        with self._lock:
            self._proc = proc
            self.pid = proc.pid
        stderr = threading.Thread(target=self._forward_logs, args=(proc,), daemon=True)
        stderr.start()
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if message.get("event") == "listening":
                self.port = self._preferred_port = int(message["port"])
                self._up.set()
                self.log.info("kubeflow-bridge listening on 127.0.0.1:%s (pid %s)", self.port, proc.pid)
        code = proc.wait()
        stderr.join(2)
        self.port = None
        self._up.clear()
        return code

    def _forward_logs(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if not line:
                continue
            try:
                record = json.loads(line)
                level = _LEVELS.get(str(record.pop("level", "info")), logging.INFO)
                record.pop("ts", None)
                msg = record.pop("msg", "")
                extra = " ".join(f"{k}={json.dumps(v)}" for k, v in record.items())
                self.log.log(level, "[kubeflow-bridge] %s %s", msg, extra)
            except (ValueError, AttributeError):
                self.log.warning("[kubeflow-bridge] %s", line)
