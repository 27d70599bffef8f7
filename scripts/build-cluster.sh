#!/usr/bin/env bash
# Build kube-apiserver and etcd from their Go modules (tests/cluster/build/)
# into a cache outside the repo, for the tests against a real API server.
# No Docker or release downloads work on our machines; the Go module proxy
# does (../shared/reference/cluster-tests.md). Skips when the binaries for
# these versions already exist. Progress goes to stderr; the last line on
# stdout is the directory holding the binaries, for tests/cluster/harness.py.
#
#   KUBEFLOW_CLUSTER_CACHE  cache root (default $XDG_CACHE_HOME/jupyterlab-kubeflow/cluster)
#   KUBEFLOW_BUILD_JOBS     go build -p (default 1: other engineers share the 2 cores)
#   --print-dir             only print the directory, build nothing
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$PWD/tests/cluster/build
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'build-cluster: %s\n' "$*" >&2; exit 1; }

[ "${1:-}" = --print-dir ] || command -v go >/dev/null || die "Go is required to build kube-apiserver and etcd for the
  cluster tests, and 'go' is not on PATH. Install Go 1.26 or newer (https://go.dev/dl/
  or your distribution's golang package) and run this again."

# The versions live in the wrapper modules' go.mod; read them from there so
# the cache key cannot drift from what is built.
K8S_VERSION=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3}' "$BUILD/kube-apiserver/go.mod")
ETCD_VERSION=$(awk '$1 == "require" && $2 == "go.etcd.io/etcd/server/v3" {print $3}' "$BUILD/etcd/go.mod")
[ -n "$K8S_VERSION" ] && [ -n "$ETCD_VERSION" ] || die "cannot read versions from $BUILD/*/go.mod"

ROOT=${KUBEFLOW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jupyterlab-kubeflow/cluster}
OUT=$ROOT/$K8S_VERSION-$ETCD_VERSION
if [ "${1:-}" = --print-dir ]; then
  echo "$OUT"
  exit 0
fi
mkdir -p "$OUT"

# Two test runners (pytest, jest) may ask at once: one builds, the other waits.
if command -v flock >/dev/null; then
  exec 9>"$OUT/.lock"
  flock 9
fi

export CGO_ENABLED=0
# -p=1 keeps the build to one package at a time; nice keeps it behind
# everyone else's work. buildvcs: the wrapper sits inside this repo, whose
# git state says nothing about the binaries.
export GOFLAGS="${GOFLAGS:-} -p=${KUBEFLOW_BUILD_JOBS:-1} -buildvcs=false"
# GOTOOLCHAIN is left as the caller has it: etcd 3.5.35's go.mod asks for Go
# 1.26; with GOTOOLCHAIN=auto an older go fetches that from the module proxy.

# build NAME MODULE_DIR PACKAGE LDFLAGS: go build into a temp file, then
# rename, so an interrupted build never leaves a binary that looks finished.
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=$4
  if [ -x "$OUT/$name" ]; then
    say "$name: cached in $OUT"
    return
  fi
  say "$name: building $pkg (this can take many minutes the first time)"
  local start=$SECONDS
  (cd "$dir" && nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$OUT/.$name.tmp" "$pkg")
  mv "$OUT/.$name.tmp" "$OUT/$name"
  say "$name: built in $((SECONDS - start)) s"
}

total=$SECONDS
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
# Without these /version reports v0.0.0-master.
build kube-apiserver "$BUILD/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver \
  "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
build etcd "$BUILD/etcd" go.etcd.io/etcd/server/v3 \
  "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-$ETCD_VERSION"
say "cluster binaries ready in $((SECONDS - total)) s"
echo "$OUT"
