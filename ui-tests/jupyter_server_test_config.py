"""Jupyter server configuration for the Galata UI tests.

Never use this configuration in production: Galata's helper removes
authentication so the browser can drive JupyterLab freely.
"""

import os
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821  CI runs as root
# Long enough that the panel visibly says "reconnecting" after the test kills the bridge.
c.KubeflowExtension.restart_initial_delay = 3.0  # noqa: F821
c.KubeflowExtension.restart_max_delay = 3.0  # noqa: F821

# The tests find the bridge as a child of this server process.
Path(__file__).with_name(".jupyter-server.pid").write_text(str(os.getpid()))

# Real-time collaboration (jupyter-collaboration): forget a closed document
# quickly, so each test's pages start from the file on disk.
c.YDocExtension.document_cleanup_delay = 1  # noqa: F821
