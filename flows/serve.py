"""What the flow served on a schedule reads from the environment of the process that serves it."""

from __future__ import annotations

from pipeline.errors import FrontlineError
from pipeline.settings import DEFAULT_BATCH_SIZE

SERVED_INPUT, SERVED_WAREHOUSE, SERVED_BATCH_SIZE = "FRONTLINE_INPUT", "FRONTLINE_WAREHOUSE", "FRONTLINE_BATCH_SIZE"


def served_settings(env: dict[str, str]) -> tuple[str, str, int]:
    """(input, warehouse, batch size) of the served flow, from the environment of the process that
    serves it; FrontlineError when they are missing."""
    try:
        input_dir, warehouse = env[SERVED_INPUT], env[SERVED_WAREHOUSE]
        batch_size = int(env.get(SERVED_BATCH_SIZE, DEFAULT_BATCH_SIZE))
    except (KeyError, ValueError):
        raise FrontlineError(f"the served flow reads {SERVED_INPUT}, {SERVED_WAREHOUSE} (and {SERVED_BATCH_SIZE}) "
                             "from the environment of the process that serves it; `frontline serve` sets them") from None
    return input_dir, warehouse, batch_size
