"""KServe's Python model server for one model output of a pipeline run.

The bridge (server-bridge/src/serving/pool.ts) starts this script by path,
with the Python that ran the step that saved the model, so the model loads
with the same scikit-learn/XGBoost it was pickled with. That Python needs
only ``kserve`` (``pip install 'jupyterlab-kubeflow[serve]'`` or ``pip
install kserve``), not this package::

    python model_server.py --model_dir ARTIFACT_DIR --model_name iris --http_port 8080

The server is KServe's own (``kserve.Model`` + ``kserve.ModelServer``),
so it speaks what an InferenceService speaks: V1
(``POST /v1/models/{name}:predict``) and V2, the Open Inference Protocol
(``POST /v2/models/{name}/infer``, ``/v2/health/live``,
``/v2/models/{name}/ready``). PyPI has no separate ``sklearnserver``
package (it lives only in KServe's images), hence this small file.

The artifact directory is the step program's layout: ``kubeflow.json``
``{name, type, format, file}`` beside the file (``model.joblib`` for
scikit-learn and XGBoost models saved with joblib; ``pickle`` and
``cloudpickle`` load too).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys

try:
    import kserve
    from kserve import model_server as _kserve_server
    from kserve.utils.utils import get_predict_input, get_predict_response
except ImportError as err:  # the bridge shows this line as the reason
    sys.stderr.write(
        f"kserve is not installed for {sys.executable} ({err}): "
        "pip install 'jupyterlab-kubeflow[serve]' (or pip install kserve) in the "
        "environment that ran the pipeline\n")
    sys.exit(78)  # EX_CONFIG: the bridge does not restart a server that cannot start

LOOPBACK = "127.0.0.1"
EXIT_BAD_MODEL = 65  # EX_DATAERR: the artifact cannot be loaded; no restart either


def load_artifact(model_dir: str):
    """The value the step saved in ``model_dir`` (kubeflow.json says how)."""
    meta_path = os.path.join(model_dir, "kubeflow.json")
    with open(meta_path) as f:
        meta = json.load(f)
    path = os.path.join(model_dir, meta["file"])
    fmt = meta.get("format")
    if fmt == "joblib":
        import joblib
        return joblib.load(path)
    if fmt in ("pickle", "cloudpickle"):
        with open(path, "rb") as f:
            return pickle.load(f)
    raise ValueError(f"{meta_path}: format {fmt!r} is not a model this server loads "
                     "(joblib, pickle or cloudpickle)")


class ArtifactModel(kserve.Model):
    """A model with ``predict`` (scikit-learn, XGBoost's scikit-learn API)."""

    def __init__(self, name: str, model_dir: str) -> None:
        super().__init__(name)
        self.model_dir = model_dir
        self._model = None

    def load(self) -> bool:
        self._model = load_artifact(self.model_dir)
        if not callable(getattr(self._model, "predict", None)):
            raise ValueError(f"the output in {self.model_dir} has no predict() "
                             f"(it is a {type(self._model).__name__})")
        self.ready = True
        return self.ready

    def predict(self, payload, headers=None, response_headers=None):
        # The same two helpers KServe's sklearnserver uses: V1 dicts and V2
        # InferRequests in, the matching response out.
        instances = get_predict_input(payload)
        try:
            result = self._model.predict(instances)
        except (ValueError, TypeError) as err:  # the instances do not fit the model: KServe's 400
            raise kserve.errors.InvalidInput(str(err)) from err
        return get_predict_response(payload, result, self.name)


class _LoopbackRESTServer(_kserve_server.RESTServer):
    """KServe's REST server binds 0.0.0.0 with no option to change it; this
    server must be reachable only from this machine (through the bridge)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.config.host = LOOPBACK


def _exit_when_stdin_closes() -> None:
    """The bridge holds our stdin open; when it dies, even by SIGKILL, the
    pipe closes and we stop too, so no model server outlives its bridge."""
    import signal
    import threading

    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-stdin", daemon=True).start()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model_dir", required=True)
    parser.add_argument("--model_name", required=True)
    parser.add_argument("--http_port", type=int, required=True)
    parser.add_argument("--watch_stdin", action="store_true",
                        help="exit when stdin closes (the bridge that started us is gone)")
    args = parser.parse_args(argv)
    if args.watch_stdin:
        _exit_when_stdin_closes()
    model = ArtifactModel(args.model_name, args.model_dir)
    try:
        model.load()
    except Exception as err:
        sys.stderr.write(f"cannot load the model in {args.model_dir}: {err}\n")
        return EXIT_BAD_MODEL
    _kserve_server.RESTServer = _LoopbackRESTServer
    server = kserve.ModelServer(http_port=args.http_port, enable_grpc=False, workers=1,
                                enable_docs_url=False)
    server.start([model])
    return 0


if __name__ == "__main__":
    # kserve parses sys.argv at import for its own flags; ours are separate.
    sys.exit(main())
