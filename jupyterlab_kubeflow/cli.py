"""``kubeflow-bridge``: the bridge's command line, run on the packaged Node."""

from __future__ import annotations

import os
import subprocess
import sys

from .node import NodeNotFoundError, bridge_command


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        command = bridge_command(*args)
    except (NodeNotFoundError, FileNotFoundError) as err:
        print(f"kubeflow-bridge: {err}", file=sys.stderr)
        return 1
    if argv is None and os.name == "posix":
        # Replace this process so signals (Ctrl+C, SIGTERM) go straight to Node.
        os.execv(command[0], command)
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
