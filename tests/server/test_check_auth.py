"""Every Tornado handler of the extension requires authentication.

Uses Jupyter Server's own check (the one behind the JupyterServerAuthWarning
the live server turns into an error in test_proxy), so a new handler without
@web.authenticated / @ws_authenticated fails here.
"""

from __future__ import annotations

from jupyter_server.serverapp import ServerWebApplication

from jupyterlab_kubeflow.handlers import handlers


def test_every_handler_method_is_authenticated() -> None:
    routes = handlers("/")
    assert routes, "the extension registers handlers"
    missing = []
    for matcher, handler in routes:
        missing.extend(ServerWebApplication._check_handler_auth(None, matcher, handler))  # type: ignore[arg-type]
    assert missing == []


def test_the_check_catches_an_undecorated_handler() -> None:
    from jupyter_server.base.handlers import APIHandler

    class Naked(APIHandler):
        async def get(self) -> None:
            self.finish("open to anyone")

    assert ServerWebApplication._check_handler_auth(None, "/naked", Naked)
