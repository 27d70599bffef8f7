"""The server extension with a real bridge process behind it."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import httpx
import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from .harness import JupyterServer, pid_alive, wait_for
from .identity import USERS

ALICE = "alice-token-0123456789"
BOB = "bob-token-0123456789"


def bridge_secret(pid: int) -> str:
    environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
    for entry in environ:
        if entry.startswith(b"KUBEFLOW_BRIDGE_SECRET="):
            return entry.split(b"=", 1)[1].decode()
    raise AssertionError("the bridge has no secret in its environment")


async def ws_first_message(url: str, headers: dict | None = None) -> dict:
    conn = await websocket_connect(HTTPRequest(url, headers=headers or {}, connect_timeout=10))
    try:
        message = await asyncio.wait_for(conn.read_message(), 10)
        return json.loads(message)
    finally:
        conn.close()


def test_authenticated_users_reach_the_bridge_as_themselves(server: JupyterServer) -> None:
    for token, name in USERS.items():
        response = server.client(token).get("/kubeflow/api/health")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["user"] == name
        assert body["engines"] == ["local"]
        assert body["version"]


def test_anonymous_http_is_refused_before_the_bridge(server: JupyterServer) -> None:
    for token in (None, "not-a-token"):
        response = server.client(token).get("/kubeflow/api/health")
        assert response.status_code == 403
        assert "version" not in response.text


def test_post_without_xsrf_is_refused_and_with_xsrf_is_proxied(server: JupyterServer) -> None:
    # Jupyter's XSRF check stays in force in front of the bridge.
    client = server.client(ALICE)
    assert client.post("/kubeflow/api/health", content=b"{}").status_code == 403
    xsrf = "2|abcdef01|0123456789abcdef0123456789abcdef|1700000000"
    client.cookies.set("_xsrf", xsrf)
    response = client.post("/kubeflow/api/health", content=b"{}", headers={"X-XSRFToken": xsrf})
    # 405 comes from the bridge: the request got through Jupyter and was proxied.
    assert response.status_code == 405, response.text
    assert response.json()["error"]["message"] == "method POST not allowed on /api/health"


def test_the_events_socket_greets_authenticated_users(server: JupyterServer) -> None:
    hello = asyncio.run(
        ws_first_message(f"{server.ws_url}/kubeflow/api/events?token={BOB}")
    )
    assert hello["type"] == "hello"
    assert hello["user"] == "bob"
    assert hello["engines"] == ["local"]


def test_anonymous_websocket_is_refused(server: JupyterServer) -> None:
    for query in ("", "?token=not-a-token"):
        with pytest.raises(HTTPClientError) as err:
            asyncio.run(ws_first_message(f"{server.ws_url}/kubeflow/api/events{query}"))
        assert err.value.code == 403


def test_the_bridge_refuses_requests_without_the_secret(server: JupyterServer) -> None:
    port, pid = server.bridges()[-1]
    bridge = f"http://127.0.0.1:{port}/api/health"
    assert httpx.get(bridge).status_code == 401
    forged = {"X-Kubeflow-Bridge-Secret": "guess-0123456789abcdef", "X-Kubeflow-User": "alice"}
    assert httpx.get(bridge, headers=forged).status_code == 401
    real = {"X-Kubeflow-Bridge-Secret": bridge_secret(pid), "X-Kubeflow-User": "alice"}
    assert httpx.get(bridge, headers=real).status_code == 200
    with pytest.raises(HTTPClientError) as err:
        asyncio.run(ws_first_message(f"ws://127.0.0.1:{port}/api/events"))
    assert err.value.code == 401
    # Refusals are logged (forwarded into Jupyter's log) without any header.
    wait_for(lambda: "unauthorized request" in server.log(), 5, "the refusal in the log")
    assert "guess-0123456789abcdef" not in server.log()
    assert bridge_secret(pid) not in server.log()


def test_the_secret_never_reaches_a_response(server: JupyterServer) -> None:
    secret = bridge_secret(server.bridge_pid())
    response = server.client(ALICE).get("/kubeflow/api/health")
    assert secret not in response.text
    assert not any(secret in v for v in response.headers.values())


def test_a_killed_bridge_is_restarted(server: JupyterServer) -> None:
    before = server.bridges()
    old_pid = before[-1][1]
    os.kill(old_pid, signal.SIGKILL)
    wait_for(lambda: len(server.bridges()) > len(before), 30, "the bridge to restart")
    new_port, new_pid = server.bridges()[-1]
    assert new_pid != old_pid
    assert new_port == before[-1][0], "a restart keeps the port, so kernels keep their URL"
    response = wait_for(
        lambda: (r := server.client(ALICE).get("/kubeflow/api/health")).status_code == 200 and r,
        10,
        "the proxy to reach the new bridge",
    )
    assert response.json()["user"] == "alice"
    assert "restarting in" in server.log()


def test_stopping_the_server_stops_the_bridge(fresh_server: JupyterServer) -> None:
    pid = fresh_server.bridge_pid()
    assert pid_alive(pid)
    fresh_server.stop(signal.SIGTERM)
    wait_for(lambda: not pid_alive(pid), 10, "the bridge to exit after SIGTERM")


def test_a_killed_server_leaves_no_bridge(fresh_server: JupyterServer) -> None:
    pid = fresh_server.bridge_pid()
    fresh_server.stop(signal.SIGKILL)
    # No cleanup code ran: the bridge notices its stdin closing and exits.
    wait_for(lambda: not pid_alive(pid), 10, "the bridge to exit after its server died")
