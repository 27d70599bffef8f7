"""Tuning: the Optuna side of local studies (``optuna_driver``), run by the bridge."""
