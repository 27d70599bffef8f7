"""jupyterlab-kubeflow: from notebook cells to production on Kubeflow."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # a source tree that was never built
    __version__ = "0.0.0-dev"

__all__ = ["__version__", "client"]


def __getattr__(name: str) -> object:
    # `client` (notebook code's way to the bridge) loads on first use only,
    # so loading the server extension imports nothing more.
    if name == "client":
        import importlib

        return importlib.import_module(".client", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-kubeflow"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .extension import KubeflowExtension

    return [{"module": "jupyterlab_kubeflow", "app": KubeflowExtension}]
