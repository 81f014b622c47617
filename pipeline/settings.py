"""Where frontline keeps its state, and the process settings that must be in place before Prefect is imported.

Nothing here acts on import: the process entry points (the CLI's commands that start flows, the Dask
worker set-up) call ``prepare_process``.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

DEFAULT_INPUT = "seeds"
DEFAULT_WAREHOUSE = "warehouse"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # input files larger than this are rejected unread
DEFAULT_BATCH_SIZE = 200  # input files ingested, and submitted for extraction, at a time
DEFAULT_COMMIT_EVERY = 2000  # articles per commit: a run holds one commit's batches, not its input
DEFAULT_IN_FLIGHT = 4  # batches submitted ahead of the one being collected


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


def prepare_process() -> None:
    """What a process that runs flows sets first: the allocators tuned, and Prefect kept offline and
    inside the project. Call it before `prefect` is imported."""
    tune_allocators()
    configure_prefect()


M_ARENA_MAX = -8  # glibc's mallopt parameter number
MALLOC_ARENAS = 2


def tune_allocators(arenas: int = MALLOC_ARENAS) -> None:
    """Keep a long run's memory from creeping up with the amount of news it reads (BENCHMARKS.md).

    glibc's malloc arenas are capped (by default up to eight per core, one per busy thread):
    extraction runs in its own thread beside the flow's and DuckDB's, and memory freed in one
    arena is not reused by the others. Arrow allocates through glibc too instead of its bundled
    mimalloc, which held on to what each commit's tables had used: over 100,000 articles the flow's
    peak was 90 MB higher with it. Linux/glibc only; MALLOC_ARENA_MAX or ARROW_DEFAULT_MEMORY_POOL
    set by the user are left alone."""
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        pass

# How long a writer waits for another's lock before it stops with a clear message, in seconds.
WRITE_LOCK_TIMEOUT = 600.0  # a commit, compaction, upgrade or repair waiting for another one's commit
RUN_LOCK_TIMEOUT = 60.0  # a run (`frontline run`, the flow) waiting for another run on the warehouse to end
