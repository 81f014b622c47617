"""The `runs` ledger: run ids, and a run that finds nothing to do, recorded without the flow.

A run over unchanged input reads no article and loads no model; starting Prefect's API for it cost
most of its time (BENCHMARKS.md). `frontline run` first asks ``record_idle_run``: when every input
file is unchanged it records the run's row here, exactly as the flow would, and the flow never
starts; otherwise it records nothing and the flow runs (and plans again, under its own lock).
"""

from __future__ import annotations

import signal
import uuid
from datetime import datetime, timezone
from pipeline.ingest.plan import chunks, plan, stored_states
from pipeline.warehousing.store import Warehouse
from pipeline.records import Run, to_arrow
from pipeline.sources import open_source

DEFAULT_CHUNK_FILES = 10_000  # input files listed, hashed and planned at a time
COMPACT_AFTER_FILES = 8  # small files in one partition before a run merges them
NOTHING_TO_DO = "nothing to do: every input file is unchanged since it was last processed"


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def input_where(input_dir: str) -> str:
    """How a run records its input: the s3:// URI, or the folder's absolute path."""
    return open_source(input_dir).where


def unchanged_count(input_dir: str, wh: Warehouse, chunk_files: int = DEFAULT_CHUNK_FILES) -> int | None:
    """How many input files there are when every one is unchanged since it was last processed;
    None as soon as one chunk holds a new or changed file (the rest is not hashed)."""
    source = open_source(input_dir)
    _, names = source.listing()
    seen = 0
    for chunk, _ in chunks(names, chunk_files):
        scanned = source.scan(chunk)
        known = stored_states(wh, source.root, [f.source_path for f in scanned])
        if plan(scanned, known).to_process:
            return None
        seen += len(scanned)
    return seen


def idle_run(run_id: str, started: datetime, input_dir: str, files: int) -> Run:
    """The row of a completed run that found ``files`` input files, all unchanged."""
    return Run(run_id=run_id, started_at=started, finished_at=datetime.now(timezone.utc), status="completed",
               input_dir=input_where(input_dir), full=False, files_seen=files, files_new=0, files_changed=0,
               files_unchanged=files, articles_read=0, articles_new=0, articles_removed=0, rejects=0,
               rejects_by_reason="{}", mentions_new=0, mentions_removed=0, events=None, message=NOTHING_TO_DO)


def stopped_run(run_id: str, started: datetime, input_dir: str, signum: int) -> Run:
    name = "Ctrl-C (SIGINT)" if signum == signal.SIGINT else signal.Signals(signum).name
    return Run(run_id=run_id, started_at=started, finished_at=datetime.now(timezone.utc), status="interrupted",
               input_dir=input_where(input_dir), full=False, files_seen=0, files_new=0, files_changed=0,
               files_unchanged=0, articles_read=0, articles_new=0, articles_removed=0, rejects=0,
               rejects_by_reason="{}", mentions_new=0, mentions_removed=0, events=None,
               message=f"stopped by {name}")


def record_idle_run(input_dir: str, warehouse: str, *, lock_timeout: float,
                    chunk_files: int = DEFAULT_CHUNK_FILES) -> dict | None:
    """The summary of a run that found nothing to do, its `runs` row committed; None, with nothing
    written, when some input file is new or changed. Under the warehouse's run lock, like a run:
    stored rows are upgraded first, and small files compacted after, as the flow does."""
    from pipeline.lifetime import Stopped

    wh = Warehouse(warehouse)
    with wh.run_lock(lock_timeout):
        started = datetime.now(timezone.utc)
        run_id = new_run_id(started)
        try:
            wh.upgrade()
            files = unchanged_count(input_dir, wh, chunk_files)
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: a stopped run says so in `runs`
            signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
            wh.commit({"runs": to_arrow([stopped_run(run_id, started, input_dir, signum)], Run)})
            raise
        if files is None:
            return None
        run = idle_run(run_id, started, input_dir, files)
        result = wh.commit({"runs": to_arrow([run], Run)})
        wh.compact(min_small_files=COMPACT_AFTER_FILES)
    summary = {k: v for k, v in run.__dict__.items() if not isinstance(v, datetime)}
    added = {"articles": 0, "event_mentions": 0, "rejects": 0, "files": 0, "runs": result.added.get("runs", 0)}
    return summary | {"rejects_by_reason": {}, "added": added, "removed": {}}
