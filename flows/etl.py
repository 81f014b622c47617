"""The `frontline-etl` flow: per chunk of input files, plan -> ingest -> extract -> cluster -> load; then report.

Tasks (`flows.tasks`) are thin wrappers around `pipeline`; the steps (`flows.loading`) call them in
order; the flow only says what a run is.
"""

from __future__ import annotations

from datetime import datetime, timezone

from prefect import flow, get_run_logger
from prefect.task_runners import ThreadPoolTaskRunner

from flows.loading import Loading, record_failure
from flows.tasks import publish_report, upgrade_warehouse
from pipeline import lifetime, progress
from pipeline.errors import FrontlineError
from pipeline.ingest.plan import chunks
from pipeline.warehousing.store import Warehouse
from pipeline.locations import check_locations
from pipeline.run import RunLedger, Sizes
from pipeline.runs import DEFAULT_CHUNK_FILES, new_run_id
from pipeline.settings import (DEFAULT_BATCH_SIZE, DEFAULT_COMMIT_EVERY, DEFAULT_IN_FLIGHT, DEFAULT_INPUT,
                               DEFAULT_MAX_BYTES, DEFAULT_WAREHOUSE, RUN_LOCK_TIMEOUT)
from pipeline.sources import open_source


# One batch runs at a time in this process (spaCy holds the GIL, so more threads add memory, not
# speed), while the flow ingests and commits around it. Parallel runs use Dask worker processes.
@flow(name="frontline-etl", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=1))
def etl(input_dir: str = DEFAULT_INPUT, warehouse: str = DEFAULT_WAREHOUSE, batch_size: int = DEFAULT_BATCH_SIZE,
        max_bytes: int = DEFAULT_MAX_BYTES, full: bool = False, lock_timeout: float = RUN_LOCK_TIMEOUT,
        commit_every: int = DEFAULT_COMMIT_EVERY, in_flight: int = DEFAULT_IN_FLIGHT,
        chunk_files: int = DEFAULT_CHUNK_FILES, only: list[str] | None = None, compact: bool = True) -> dict:
    """Load the events of every new or changed article under input_dir (a folder or s3:// prefix)
    into the warehouse (likewise), in atomic commits of about ``commit_every`` articles.
    ``only``: look at these files (paths relative to input_dir) instead of listing the input, as the
    watching service does with the files it was told about; ``compact=False`` leaves merging small
    files to the caller (the service does it in the background)."""
    if min(batch_size, max_bytes, commit_every, in_flight, chunk_files) < 1:
        raise FrontlineError("batch_size, max_bytes, commit_every, in_flight and chunk_files must be at least 1")
    check_locations(input_dir, warehouse)
    source, wh = open_source(input_dir, max_bytes=max_bytes), Warehouse(warehouse)
    with wh.run_lock(lock_timeout):
        started = datetime.now(timezone.utc)
        ledger = RunLedger(new_run_id(started), started, source.where, full)
        try:
            with lifetime.stop_signals():
                sizes = Sizes(batch_size, max_bytes, commit_every, in_flight, chunk_files)
                return _load(source, warehouse, ledger, sizes, only, compact)
        except BaseException as exc:  # Ctrl-C and SIGTERM too: a stopped run says so in `runs`
            stop = lifetime.stop_requested()
            record_failure(wh, ledger, exc, stop)
            if stop is not None and not isinstance(exc, KeyboardInterrupt):
                raise lifetime.Stopped(stop) from exc  # e.g. DuckDB's "Query interrupted"
            raise


def _load(source, warehouse: str, ledger: RunLedger, sizes: Sizes, only: list[str] | None, compact: bool) -> dict:
    """Upgrade, then for each chunk of the input: plan it, ingest and extract its batches; commit; report."""
    logger = get_run_logger()
    if upgrade_warehouse(warehouse):
        logger.info("the warehouse's stored rows were brought up to the current table declarations")
    n_input, names = (len(only), sorted(only)) if only is not None else source.listing()
    loading = Loading(warehouse, source, ledger, sizes, full=ledger.full, compact=compact, logger=logger)
    examined = 0  # files unchanged or submitted, for progress
    progress.report(0, n_input)
    for chunk, last_chunk in chunks(names, sizes.chunk_files):
        todo, known, skipped = loading.plan_chunk(chunk, last_chunk)
        examined += skipped
        progress.report(examined, n_input)
        for batch in loading.batches(todo, last_chunk):
            loading.ingest(batch, known, ledger.run_id, ledger.started)
            examined += len(batch)
            progress.report(examined, n_input)
    summary = ledger.summary(loading.finish())
    run = ledger.completed[0]
    publish_report(run, loading.top)
    logger.info("run %s: %d files seen (%d new, %d changed, %d unchanged), %d articles read, %d new, %d replaced, "
                "%d rejects %s, %d new event mentions, %d removed", run.run_id, run.files_seen, run.files_new,
                run.files_changed, run.files_unchanged, run.articles_read, run.articles_new, run.articles_removed,
                run.rejects, summary["rejects_by_reason"] or "", run.mentions_new, run.mentions_removed)
    if run.message:
        logger.info(run.message)
    return summary
