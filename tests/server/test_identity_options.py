"""The server extension passes the Kubeflow identity traitlets to `kubeflow-bridge serve`."""
import logging

from jupyterlab_kubeflow.supervisor import BridgeSupervisor


def test_identity_options_become_serve_flags():
    sup = BridgeSupervisor(
        owner="alice",
        log=logging.getLogger("test"),
        identity_mode="shared",
        kubeconfig="/etc/kubeflow-bridge/kubeconfig",
        user_map="/etc/kubeflow-bridge/users.yaml",
    )
    opts = sup.serve_options
    assert opts[opts.index("--identity") + 1] == "shared"
    assert opts[opts.index("--kubeconfig") + 1] == "/etc/kubeflow-bridge/kubeconfig"
    assert opts[opts.index("--user-map") + 1] == "/etc/kubeflow-bridge/users.yaml"


def test_unset_identity_leaves_the_choice_to_the_bridge():
    # No flag: the bridge reads KUBEFLOW_BRIDGE_IDENTITY, else 'none'.
    sup = BridgeSupervisor(owner="alice", log=logging.getLogger("test"))
    assert "--identity" not in sup.serve_options
