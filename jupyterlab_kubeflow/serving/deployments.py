"""``client.deploy``, ``client.predict`` and ``client.feedback``: serve a run's
model from notebook code. Re-exported by ``jupyterlab_kubeflow.client``.
Standard library only.
"""

from __future__ import annotations

from typing import Any

from .._transport import _quote, _request


def deploy(run: Any, output: str = "model", name: str | None = None, *,
           challenger: bool = False, challenger_percent: float | None = None,
           gate: dict[str, Any] | None = None, promote_if: dict[str, Any] | None = None,
           routing: dict[str, Any] | None = None, wait: bool = True,
           target: str = "local", storage_uri: str | None = None, model_format: str | None = None,
           namespace: str | None = None) -> dict[str, Any]:
    """Serves a run's model output; returns the deployment.

    ``target="local"`` (the default): KServe's model server on this machine,
    reached through Jupyter. ``target="kubeflow"``: a KServe InferenceService
    in your namespace, created with your identity; ``storage_uri`` (where
    KServe loads the model from, e.g. ``s3://bucket/models/iris``; default:
    the run's artifact location), ``model_format`` (the InferenceService's
    ``modelFormat``, e.g. ``sklearn``; default: from the model's type) and
    ``namespace`` (must be your own) apply to it only. Without Kubeflow
    (no identity mode) it raises BridgeError, status 503, with the reason.
    The deployment then carries ``target``, ``namespace``, ``mode`` and
    ``kserve`` (Ready, URL, traffic, a failure explained).

    A new ``name`` makes the output its champion (``gate``: ``{"metric",
    "direction", "margin"}`` that every later promotion must pass;
    ``routing``: a fixed split or a bandit). ``challenger=True`` adds it to
    an existing deployment instead, with ``challenger_percent`` of the
    traffic, or, with ``promote_if``, as the champion if it passes that
    gate (BridgeError, status 409, when it does not). ``wait``: return once
    the model server is ready.
    """
    body: dict[str, Any] = {"run": getattr(run, "id", run), "output": output,
                            "name": name or output, "wait": wait}
    if challenger:
        body["role"] = "challenger"
    if target != "local":
        body["target"] = target
    for key, value in (("challengerPercent", challenger_percent), ("gate", gate),
                       ("promoteIf", promote_if), ("routing", routing), ("storageUri", storage_uri),
                       ("modelFormat", model_format), ("namespace", namespace)):
        if value is not None:
            body[key] = value
    return _request("POST", "/api/deployments", body)["deployment"]


def predict(name: str, instances: Any) -> dict[str, Any]:
    """V1 prediction: ``{"predictions", "version", "request_id", "latency_ms"}``.

    ``instances``: a list of rows (a numpy array or DataFrame is converted).
    Keep ``request_id`` to send ``feedback`` for a bandit.
    """
    if hasattr(instances, "tolist"):
        instances = instances.tolist()
    elif hasattr(instances, "to_numpy"):
        instances = instances.to_numpy().tolist()
    return _request("POST", f"/api/deployments/{_quote(name)}/predict", {"instances": instances})


def feedback(name: str, request_id: str, reward: float) -> dict[str, Any]:
    """A reward in [0, 1] for the version that answered ``request_id`` (bandit routing learns from it)."""
    return _request("POST", f"/api/deployments/{_quote(name)}/feedback",
                    {"request_id": request_id, "reward": reward})
