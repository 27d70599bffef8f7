#!/usr/bin/env bash
# Set up (if needed) and start JupyterLab with the extension, its bridge and
# the examples. Extra arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jupyter lab --notebook-dir=examples "$@"
