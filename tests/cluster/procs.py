"""Child processes that never outlive the tests.

Each server runs in its own process group (so stopping it also stops anything
it forked) and, on Linux, with PR_SET_PDEATHSIG, so the kernel kills it even
when the Python process dies without running atexit (SIGKILL, OOM, a crash).
The kernel sends that signal when the *thread* that spawned the child exits:
start clusters from the main thread (pytest fixtures and the CLI do).
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_live: list[subprocess.Popen] = []


def free_port() -> int:
    # Ports are picked, then bound by the server a moment later; on loopback
    # on a test machine that race is acceptable.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: process groups and atexit still apply


def spawn(argv: list[str], log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - owned by the child from here on
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    finally:
        log.close()
    _live.append(proc)
    return proc


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after `grace`."""
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    # Kill the group even if the leader exited: a child may linger.
    _signal_group(proc, signal.SIGKILL)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass
    if proc in _live:
        _live.remove(proc)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_for(predicate, timeout: float, what: str, procs=(), interval: float = 0.2):  # noqa: ANN001, ANN201
    """Poll `predicate` until truthy; fail early if one of `procs` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc, log in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{what}: {Path(proc.args[0]).name} exited with {proc.returncode}\n{log_tail(log)}")
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


@atexit.register
def _stop_all() -> None:
    # Last resort when a fixture or CLI did not get to its own teardown.
    for proc in list(_live):
        stop(proc, grace=3.0)
