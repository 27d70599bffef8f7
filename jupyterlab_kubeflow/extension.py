"""The Jupyter server extension: start the bridge (or connect to one), route to it, stop it."""

from __future__ import annotations

import atexit
import getpass
import os
import sys
from typing import NoReturn

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Enum, Float, Unicode

from .handlers import handlers
from .static_bridge import BridgeConfigError, StaticBridge
from .supervisor import Backoff, BridgeSupervisor

# What kernels get, through their environment: where the bridge is and a
# kernel token that acts as the server's owner. Never the bridge's secret.
KERNEL_URL_ENV = "KUBEFLOW_BRIDGE_URL"
KERNEL_TOKEN_ENV = "KUBEFLOW_BRIDGE_TOKEN"
# Set instead of the token when the operator gave kernels none (why, for the client's error).
KERNEL_NO_TOKEN_ENV = "KUBEFLOW_BRIDGE_NO_TOKEN"


def server_owner() -> str:
    """The user a kernel acts as: the hub user, else the OS account."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


class KubeflowExtension(ExtensionApp):
    """Starts the bridge beside the server and proxies ``kubeflow/api`` to it."""

    name = "jupyterlab_kubeflow"

    startup_timeout = Float(30.0, config=True, help="Seconds to wait for the bridge at startup.")
    restart_initial_delay = Float(0.5, config=True, help="First delay before a restart (s).")
    restart_max_delay = Float(10.0, config=True, help="Longest delay between restarts (s).")
    identity_mode = Enum(
        ["none", "pod", "shared"],
        default_value=None,
        allow_none=True,
        config=True,
        help=(
            "How the bridge knows users on Kubeflow: 'none' (this machine only), 'pod' (inside a "
            "Kubeflow notebook pod: its namespace and tokens), 'shared' (one server for many users: "
            "user_map and/or Kubeflow Profiles, tokens minted with the TokenRequest API). "
            "Unset: $KUBEFLOW_BRIDGE_IDENTITY, else 'none'."
        ),
    )
    kubeconfig = Unicode(
        "", config=True, help="The bridge's own kubeconfig (shared mode; default: the pod's service account)."
    )
    user_map = Unicode("", config=True, help="Shared mode: YAML/JSON file {users: {name: {namespace, serviceAccount}}}.")
    kfp_endpoint = Unicode(
        "",
        config=True,
        help=(
            "The Kubeflow Pipelines API server, e.g. http://ml-pipeline.kubeflow.svc.cluster.local:8888. "
            "With an identity mode it turns on the kubeflow engine. Unset: $KUBEFLOW_BRIDGE_KFP_ENDPOINT."
        ),
    )

    # An existing bridge (static_bridge.py says why shared mode wants one).
    bridge_url = Unicode(
        "",
        config=True,
        help=(
            "Connect to a bridge that runs elsewhere (e.g. a sidecar: http://127.0.0.1:8765) instead of "
            "starting one. Only http on loopback unless bridge_allow_remote. Needs bridge_secret_file; "
            "the identity options then belong to the bridge's own command line."
        ),
    )
    bridge_secret_file = Unicode(
        "", config=True, help="With bridge_url: a file holding the secret shared with the bridge (re-read on change/SIGHUP)."
    )
    bridge_kernel_token_file = Unicode(
        "",
        config=True,
        help="With bridge_url: a file holding the bridge's kernel token. Unset: kernels get no bridge credential.",
    )
    bridge_allow_remote = Bool(
        False,
        config=True,
        help="Allow a bridge_url that is not http on loopback (the secret and user names then cross that network).",
    )

    supervisor: BridgeSupervisor | StaticBridge | None = None

    def initialize_settings(self) -> None:
        if self.bridge_url:
            self._connect_existing_bridge()
            return
        if self.bridge_secret_file or self.bridge_kernel_token_file:
            self.log.warning("KubeflowExtension.bridge_*_file is ignored without bridge_url")
        self.supervisor = BridgeSupervisor(
            owner=server_owner(),
            log=self.log,
            backoff=Backoff(initial=self.restart_initial_delay, maximum=self.restart_max_delay),
            root_dir=os.path.abspath(self.serverapp.root_dir),
            data_dir=os.path.join(jupyter_data_dir(), "kubeflow"),
            # The server's Python is the default kernel's: steps see its packages.
            python=sys.executable,
            identity_mode=self.identity_mode or None,
            kubeconfig=self.kubeconfig or None,
            user_map=self.user_map or None,
            kfp_endpoint=self.kfp_endpoint or None,
        )
        self.serverapp.web_app.settings["kubeflow_bridge"] = self.supervisor
        self.supervisor.start()
        if self.supervisor.wait_until_up(self.startup_timeout) and self.supervisor.url:
            # Kernels inherit the server's environment. Restarts reuse the
            # port, so the URL stays valid unless the port was taken meanwhile.
            os.environ[KERNEL_URL_ENV] = self.supervisor.url
            os.environ[KERNEL_TOKEN_ENV] = self.supervisor.kernel_token
        else:
            self.log.error("kubeflow-bridge did not start within %ss; still trying", self.startup_timeout)
        # Belt and braces for exits that skip stop_extension (the bridge also
        # exits by itself when our end of its stdin closes).
        atexit.register(self.supervisor.stop)

    def _connect_existing_bridge(self) -> None:
        """No supervisor, no child: the proxy talks to bridge_url with the file's secret."""
        if not self.bridge_secret_file:
            self._refuse("KubeflowExtension.bridge_url needs KubeflowExtension.bridge_secret_file")
        try:
            bridge = StaticBridge(
                self.bridge_url,
                self.bridge_secret_file,
                self.log,
                kernel_token_file=self.bridge_kernel_token_file or None,
                allow_remote=self.bridge_allow_remote,
            )
        except BridgeConfigError as err:
            self._refuse(str(err))
        bridge.install_sighup()
        self.supervisor = bridge
        self.serverapp.web_app.settings["kubeflow_bridge"] = bridge
        self.log.info("kubeflow-bridge: using the existing bridge at %s", bridge.url)
        # Kernels get the URL always, so that the client can say what is missing;
        # the kernel token only if the operator shared one with the bridge.
        os.environ[KERNEL_URL_ENV] = bridge.url
        token = bridge.kernel_token
        if token:
            os.environ[KERNEL_TOKEN_ENV] = token
        else:
            os.environ.pop(KERNEL_TOKEN_ENV, None)
            os.environ[KERNEL_NO_TOKEN_ENV] = "no KubeflowExtension.bridge_kernel_token_file"
            self.log.info("kubeflow-bridge: no bridge_kernel_token_file: kernels cannot call the bridge")

    def _refuse(self, message: str) -> NoReturn:
        # Jupyter turns an extension's exceptions into warnings and serves on;
        # a misconfigured bridge must stop the server instead (fail closed).
        self.log.critical("%s", message)
        raise SystemExit(f"jupyterlab_kubeflow: {message}")

    def initialize_handlers(self) -> None:
        web_app = self.serverapp.web_app
        web_app.add_handlers(".*$", handlers(web_app.settings["base_url"]))

    async def stop_extension(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()
            self.log.info("kubeflow-bridge stopped")
