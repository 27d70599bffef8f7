"""How notebook code reaches the bridge: the URL and kernel token the server
extension put in the kernel's environment, JSON over HTTP on loopback, and
the bridge's refusals as BridgeError (with the field at fault). Shared by
``client`` (runs), ``tuning.studies`` and ``serving.deployments``.
Standard library only.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

URL_ENV = "KUBEFLOW_BRIDGE_URL"
TOKEN_ENV = "KUBEFLOW_BRIDGE_TOKEN"
NO_TOKEN_ENV = "KUBEFLOW_BRIDGE_NO_TOKEN"


class BridgeError(Exception):
    """The bridge refused a request or cannot be reached.

    ``field`` names the bad part of the request (``parameters.n_estimators``,
    ``notebook.path``) when the bridge said which; ``status`` is the HTTP
    status, or None when the bridge was not reached at all.
    """

    def __init__(self, message: str, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message if field is None else f"{message} (field {field})")
        self.message = message
        self.field = field
        self.status = status


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def _endpoint() -> tuple[str, str]:
    url, token = os.environ.get(URL_ENV), os.environ.get(TOKEN_ENV)
    if url and not token and os.environ.get(NO_TOKEN_ENV):
        # A server connected to an existing bridge without sharing a kernel token.
        raise BridgeError(
            f"{TOKEN_ENV} is not set: this Jupyter server uses an existing bridge and gives kernels no "
            "credential for it (the operator did not set KubeflowExtension.bridge_kernel_token_file); "
            "use the Kubeflow panel, or ask for a kernel token to be shared with the bridge")
    if not url or not token:
        missing = " and ".join(n for n, v in ((URL_ENV, url), (TOKEN_ENV, token)) if not v)
        raise BridgeError(
            f"{missing} {'is' if ' and ' not in missing else 'are'} not set: jupyterlab_kubeflow.client works in a kernel started by a Jupyter "
            "server with the jupyterlab_kubeflow extension (restart the kernel if the server "
            "was restarted; from a terminal or CI use `kubeflow-bridge run NOTEBOOK`)")
    return url.rstrip("/"), token


# The bridge listens on loopback: never through an HTTP(S)_PROXY.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _request(method: str, path: str, body: Any = None) -> Any:
    url, token = _endpoint()
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url + path, data=data, method=method, headers=headers)
    try:
        with _opener.open(request, timeout=60) as response:
            text = response.read().decode("utf-8")
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        raise _refusal(err) from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise BridgeError(f"cannot reach the kubeflow bridge at {url}: {reason}") from None
    return json.loads(text) if kind.startswith("application/json") else text


def _refusal(err: urllib.error.HTTPError) -> BridgeError:
    text = err.read().decode("utf-8", "replace")
    try:
        error = json.loads(text)["error"]
        return BridgeError(error["message"], error.get("field"), err.code)
    except (ValueError, KeyError, TypeError):
        if err.code == 401:
            return BridgeError("the bridge refused this kernel's credential (restart the kernel "
                               "if the Jupyter server was restarted)", status=401)
        return BridgeError(f"the bridge answered {err.code}: {text[:200] or err.reason}", status=err.code)
