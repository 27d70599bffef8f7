"""Run code in a real kernel started by the Jupyter server, over its REST and
WebSocket APIs, as the browser would."""

from __future__ import annotations

import asyncio
import json
import uuid

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from .harness import JupyterServer

XSRF = "2|abcdef01|0123456789abcdef0123456789abcdef|1700000000"


def start_kernel(server: JupyterServer, token: str) -> str:
    client = server.client(token)
    client.cookies.set("_xsrf", XSRF)
    response = client.post("/api/kernels", json={"name": "python3"}, headers={"X-XSRFToken": XSRF})
    response.raise_for_status()
    return response.json()["id"]


def shutdown_kernel(server: JupyterServer, token: str, kernel_id: str) -> None:
    client = server.client(token)
    client.cookies.set("_xsrf", XSRF)
    client.delete(f"/api/kernels/{kernel_id}", headers={"X-XSRFToken": XSRF})


async def _execute(server: JupyterServer, token: str, kernel_id: str, code: str) -> str:
    url = f"{server.ws_url}/api/kernels/{kernel_id}/channels?token={token}"
    conn = await websocket_connect(HTTPRequest(url, connect_timeout=30))
    session = uuid.uuid4().hex
    msg_id = uuid.uuid4().hex
    conn.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": session,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False},
            }
        )
    )
    out: list[str] = []
    try:
        while True:
            raw = await asyncio.wait_for(conn.read_message(), 60)
            if raw is None:
                raise AssertionError("kernel socket closed")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)
    finally:
        conn.close()


def execute(server: JupyterServer, token: str, kernel_id: str, code: str) -> str:
    return asyncio.run(_execute(server, token, kernel_id, code))
