"""Serving a run's model output locally (see model_server.py)."""
