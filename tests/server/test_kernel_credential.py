"""Kernels get their own credential for the bridge, never the bridge's secret."""

from __future__ import annotations

import getpass
import json

from .harness import JupyterServer
from .kernel import execute, shutdown_kernel, start_kernel
from .test_proxy import ALICE, bridge_secret

CODE = """
import json, os, urllib.request
request = urllib.request.Request(
    os.environ["KUBEFLOW_BRIDGE_URL"] + "/api/health",
    headers={"Authorization": "Bearer " + os.environ["KUBEFLOW_BRIDGE_TOKEN"]},
)
health = json.load(urllib.request.urlopen(request))
print(json.dumps({"health": health, "env": dict(os.environ)}))
"""


def test_a_kernel_reaches_the_bridge_as_the_owner(server: JupyterServer) -> None:
    kernel_id = start_kernel(server, ALICE)
    try:
        result = json.loads(execute(server, ALICE, kernel_id, CODE))
    finally:
        shutdown_kernel(server, ALICE, kernel_id)
    # The server's owner (the OS account here), not the collaborator who ran it.
    assert result["health"]["user"] == getpass.getuser()
    env = result["env"]
    assert "KUBEFLOW_BRIDGE_SECRET" not in env
    secret = bridge_secret(server.bridge_pid())
    assert secret not in env.values()
    assert env["KUBEFLOW_BRIDGE_TOKEN"] != secret
