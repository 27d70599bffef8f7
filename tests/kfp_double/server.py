"""The double over HTTP (tornado, in a thread of the test process).

Two ports: the KFP API (`/apis/v2beta1/...`, validated both ways against
the published OpenAPI) and a control port that is no part of KFP, for the
test to drive runs and read what the double saw:

    POST /control/runs/{run_id}   {"state": "RUNNING", "task_details": [...], "error": {...}}
    GET  /control/runs/{run_id}   the run as stored
    GET  /control/seen            {"requests": [...], "reviews": [...], "userid_violations": [...],
                                   "schema_violations": [...], "created": [...]}

A shape that does not follow the published API is answered with 500 and
recorded in `schema_violations`; the tests assert there are none.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from typing import Callable
from urllib.parse import parse_qsl

import httpx
import tornado.httpserver
import tornado.netutil
import tornado.web

from . import openapi
from .api import ApiError, KfpApi, match
from .auth import AuthError, KfpAuth

log = logging.getLogger("kfp_double")
MULTIPART = ("/pipelines/upload", "/pipelines/upload_version")


class KfpHandler(tornado.web.RequestHandler):
    double: "KfpDouble"

    def initialize(self, double: "KfpDouble") -> None:
        self.double = double

    async def _serve(self) -> None:
        status, body = await asyncio.get_running_loop().run_in_executor(None, self.double.dispatch, self.request)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    get = post = delete = _serve  # type: ignore[assignment]


class ControlHandler(tornado.web.RequestHandler):
    def initialize(self, double: "KfpDouble") -> None:
        self.double = double

    def get(self, what: str) -> None:
        if what == "seen":
            self.finish(self.double.seen())
        elif what.startswith("runs/"):
            run = self.double.api.runs.get(what[5:])
            self.set_status(200 if run else 404)
            self.finish(json.dumps(run or {}))
        else:
            self.send_error(404)

    def post(self, what: str) -> None:
        if not what.startswith("runs/"):
            return self.send_error(404)
        try:
            self.finish(self.double.drive(what[5:], json.loads(self.request.body or b"{}")))
        except KeyError as e:
            self.set_status(404)
            self.finish({"error": f"no run {e}"})
        except openapi.SchemaViolation as e:
            self.set_status(400)
            self.finish({"error": str(e)})


class KfpDouble:
    def __init__(self, admin: Callable[[], httpx.Client]) -> None:
        self.auth = KfpAuth(admin)
        self.api = KfpApi(self.auth)
        self.requests: list[dict] = []
        self.schema_violations: list[str] = []
        self.port = 0
        self.control_port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.control_port}"

    # -- the KFP API -------------------------------------------------------------

    def dispatch(self, request) -> tuple[int, dict]:  # noqa: ANN001
        path = request.path
        template = path[len(openapi.PREFIX):] if path.startswith(openapi.PREFIX) else None
        found = match(request.method, template) if template is not None else None
        headers = dict(request.headers.get_all())
        self.requests.append({
            "method": request.method, "path": path, "query": request.query,
            "headers": sorted(k.lower() for k in headers),  # names only: values may be credentials
        })
        if found is None:
            return 404, {"code": 5, "message": f"Not Found: {request.method} {path}", "details": []}
        template, params = found
        multipart = template in MULTIPART
        try:
            query = dict(parse_qsl(request.query, keep_blank_values=True))
            openapi.check_query(request.method, template, query)
            body, upload = None, None
            if multipart:
                files = request.files.get("uploadfile") or []
                upload = files[0]["body"] if files else None
            elif request.method == "POST" and not template.endswith((":terminate", ":retry")):
                body = json.loads(request.body or b"{}")
                openapi.check_body(request.method, template, body)
            status, answer = 200, self.api.handle(request.method, template, params, query, headers, body, upload)
        except openapi.SchemaViolation as e:
            self.schema_violations.append(str(e))
            log.error("request does not follow the published API: %s", e)
            status, answer = 400, {"code": 3, "message": f"Invalid input error: {e}", "details": []}
        except ValueError as e:
            status, answer = 400, {"code": 3, "message": f"Invalid input error: the body is not JSON: {e}", "details": []}
        except (ApiError, AuthError) as e:
            status, answer = e.status, {"code": e.code, "message": e.message, "details": []}
        if multipart and status != 200:
            answer = {"error_message": answer["message"], "error_details": answer["message"]}
        try:
            openapi.check_response(request.method, template, status, answer, multipart)
        except openapi.SchemaViolation as e:
            self.schema_violations.append(str(e))
            log.error("the double's own answer does not follow the published API: %s", e)
            return 500, {"code": 13, "message": f"double: {e}", "details": []}
        return status, answer

    # -- control ---------------------------------------------------------------------

    def drive(self, run_id: str, change: dict) -> dict:
        with self.api.lock:
            run = self.api.runs[run_id]
            before = json.loads(json.dumps(run))
            if "task_details" in change:
                run["run_details"] = {"task_details": [{"run_id": run_id, **t} for t in change["task_details"]]}
            if "error" in change:
                run["error"] = change["error"]
            if "state" in change:
                self.api.set_state(run, change["state"])
            try:
                openapi.check_response("GET", "/runs/{run_id}", 200, self.api._public(run))
            except openapi.SchemaViolation:
                self.api.runs[run_id] = before
                raise
            return self.api._public(run)

    def seen(self) -> dict:
        return {
            "requests": self.requests,
            "reviews": self.auth.reviews,
            "userid_violations": self.auth.userid_violations,
            "schema_violations": self.schema_violations,
            "created": self.api.created,
        }

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> "KfpDouble":
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            api = tornado.web.Application([(r"/.*", KfpHandler, {"double": self})])
            control = tornado.web.Application([(r"/control/(.*)", ControlHandler, {"double": self})])
            servers = []
            for app, attr in ((api, "port"), (control, "control_port")):
                server = tornado.httpserver.HTTPServer(app, max_body_size=32 << 20)
                sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
                server.add_sockets(sockets)
                setattr(self, attr, sockets[0].getsockname()[1])
                servers.append(server)
            self._servers = servers
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="kfp-double", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        def shutdown() -> None:
            for server in self._servers:
                server.stop()
            self._loop.stop()

        self._loop.call_soon_threadsafe(shutdown)
        if self._thread:
            self._thread.join(10)
