"""The server extension connected to a bridge it did not start (a sidecar):
KubeflowExtension.bridge_url + bridge_secret_file, no child process."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_kubeflow.node import bridge_command

from .external_bridge import KERNEL_TOKEN, SECRET, ExternalBridge, children_of, cmdline, make_bridge, wait_status
from .harness import JupyterServer, free_port, start_server
from .identity import USERS
from .kernel import execute, shutdown_kernel, start_kernel
from .test_proxy import ALICE, ws_first_message

OWNER = "owner-of-the-server"


def connect(tmp: Path, bridge: ExternalBridge, *extra: str) -> JupyterServer:
    return start_server(
        tmp,
        f"--KubeflowExtension.bridge_url={bridge.url}",
        f"--KubeflowExtension.bridge_secret_file={bridge.secret_file}",
        *extra,
        own_bridge=False,
    )


@pytest.fixture(scope="module")
def sidecar(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    tmp = tmp_path_factory.mktemp("sidecar")
    bridge = make_bridge(tmp, free_port())
    bridge.start()
    server = connect(tmp, bridge, f"--KubeflowExtension.bridge_kernel_token_file={bridge.kernel_token_file}")
    yield bridge, server
    server.stop()
    bridge.kill()


def test_users_reach_the_existing_bridge_as_themselves(sidecar) -> None:  # noqa: ANN001
    _, server = sidecar
    for token, name in USERS.items():
        response = server.client(token).get("/kubeflow/api/health")
        assert response.status_code == 200, response.text
        assert response.json()["user"] == name
    hello = asyncio.run(ws_first_message(f"{server.ws_url}/kubeflow/api/events?token={ALICE}"))
    assert (hello["type"], hello["user"]) == ("hello", "alice")


def test_anonymous_requests_are_refused(sidecar) -> None:  # noqa: ANN001
    _, server = sidecar
    for token in (None, "not-a-token"):
        assert server.client(token).get("/kubeflow/api/health").status_code == 403
    with pytest.raises(HTTPClientError) as err:
        asyncio.run(ws_first_message(f"{server.ws_url}/kubeflow/api/events"))
    assert err.value.code == 403


def test_the_server_spawned_no_bridge(sidecar) -> None:  # noqa: ANN001
    _, server = sidecar
    commands = [cmdline(pid) for pid in children_of(server.proc.pid)]
    assert not [c for c in commands if " serve " in f"{c} "], commands
    assert server.bridges() == []
    assert "using the existing bridge at http://127.0.0.1:" in server.log()


def test_a_kernel_gets_the_shared_kernel_token_and_never_the_secret(sidecar) -> None:  # noqa: ANN001
    bridge, server = sidecar
    code = (
        "import json, os\nfrom jupyterlab_kubeflow import client\n"
        "print(json.dumps({'runs': client.runs(), 'env': dict(os.environ)}, default=str))"
    )
    kernel_id = start_kernel(server, ALICE)
    try:
        result = json.loads(execute(server, ALICE, kernel_id, code))
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    env = result["env"]
    assert result["runs"] == []
    assert env["KUBEFLOW_BRIDGE_URL"] == bridge.url
    assert env["KUBEFLOW_BRIDGE_TOKEN"] == KERNEL_TOKEN
    assert SECRET not in json.dumps(env)
    assert "KUBEFLOW_BRIDGE_SECRET" not in env


def test_the_secret_is_in_no_response_and_no_log(sidecar) -> None:  # noqa: ANN001
    bridge, server = sidecar
    response = server.client(ALICE).get("/kubeflow/api/health")
    assert SECRET not in response.text
    assert not any(SECRET in v for v in response.headers.values())
    assert SECRET not in server.log()
    assert SECRET not in bridge.log() and KERNEL_TOKEN not in bridge.log()
    assert KERNEL_TOKEN not in server.log()


def test_a_killed_bridge_gives_503_then_recovers(tmp_path: Path) -> None:
    bridge = make_bridge(tmp_path, free_port())
    bridge.start()
    server = connect(tmp_path, bridge)
    try:
        client = server.client(ALICE)
        assert client.get("/kubeflow/api/health").status_code == 200
        bridge.kill()
        response = wait_status(client, "/kubeflow/api/health", 503)
        assert "not reachable" in response.json()["error"]["message"]
        with pytest.raises(HTTPClientError) as err:
            asyncio.run(ws_first_message(f"{server.ws_url}/kubeflow/api/events?token={ALICE}"))
        assert err.value.code == 503
        bridge.start()  # same port: the sidecar container restarting
        assert wait_status(client, "/kubeflow/api/health", 200).json()["user"] == "alice"
    finally:
        server.stop()
        bridge.kill()


def test_without_a_kernel_token_file_the_client_says_why(tmp_path: Path) -> None:
    bridge = make_bridge(tmp_path, free_port())
    bridge.start()
    server = connect(tmp_path, bridge)
    code = (
        "from jupyterlab_kubeflow import client\n"
        "try:\n    client.runs()\nexcept client.BridgeError as err:\n    print(err)"
    )
    try:
        kernel_id = start_kernel(server, ALICE)
        try:
            out = execute(server, ALICE, kernel_id, code)
        finally:
            shutdown_kernel(server, ALICE, kernel_id)
    finally:
        server.stop()
        bridge.kill()
    assert "KubeflowExtension.bridge_kernel_token_file" in out
    assert "uses an existing bridge" in out


@pytest.mark.parametrize(
    "url",
    ["http://10.1.2.3:8765", "http://0.0.0.0:8765", "https://127.0.0.1:8765", "http://bridge.example.com:80"],
)
def test_a_bridge_url_off_loopback_stops_the_server(tmp_path: Path, url: str) -> None:
    secret = tmp_path / "secret"
    secret.write_text(SECRET)
    with pytest.raises(AssertionError, match="jupyter server exited early") as err:
        start_server(
            tmp_path, f"--KubeflowExtension.bridge_url={url}",
            f"--KubeflowExtension.bridge_secret_file={secret}", own_bridge=False,
        )
    assert "is not http on loopback" in str(err.value)
    assert "bridge_allow_remote" in str(err.value)


def test_a_missing_secret_file_stops_the_server(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="exited early") as err:
        start_server(
            tmp_path, "--KubeflowExtension.bridge_url=http://127.0.0.1:8765",
            f"--KubeflowExtension.bridge_secret_file={tmp_path / 'absent'}", own_bridge=False,
        )
    assert "bridge_secret_file" in str(err.value) and "cannot read it" in str(err.value)


def test_serve_refuses_a_non_loopback_host_without_allow_remote(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(SECRET)
    result = subprocess.run(
        bridge_command("serve", "--host", "0.0.0.0", "--secret-file", str(secret)),
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "--host '0.0.0.0' is not a loopback address" in result.stderr
    assert "--allow-remote" in result.stderr
    assert SECRET not in result.stderr + result.stdout
