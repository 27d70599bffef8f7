"""The shared-mode manifests keep the minting credential out of the Jupyter
container (where every collaborator's kernel runs): checked on the YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

MANIFESTS = Path(__file__).resolve().parents[2] / "manifests"
SA_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


@pytest.fixture(scope="module")
def pod() -> dict:
    listed = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"]
    assert "deployment.yaml" in listed
    deployment = yaml.safe_load((MANIFESTS / "deployment.yaml").read_text())
    assert deployment["kind"] == "Deployment"
    return deployment["spec"]["template"]["spec"]


def containers(pod: dict) -> dict[str, dict]:
    return {c["name"]: c for c in pod["containers"]}


def volumes(pod: dict) -> dict[str, dict]:
    return {v["name"]: v for v in pod["volumes"]}


def mounted(container: dict) -> dict[str, str]:
    return {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}


def is_credential(volume: dict) -> bool:
    sources = volume.get("projected", {}).get("sources", [])
    return any("serviceAccountToken" in s for s in sources) or "kubeconfig" in volume["name"]


def test_two_containers_and_no_token_by_default(pod: dict) -> None:
    assert set(containers(pod)) == {"jupyter", "bridge"}
    assert pod["automountServiceAccountToken"] is False
    assert pod.get("shareProcessNamespace", False) is False


def test_jupyter_has_no_sa_token_and_no_bridge_credential(pod: dict) -> None:
    jupyter = containers(pod)["jupyter"]
    vols = volumes(pod)
    for name, path in mounted(jupyter).items():
        assert not is_credential(vols[name]), name
        assert not path.startswith(SA_PATH)
    args = " ".join(jupyter["args"])
    assert "--KubeflowExtension.bridge_url=http://127.0.0.1:8765" in args
    assert "--KubeflowExtension.kubeconfig" not in args and "identity_mode" not in args
    assert not jupyter.get("envFrom")
    assert not [e for e in jupyter.get("env", []) if "valueFrom" in e]


def test_the_bridge_alone_holds_the_credential(pod: dict) -> None:
    bridge, jupyter = containers(pod)["bridge"], containers(pod)["jupyter"]
    vols = volumes(pod)
    credentials = [n for n in mounted(bridge) if is_credential(vols[n])]
    assert credentials == ["sa-token"]
    assert mounted(bridge)["sa-token"] == SA_PATH
    assert bridge["args"][:2] == ["kubeflow-bridge", "serve"]
    assert "--host=127.0.0.1" in bridge["args"] and "--allow-remote" not in bridge["args"]
    assert "--secret-file=/var/run/kubeflow-bridge/secret" in bridge["args"]
    security = bridge["securityContext"]
    assert security["runAsNonRoot"] is True and security["readOnlyRootFilesystem"] is True
    jupyter_uid = jupyter.get("securityContext", {}).get("runAsUser", pod["securityContext"]["runAsUser"])
    assert security["runAsUser"] != jupyter_uid
    # The notebooks are readable to compile them, never writable by the bridge.
    home = [m for m in bridge["volumeMounts"] if m["name"] == "home"]
    assert home and home[0]["readOnly"] is True


def test_the_shared_secret_is_a_single_key_in_both_containers(pod: dict) -> None:
    secret = volumes(pod)["bridge-secret"]["secret"]
    assert secret["items"] == [{"key": "secret", "path": "secret"}]
    assert secret["defaultMode"] == 0o440
    for container in containers(pod).values():
        mount = [m for m in container["volumeMounts"] if m["name"] == "bridge-secret"]
        assert mount and mount[0]["readOnly"] is True
        assert "subPath" not in mount[0]  # subPath mounts miss Secret updates


def test_no_secret_value_is_committed() -> None:
    for path in MANIFESTS.glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            assert not (doc and doc.get("kind") == "Secret"), f"{path.name}: create the Secret, do not commit it"
