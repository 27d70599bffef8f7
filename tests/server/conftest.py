from __future__ import annotations

import pytest

from .harness import JupyterServer, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> JupyterServer:
    srv = start_server(tmp_path_factory.mktemp("jupyter"))
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path) -> JupyterServer:  # noqa: ANN001
    """A server of its own, for tests that stop or kill it."""
    srv = start_server(tmp_path)
    yield srv
    srv.stop()
