"""StaticBridge in-process: which URLs it accepts, and a rotated secret file."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import pytest

from jupyterlab_kubeflow.static_bridge import BridgeConfigError, StaticBridge, check_bridge_url

LOG = logging.getLogger("test")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8765", "http://localhost:8765/", "http://[::1]:8765", "http://127.0.0.2:1"],
)
def test_loopback_urls_are_accepted(url: str) -> None:
    assert check_bridge_url(url, allow_remote=False) == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://10.0.0.1:8765", "not http on loopback"),
        ("https://127.0.0.1:8765", "not http on loopback"),
        ("http://localhost.evil.example:80", "not http on loopback"),
        ("http://127.0.0.1", "a scheme, a host and a port"),
        ("unix:///run/bridge.sock", "unix sockets are not supported"),
        ("http://127.0.0.1:8765/api", "no path"),
        ("http://u:p@127.0.0.1:8765", "no path, query or credentials"),
    ],
)
def test_other_urls_are_refused(url: str, why: str) -> None:
    with pytest.raises(BridgeConfigError, match=why):
        check_bridge_url(url, allow_remote=False)


def test_allow_remote_lets_a_remote_bridge_in() -> None:
    assert check_bridge_url("https://bridge.internal:443", allow_remote=True) == "https://bridge.internal:443"


def test_a_rotated_secret_is_used_without_a_restart(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("first-secret-0123456789\n")
    bridge = StaticBridge("http://127.0.0.1:8765", str(secret), LOG)
    assert bridge.secret == "first-secret-0123456789"
    assert bridge.kernel_token is None
    # Kubernetes swaps a symlink: a new file, a new inode.
    new = tmp_path / "secret.new"
    new.write_text("second-secret-0123456789")
    os.replace(new, secret)
    assert bridge.secret == "second-secret-0123456789"
    # A broken update keeps the last good secret.
    secret.write_text("short")
    assert bridge.secret == "second-secret-0123456789"


def test_sighup_reads_the_files_again(tmp_path: Path) -> None:
    secret, kernel = tmp_path / "secret", tmp_path / "kernel"
    secret.write_text("first-secret-0123456789")
    kernel.write_text("first-kernel-0123456789")
    bridge = StaticBridge("http://127.0.0.1:8765", str(secret), LOG, kernel_token_file=str(kernel))
    previous = signal.getsignal(signal.SIGHUP)
    bridge.install_sighup()
    try:
        kernel.write_text("other-kernel-0123456789")
        # Same size, mtime maybe unchanged within the clock's tick: SIGHUP forces a read.
        os.kill(os.getpid(), signal.SIGHUP)
        assert bridge._kernel is not None and bridge._kernel.value == "other-kernel-0123456789"
    finally:
        signal.signal(signal.SIGHUP, previous)
