"""A real kube-apiserver (with etcd) on loopback for the tests.

Built from Go modules by scripts/build-cluster.sh and cached outside the repo;
see ../shared/reference/cluster-tests.md. There is no controller-manager: no
default service accounts, no garbage collection, namespaces never finish
deleting, so every test makes its own uniquely named objects (`unique()`).

    with running_cluster() as c:
        ns = c.create_namespace()
        c.create_service_account(ns, "alice")
        token = c.token_for(ns, "alice", ["pipelines.kubeflow.org"])

CLI, for the bridge's jest tests: `python -m tests.cluster.harness start --json`
prints the connection info as one JSON line and keeps the cluster up until
stdin closes or it gets SIGTERM/SIGINT.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import ssl
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from . import procs

REPO = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "admin-token"
AUDIENCES = ("https://kubernetes.default.svc", "pipelines.kubeflow.org")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the KServe CRD is 2 MB


class ApiError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.status = response.status_code
        self.body = response.text
        req = response.request
        super().__init__(f"{req.method} {req.url.path} -> {self.status}: {self.body[:500]}")


def check(response: httpx.Response) -> dict:
    if response.is_error:
        raise ApiError(response)
    return response.json()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# -- binaries and inputs --------------------------------------------------------


def binaries_dir(build: bool = True) -> Path:
    """The directory with kube-apiserver and etcd (building them if asked).

    KUBEFLOW_CLUSTER_BIN points at ready binaries and skips the build script.
    """
    if os.environ.get("KUBEFLOW_CLUSTER_BIN"):
        return Path(os.environ["KUBEFLOW_CLUSTER_BIN"])
    args = ["bash", str(REPO / "scripts" / "build-cluster.sh")]
    if not build:
        args.append("--print-dir")
    # stderr (progress, errors such as "Go is required") goes to our stderr.
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True).stdout
    return Path(out.strip().splitlines()[-1])


def binaries_ready() -> bool:
    d = binaries_dir(build=False)
    return all(os.access(d / name, os.X_OK) for name in ("kube-apiserver", "etcd"))


def crds_dir() -> Path:
    shared = os.environ.get("KUBEFLOW_SHARED_DIR") or REPO.parent / "shared"
    return Path(shared) / "crds"


def _write_inputs(work: Path) -> None:
    """Service-account signing key pair and the static admin token."""
    if not shutil.which("openssl"):
        raise RuntimeError("openssl is required to make the service-account signing key")
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(work / "sa.key")],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["openssl", "pkey", "-in", str(work / "sa.key"), "-pubout", "-out", str(work / "sa.pub")],
        check=True,
        capture_output=True,
    )
    # system:masters bypasses RBAC: the tests' own setup needs no Roles.
    (work / "tokens.csv").write_text(f'{ADMIN_TOKEN},admin,admin,"system:masters"\n')


# -- the cluster ----------------------------------------------------------------


@dataclass
class Cluster:
    work: Path
    url: str
    ca_file: Path
    _procs: list = field(default_factory=list)
    _owns_work: bool = False

    # clients

    def _ssl(self) -> ssl.SSLContext:
        # The API server's self-signed serving cert (plus its CA) is in
        # apiserver.crt; it names 127.0.0.1, so hostname checks stay on.
        return ssl.create_default_context(cafile=str(self.ca_file))

    def client(self, token: str | None, timeout: float = 30.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, verify=self._ssl(), timeout=timeout)

    def admin(self) -> httpx.Client:
        return self.client(ADMIN_TOKEN)

    def _post(self, path: str, body: dict, token: str | None = None) -> dict:
        with self.client(token or ADMIN_TOKEN) as c:
            return check(c.post(path, json=body))

    # objects (all as admin unless a token is given)

    def create_namespace(self, name: str | None = None) -> str:
        name = name or unique("ns")
        self._post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        return name

    def create_service_account(self, ns: str, name: str) -> dict:
        body = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}
        return self._post(f"/api/v1/namespaces/{ns}/serviceaccounts", body)

    def create_role(self, ns: str, name: str, rules: list[dict]) -> dict:
        body = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": name}, "rules": rules}
        return self._post(f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", body)

    def bind(self, ns: str, role: str, subject_sa: str, *, role_kind: str = "Role") -> dict:
        """Bind `role` in `ns` to a service account: "name" (in ns) or "other-ns/name"."""
        sa_ns, _, sa = subject_sa.rpartition("/")
        body = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": unique(f"{role}-{sa}")[:63]},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": sa_ns or ns}],
        }
        return self._post(f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", body)

    def token_for(
        self, ns: str, sa: str, audiences: list[str] | tuple[str, ...] = AUDIENCES[:1], seconds: int = 600, *, using: str | None = None
    ) -> str:
        """Mint a token with the TokenRequest API (as admin, or as the `using` token).

        The API refuses expirationSeconds under 600.
        """
        body = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {"audiences": list(audiences), "expirationSeconds": seconds},
        }
        return self._post(f"/api/v1/namespaces/{ns}/serviceaccounts/{sa}/token", body, token=using)["status"]["token"]

    def token_review(self, token: str, audiences: list[str] | tuple[str, ...] | None = None) -> dict:
        """The TokenReview status: `authenticated`, `user`, `audiences`, `error`."""
        spec: dict = {"token": token}
        if audiences is not None:
            spec["audiences"] = list(audiences)
        body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec}
        return self._post("/apis/authentication.k8s.io/v1/tokenreviews", body)["status"]

    def kubeconfig(self, path: str | os.PathLike, token: str = ADMIN_TOKEN, namespace: str = "default") -> Path:
        """Write a self-contained kubeconfig (CA inline) that acts with `token`."""
        ca = base64.b64encode(self.ca_file.read_bytes()).decode()
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "test", "cluster": {"server": self.url, "certificate-authority-data": ca}}],
            "users": [{"name": "test", "user": {"token": token}}],
            "contexts": [{"name": "test", "context": {"cluster": "test", "user": "test", "namespace": namespace}}],
            "current-context": "test",
        }
        path = Path(path)
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        path.chmod(0o600)  # it holds a credential
        return path

    # lifecycle

    def install_crds(self, directory: Path, timeout: float = 60.0) -> list[str]:
        names = []
        with self.admin() as c:
            for f in sorted(directory.glob("*.yaml")):
                for doc in yaml.load_all(f.read_text(), Loader=_Loader):
                    if doc and doc.get("kind") == "CustomResourceDefinition":
                        check(c.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json=doc))
                        names.append(doc["metadata"]["name"])

            def established(name: str) -> bool:
                obj = check(c.get(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"))
                conds = (obj.get("status") or {}).get("conditions") or []
                return any(x["type"] == "Established" and x["status"] == "True" for x in conds)

            for name in names:
                procs.wait_for(lambda n=name: established(n), timeout, f"CRD {name} Established", self._procs_logs())
        return names

    def _procs_logs(self) -> list:
        return [(p, self.work / f"{Path(p.args[0]).name}.log") for p in self._procs]

    def stop(self) -> None:
        # The API server first, so it does not log etcd errors while dying.
        for p in reversed(self._procs):
            procs.stop(p)
        self._procs.clear()
        if self._owns_work:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            # Keep keys, certs and logs for a post-mortem; etcd preallocates
            # 64 MB WAL files that nobody needs.
            shutil.rmtree(self.work / "etcd", ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_cluster(
    bin_dir: Path | None = None, work: Path | None = None, crds: Path | None = None, timeout: float = 120.0
) -> Cluster:
    """Start etcd and kube-apiserver, wait for /readyz, install the CRDs.

    `work` keeps keys, certs, data and logs (a temp dir removed at stop if not
    given). On any failure both processes are stopped before raising.
    """
    bin_dir = bin_dir or binaries_dir()
    owns = work is None
    work = Path(work or tempfile.mkdtemp(prefix="kube-apiserver-"))
    work.mkdir(parents=True, exist_ok=True)
    _write_inputs(work)
    etcd_port, peer_port, api_port = procs.free_port(), procs.free_port(), procs.free_port()
    cluster = Cluster(work=work, url=f"https://127.0.0.1:{api_port}", ca_file=work / "pki" / "apiserver.crt", _owns_work=owns)
    try:
        etcd_url = f"http://127.0.0.1:{etcd_port}"
        peer_url = f"http://127.0.0.1:{peer_port}"
        etcd = procs.spawn(
            [
                str(bin_dir / "etcd"),
                "--name=test",
                f"--data-dir={work / 'etcd'}",
                f"--listen-client-urls={etcd_url}",
                f"--advertise-client-urls={etcd_url}",
                # Its own peer port too: the default 2380 would collide
                # between two test runs on one machine.
                f"--listen-peer-urls={peer_url}",
                f"--initial-advertise-peer-urls={peer_url}",
                f"--initial-cluster=test={peer_url}",
                "--unsafe-no-fsync",  # throwaway data: no need to wait for the disk
                "--log-level=warn",
            ],
            work / "etcd.log",
        )
        cluster._procs.append(etcd)
        procs.wait_for(lambda: _get_ok(f"{etcd_url}/health"), timeout, "etcd /health", cluster._procs_logs())

        api = procs.spawn(
            [
                str(bin_dir / "kube-apiserver"),
                f"--etcd-servers={etcd_url}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={api_port}",
                f"--cert-dir={work / 'pki'}",
                "--service-cluster-ip-range=10.0.0.0/24",
                "--authorization-mode=RBAC",
                f"--token-auth-file={work / 'tokens.csv'}",
                "--service-account-issuer=https://kubernetes.default.svc",
                f"--service-account-signing-key-file={work / 'sa.key'}",
                f"--service-account-key-file={work / 'sa.pub'}",
                f"--api-audiences={','.join(AUDIENCES)}",
                # It would require each pod's service account to exist; there
                # is no controller-manager to create "default".
                "--disable-admission-plugins=ServiceAccount",
                "--profiling=false",
            ],
            work / "kube-apiserver.log",
        )
        cluster._procs.append(api)
        procs.wait_for(cluster.ca_file.exists, timeout, "the API server's certificate", cluster._procs_logs())

        def ready() -> bool:
            with contextlib.suppress(httpx.HTTPError), cluster.admin() as c:
                return c.get("/readyz").status_code == 200
            return False

        procs.wait_for(ready, timeout, "kube-apiserver /readyz", cluster._procs_logs(), interval=0.5)
        cluster.install_crds(crds or crds_dir())
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _get_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def running_cluster(**kwargs):  # noqa: ANN003, ANN201
    cluster = start_cluster(**kwargs)
    try:
        yield cluster
    finally:
        cluster.stop()


def main(argv: list[str] | None = None) -> None:
    """`start [--json] [--wait-signal]`: run a cluster until stdin closes or SIGTERM."""
    import argparse
    import json
    import signal
    import sys

    parser = argparse.ArgumentParser(prog="python -m tests.cluster.harness")
    parser.add_argument("command", choices=["start"])
    parser.add_argument("--json", action="store_true", help="print the connection info as one JSON line")
    parser.add_argument("--wait-signal", action="store_true", help="ignore stdin; run until SIGTERM/SIGINT")
    args = parser.parse_args(argv)

    def on_signal(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cluster = start_cluster()
    try:
        info = {
            "url": cluster.url,
            "caFile": str(cluster.ca_file),
            "adminToken": ADMIN_TOKEN,
            "kubeconfig": str(cluster.kubeconfig(cluster.work / "admin.kubeconfig")),
            "audiences": list(AUDIENCES),
            "workDir": str(cluster.work),
            "pid": os.getpid(),
        }
        print(json.dumps(info) if args.json else "\n".join(f"{k}: {v}" for k, v in info.items()), flush=True)
        if args.wait_signal:
            while True:
                signal.pause()
        else:
            sys.stdin.read()  # returns at EOF: the parent closed our stdin or died
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
