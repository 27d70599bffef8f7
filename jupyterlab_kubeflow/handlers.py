"""Authenticated proxy from Jupyter to the bridge.

Only users that Jupyter has authenticated get through, with Jupyter's XSRF
check kept for HTTP. Each request reaches the bridge with the user's name
and the per-process secret; the browser never sees either header, and the
Jupyter token in a WebSocket URL's query is not forwarded.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado import httpclient, httputil, web, websocket
from tornado.ioloop import IOLoop

from .static_bridge import BridgeEndpoint

AUTH_RESOURCE = "kubeflow"
SECRET_HEADER = "X-Kubeflow-Bridge-Secret"
USER_HEADER = "X-Kubeflow-User"

# Request headers passed on to the bridge; everything else (cookies, the
# Authorization header with Jupyter's token, XSRF) stays here.
_FORWARD_REQUEST = ("Content-Type", "Accept", "Last-Event-ID")
# Which deployed version answered a prediction, and its id for feedback (http/deployments.ts).
_FORWARD_RESPONSE = ("Content-Type", "Cache-Control", "X-Kubeflow-Version", "X-Request-Id")
# Query parameters that are Jupyter's, not the bridge's.
_JUPYTER_QUERY = {"token", "_xsrf", "session_id"}

def _bridge_identity(handler: JupyterHandler, bridge: BridgeEndpoint) -> dict[str, str]:
    user = handler.current_user
    return {SECRET_HEADER: bridge.secret, USER_HEADER: user.username}

def _bridge_query(handler: JupyterHandler) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(handler.request.query, keep_blank_values=True)
        if k not in _JUPYTER_QUERY
    ]
    return f"?{urlencode(pairs)}" if pairs else ""

class _StreamRelay:
    """Copies the bridge's status, chosen headers and body chunks to the client."""

    def __init__(self, handler: APIHandler) -> None:
        self.handler = handler
        self.started = False
        self.code = 502
        self.headers = httputil.HTTPHeaders()

    def header(self, line: str) -> None:
        if line.startswith("HTTP/"):
            self.code = int(line.split(" ", 2)[1])
            self.headers = httputil.HTTPHeaders()
        elif line.strip():
            self.headers.parse_line(line)

    def start(self, code: int | None = None) -> None:
        if self.started:
            return
        self.started = True
        self.handler.set_status(code or self.code)
        for name in _FORWARD_RESPONSE:
            if name in self.headers:
                self.handler.set_header(name, self.headers[name])

    def chunk(self, data: bytes) -> None:
        self.start()
        self.handler.write(data)
        self.handler.flush()


class BridgeMixin:
    @property
    def bridge(self) -> BridgeEndpoint:
        """Our child bridge (BridgeSupervisor) or an existing one (StaticBridge)."""
        return self.settings["kubeflow_bridge"]  # type: ignore[attr-defined]

class BridgeProxyHandler(BridgeMixin, APIHandler):
    """``{base_url}kubeflow/api/<path>`` -> the bridge's ``/api/<path>``."""

    auth_resource = AUTH_RESOURCE

    async def _proxy(self, path: str) -> None:
        base = self.bridge.url
        if base is None:
            self.set_status(503)
            self.set_header("Retry-After", "1")
            self.finish({"error": {"code": 503, "message": "the Kubeflow bridge is restarting"}})
            return
        headers = {k: v for k, v in self.request.headers.items() if k in _FORWARD_REQUEST}
        headers.update(_bridge_identity(self, self.bridge))
        method = self.request.method or "GET"
        body = self.request.body if method in ("POST", "PUT", "PATCH") else None
        # Stream the answer through as it arrives: followed task logs are
        # a response that lasts as long as the task runs.
        relay = _StreamRelay(self)
        request = httpclient.HTTPRequest(
            f"{base}/api/{path}{_bridge_query(self)}",
            method=method,
            headers=headers,
            body=body,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            # 0 = no limit: a followed log ends when its task does.
            request_timeout=0 if self.get_query_argument("follow", "") else 300,
            header_callback=relay.header,
            streaming_callback=relay.chunk,
        )
        try:
            response = await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
        except OSError:
            response = None
        if response is None or (response.code == 599 and not relay.started):
            self.set_status(503)
            self.finish({"error": {"code": 503, "message": "the Kubeflow bridge is not reachable"}})
            return
        relay.start(response.code)
        self.finish()

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    @authorized
    async def put(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    @authorized
    async def patch(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    @authorized
    async def delete(self, path: str) -> None:
        await self._proxy(path)

class BridgeEventsHandler(BridgeMixin, WebSocketMixin, websocket.WebSocketHandler, JupyterHandler):
    """``{base_url}kubeflow/api/events``: the bridge's events, relayed both ways."""

    auth_resource = AUTH_RESOURCE
    upstream: websocket.WebSocketClientConnection | None = None

    async def pre_get(self) -> None:
        authorized_ = self.authorizer.is_authorized(self, self.current_user, "read", AUTH_RESOURCE)
        if hasattr(authorized_, "__await__"):
            authorized_ = await authorized_
        if not authorized_:
            raise web.HTTPError(403)
        base = self.bridge.url
        if base is None:
            raise web.HTTPError(503, "the Kubeflow bridge is restarting")
        request = httpclient.HTTPRequest(
            base.replace("http://", "ws://", 1) + "/api/events",
            headers=_bridge_identity(self, self.bridge),
            request_timeout=10,
        )
        try:
            self.upstream = await websocket.websocket_connect(request)
        except (OSError, httpclient.HTTPClientError) as err:
            raise web.HTTPError(503, "the Kubeflow bridge is not reachable") from err

    @ws_authenticated
    async def get(self, *args: str, **kwargs: str) -> None:
        await self.pre_get()
        result = super().get(*args, **kwargs)
        if result is not None:
            await result

    def open(self, *args: str, **kwargs: str) -> None:
        super().open(*args, **kwargs)  # WebSocketMixin: keep-alive pings
        IOLoop.current().spawn_callback(self._pump)

    async def _pump(self) -> None:
        upstream = self.upstream
        while upstream is not None:
            message = await upstream.read_message()
            if message is None:
                # The bridge went away: close our side so the client reconnects.
                self.close(1012, "bridge restarting")
                return
            try:
                await self.write_message(message, binary=isinstance(message, bytes))
            except websocket.WebSocketClosedError:
                upstream.close()
                return

    async def on_message(self, message: str | bytes) -> None:
        if self.upstream is not None:
            await self.upstream.write_message(message, binary=isinstance(message, bytes))

    def on_close(self) -> None:
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None

def handlers(base_url: str) -> list[tuple[str, type[JupyterHandler]]]:
    """The Tornado routes of the extension (events first: it is more specific)."""
    api = url_path_join(base_url, "kubeflow", "api")
    return [
        (url_path_join(api, "events"), BridgeEventsHandler),
        (url_path_join(api, r"(.*)"), BridgeProxyHandler),
    ]
