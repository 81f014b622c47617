"""The flow `frontline serve` deploys on a schedule, and what it reads from the environment of the
process that serves it."""

from __future__ import annotations

import os

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows.etl import etl
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


@flow(name="frontline-scheduled", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=1))
def scheduled_etl() -> dict:
    """The flow `frontline serve` deploys. It takes no parameters: the Prefect API has no
    authentication, and a deployment's parameters can be replaced by anyone who reaches it when
    they ask for a run, so what is read and where it is written come from the serving process's
    environment, which an API caller cannot set."""
    input_dir, warehouse, batch_size = served_settings(dict(os.environ))
    return etl.fn(input_dir=input_dir, warehouse=warehouse, batch_size=batch_size)
