"""A bridge that someone else runs: a sidecar container, a system service.

In shared mode the bridge holds a credential that can mint tokens for every
mapped user. Started as the Jupyter server's child it would share the
kernels' container and OS user, so any notebook could read that credential.
Instead it runs beside the server (a second container of the pod, another
UID) and the server only connects to it: with a URL and a shared secret read
from a file (a single key of a Kubernetes Secret), re-read when the file
changes or on SIGHUP, so a rotated Secret needs no server restart.

The proxy depends on ``BridgeEndpoint`` alone (``url``, ``secret``), which
both this class and ``BridgeSupervisor`` provide.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import threading
from typing import Protocol
from urllib.parse import urlsplit


class BridgeEndpoint(Protocol):
    """What the proxy needs: where the bridge is (None while down) and the secret."""

    @property
    def url(self) -> str | None: ...

    @property
    def secret(self) -> str: ...


class BridgeConfigError(ValueError):
    """A bridge_url or secret file the server must not start with."""


def check_bridge_url(url: str, allow_remote: bool) -> str:
    """The URL without a trailing slash, or BridgeConfigError saying why not.

    Loopback only by default: the proxy sends the secret and users' names in
    clear HTTP, which must not cross a network. A pod's containers share its
    loopback, so a sidecar needs nothing more.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.port is None:
        raise BridgeConfigError(
            f"KubeflowExtension.bridge_url={url!r} must look like http://127.0.0.1:8765 "
            "(a scheme, a host and a port; unix sockets are not supported)"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise BridgeConfigError(f"KubeflowExtension.bridge_url={url!r} must have no path, query or credentials")
    if not allow_remote:
        if parts.scheme != "http" or not _is_loopback(parts.hostname):
            raise BridgeConfigError(
                f"KubeflowExtension.bridge_url={url!r} is not http on loopback (127.0.0.1, ::1, "
                "localhost): the secret and user names would cross a network. Run the bridge as a "
                "sidecar on 127.0.0.1, or set KubeflowExtension.bridge_allow_remote=True if that "
                "network is yours to trust"
            )
    return f"{parts.scheme}://{parts.netloc}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_secret_file(path: str, what: str) -> str:
    """A secret file's content without its trailing newline; never logs it."""
    try:
        with open(path, encoding="utf-8") as f:
            value = f.read().rstrip("\r\n")
    except OSError as err:
        raise BridgeConfigError(f"{what} {path}: cannot read it ({err.strerror})") from None
    if len(value) < 16:
        raise BridgeConfigError(f"{what} {path} must hold a random string of 16 or more characters")
    return value


class _WatchedFile:
    """A secret file's value, read again when its stat changes.

    Kubernetes updates a mounted Secret by swapping a symlink, so
    (inode, size, mtime) of the resolved file changes; a failed re-read keeps
    the last good value (a half-finished swap must not take the proxy down).
    """

    def __init__(self, path: str, what: str, log: logging.Logger) -> None:
        self.path, self.what, self.log = path, what, log
        self._stamp = self._stat()
        self.value = read_secret_file(path, what)

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def refresh(self, force: bool = False) -> bool:
        stamp = self._stat()
        if not force and stamp == self._stamp:
            return False
        try:
            value = read_secret_file(self.path, self.what)
        except BridgeConfigError as err:
            self.log.warning("kubeflow bridge: keeping the previous value: %s", err)
            return False
        self._stamp = stamp
        changed = value != self.value
        self.value = value
        if changed:
            self.log.info("kubeflow bridge: %s %s re-read", self.what, self.path)
        return changed


class StaticBridge:
    """An existing bridge at a fixed URL; no process of ours."""

    def __init__(
        self,
        url: str,
        secret_file: str,
        log: logging.Logger,
        kernel_token_file: str | None = None,
        allow_remote: bool = False,
    ) -> None:
        self.url = check_bridge_url(url, allow_remote)
        self.log = log
        # Re-entrant: SIGHUP's handler runs on the main thread, maybe while it holds the lock.
        self._lock = threading.RLock()
        self._secret = _WatchedFile(secret_file, "KubeflowExtension.bridge_secret_file", log)
        self._kernel = (
            _WatchedFile(kernel_token_file, "KubeflowExtension.bridge_kernel_token_file", log)
            if kernel_token_file
            else None
        )

    @property
    def secret(self) -> str:
        # One stat per proxied request: cheap, and a rotated Secret is used at once.
        with self._lock:
            self._secret.refresh()
            return self._secret.value

    @property
    def kernel_token(self) -> str | None:
        if self._kernel is None:
            return None
        with self._lock:
            self._kernel.refresh()
            return self._kernel.value

    def reload(self) -> None:
        """Read both files again (SIGHUP)."""
        with self._lock:
            self._secret.refresh(force=True)
            if self._kernel is not None:
                self._kernel.refresh(force=True)

    def install_sighup(self) -> None:
        """Re-read the files on SIGHUP, keeping any handler that was there."""
        previous = signal.getsignal(signal.SIGHUP)

        def on_hup(signum: int, frame: object) -> None:
            self.reload()
            if callable(previous):
                previous(signum, frame)

        try:
            signal.signal(signal.SIGHUP, on_hup)
        except ValueError:  # not the main thread (embedded servers): stat-based refresh still works
            self.log.debug("kubeflow bridge: no SIGHUP handler outside the main thread")

    def stop(self) -> None:
        """Nothing to stop: the bridge is not ours."""
