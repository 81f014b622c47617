"""Where frontline keeps its state, and the Prefect settings that must be in place before import."""

from __future__ import annotations

import ctypes
import os
import sys
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


M_ARENA_MAX = -8  # glibc's mallopt parameter number
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Cap glibc's malloc arenas (by default up to eight per core, one per busy thread).

    Extraction runs in its own thread beside the flow's and DuckDB's; memory freed in one arena
    is not reused by the others, so a long run's peak crept up batch after batch (BENCHMARKS.md).
    Linux/glibc only; a MALLOC_ARENA_MAX set by the user is left to glibc."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        pass
