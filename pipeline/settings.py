"""Where frontline keeps its state, and the Prefect settings that must be in place before import."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_INPUT = "seeds"
DEFAULT_WAREHOUSE = "warehouse"


def state_dir() -> Path:
    """Project-local state (Prefect's database and logs): $FRONTLINE_STATE_DIR or ./.frontline."""
    return Path(os.environ.get("FRONTLINE_STATE_DIR", ".frontline")).absolute()


def configure_prefect() -> None:
    """Keep Prefect offline and inside the project: its home under the state dir, no analytics.

    Must run before `prefect` is imported; values the user set already are kept.
    """
    os.environ.setdefault("PREFECT_HOME", str(state_dir() / "prefect"))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
