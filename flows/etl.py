"""The `frontline-etl` flow: scan -> plan -> ingest -> extract (in batches) -> load -> report.

Tasks are thin wrappers around `pipeline`; the flow only decides the order.
Only I/O tasks retry, and only on OS-level errors: bad input is never retried,
it becomes a reject row.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from pipeline import dedup, incremental, ingest, progress
from pipeline.errors import FrontlineError
from pipeline.extract import extract_mentions
from pipeline.load import ALL_ROWS, PERMANENT_ERRNOS, CommitResult, Warehouse
from pipeline.records import Article, Event, FileState, Mention, Reject, Run, from_arrow, to_arrow
from pipeline.report import run_markdown, top_events
from pipeline.settings import DEFAULT_INPUT, DEFAULT_WAREHOUSE

DEFAULT_BATCH_SIZE = 200
DEFAULT_LOCK_TIMEOUT = 60.0


def _transient(task, task_run, state) -> bool:
    """Retry OS-level I/O errors only; frontline's own errors are deterministic."""
    try:
        state.result()
    except FrontlineError:
        return False
    except (OSError, TimeoutError) as exc:
        return getattr(exc, "errno", None) not in PERMANENT_ERRNOS
    except BaseException:
        return False
    return False


io_task = task(
    retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5,
    retry_condition_fn=_transient, cache_policy=NO_CACHE,
)
cpu_task = task(cache_policy=NO_CACHE)


@io_task
def scan_input(input_dir: str) -> list[incremental.ScannedFile]:
    root = Path(input_dir)
    return incremental.scan(ingest.discover_files(root), root)


@io_task
def read_state(warehouse: str) -> tuple[dict[str, FileState], dict[str, str | None]]:
    """What earlier runs left: each input file's recorded version, and each stored article's outlet."""
    wh = Warehouse(warehouse)
    files = {f.source_path: f for f in from_arrow(wh.read_table("files"), FileState)}
    articles = wh.read_table("articles", ["article_id", "outlet"]).to_pylist()
    return files, {a["article_id"]: a["outlet"] for a in articles}


@cpu_task
def ingest_batch(paths: list[str], input_dir: str, run_id: str, now: datetime, max_bytes: int) -> tuple[pa.Table, pa.Table]:
    result = ingest.read_files([Path(p) for p in paths], Path(input_dir), run_id=run_id, now=now, max_bytes=max_bytes)
    return to_arrow(result.articles, Article), to_arrow(result.rejects, Reject)


@cpu_task
def extract_batch(articles: pa.Table, run_id: str) -> pa.Table:
    return to_arrow(extract_mentions(from_arrow(articles, Article), run_id=run_id), Mention)


@io_task
def load_tables(warehouse: str, tables: dict[str, pa.Table], replace: dict,
                then: Callable[[CommitResult], dict[str, pa.Table]] | None = None) -> CommitResult:
    return Warehouse(warehouse).commit(tables, replace=replace, then=then)


@io_task
def read_stored_mentions(warehouse: str, excluding_articles: list[str]) -> list[Mention]:
    """Stored mentions, minus those about to be replaced, for clustering."""
    gone = set(excluding_articles)
    return [m for m in from_arrow(Warehouse(warehouse).read_table("event_mentions"), Mention)
            if m.article_id not in gone]


@cpu_task
def cluster_events(stored: list[Mention], new: list[Mention], outlets: dict[str, str | None]
                   ) -> tuple[list[Mention], list[Mention], list[Event]]:
    """Cluster every current mention into events: (new mentions with ids, stored ones whose id changed, events)."""
    with_ids, events = dedup.assign_events(stored + new, outlets)
    changed = [m for m, before in zip(with_ids[:len(stored)], stored) if m.event_id != before.event_id]
    return with_ids[len(stored):], changed, events


@cpu_task
def publish_report(run: Run, top: list[Mention]) -> str:
    markdown = run_markdown(run, top)
    create_markdown_artifact(markdown, key="frontline-run-summary", description=f"frontline run {run.run_id}")
    return markdown


def check_locations(input_dir: str, warehouse: str) -> None:
    """Fail before any work when the input cannot be read or the warehouse cannot be written."""
    src = Path(input_dir)
    if not src.is_dir():
        raise FrontlineError(f"input directory {input_dir!r} does not exist or is not a directory")
    if not os.access(src, os.R_OK | os.X_OK):
        raise FrontlineError(f"input directory {input_dir!r} is not readable")
    wh = Path(warehouse)
    try:
        wh.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=wh, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise FrontlineError(f"warehouse {warehouse!r} is not writable: {exc.strerror or exc}") from None


def task_runner(workers: int = 1, address: str | None = None):
    """The flow's task runner: threads in this process, or Dask (a local cluster of ``workers``
    processes, or an existing cluster at ``address``) so extraction batches run in parallel."""
    if address is None and workers <= 1:
        return None
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def _fresh_only(articles: pa.Table, known: set[str], full: bool) -> pa.Table:
    """Articles that need extracting: not stored yet (or all, on a full run); first copy only."""
    ids = articles["article_id"].to_pylist()
    seen = set() if full else set(known)
    keep = [not (i in seen or seen.add(i)) for i in ids]
    return articles.filter(pa.array(keep, type=pa.bool_()))


# One batch at a time in this process: spaCy holds the GIL, so threads add memory, not speed.
# Parallel runs use Dask worker processes instead (`task_runner`).
@flow(name="frontline-etl", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=1))
def etl(
    input_dir: str = DEFAULT_INPUT,
    warehouse: str = DEFAULT_WAREHOUSE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
    full: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> dict:
    """Load the events of every new or changed article under input_dir into the warehouse."""
    if batch_size < 1 or max_bytes < 1:
        raise FrontlineError("batch_size and max_bytes must be at least 1")
    check_locations(input_dir, warehouse)
    wh = Warehouse(warehouse)
    with wh.run_lock(lock_timeout):
        run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        started = datetime.now(timezone.utc)
        try:
            return _run(input_dir, warehouse, batch_size, max_bytes, full, run_id, started)
        except Exception as exc:
            _record_failure(wh, input_dir, full, run_id, started, exc)
            raise


def _run(input_dir: str, warehouse: str, batch_size: int, max_bytes: int, full: bool, run_id: str,
         started: datetime) -> dict:
    logger = get_run_logger()
    scanned = scan_input(input_dir)
    known_files, outlets = read_state(warehouse)
    known_articles = set(outlets)
    plan = incremental.plan(scanned, known_files, full=full)
    todo = plan.to_process
    logger.info("%d files: %d new, %d changed, %d unchanged%s", len(scanned), len(plan.new), len(plan.changed),
                len(plan.unchanged), " (reprocessing all: --full)" if full else " (skipped)")

    articles, rejects, mentions = [], [], []
    read = 0
    progress.report(0, len(todo))
    for start in range(0, len(todo), batch_size):
        batch = [f.path for f in todo[start:start + batch_size]]
        batch_articles, batch_rejects = ingest_batch(batch, input_dir, run_id, started, max_bytes)
        read += batch_articles.num_rows
        for row in batch_rejects.to_pylist():
            where = f" record {row['source_record']}" if row["source_record"] is not None else ""
            logger.warning("rejected %s%s: %s (%s)", row["source_path"], where, row["reason"], row["detail"])
        fresh = _fresh_only(batch_articles, known_articles, full)
        known_articles |= set(fresh["article_id"].to_pylist())
        articles.append(batch_articles)
        rejects.append(batch_rejects)
        # Submitted, not called: with a Dask task runner the batches run on the cluster's workers at once.
        mentions.append(extract_batch.submit(fresh, run_id))
        progress.report(min(start + batch_size, len(todo)), len(todo))

    all_articles = from_arrow(pa.concat_tables(articles), Article) if articles else []
    all_rejects = from_arrow(pa.concat_tables(rejects), Reject) if rejects else []
    extracted = [future.result() for future in mentions]
    all_mentions = from_arrow(pa.concat_tables(extracted), Mention) if extracted else []
    stored = {a.article_id for a in all_articles}
    stale = incremental.stale_article_ids(plan, known_files, stored)
    replaced_ids = sorted(stale | (stored if full else set()))
    reprocessed_paths = [f.source_path for f in todo]
    changed_mentions: list[Mention] = []
    events: list[Event] | None = None
    if all_mentions or replaced_ids:
        kept = read_stored_mentions(warehouse, replaced_ids)
        outlets.update({a.article_id: a.outlet for a in all_articles})
        all_mentions, changed_mentions, events = cluster_events(kept, all_mentions, outlets)
    tables = {
        "articles": to_arrow(all_articles, Article),
        "event_mentions": to_arrow(all_mentions + changed_mentions, Mention),
        "rejects": to_arrow(all_rejects, Reject),
        "files": to_arrow(
            incremental.file_states(todo, all_articles, all_rejects, run_id=run_id, now=started), FileState),
    }
    replace = {
        "articles": ("article_id", replaced_ids),
        "event_mentions": [("article_id", replaced_ids), ("mention_id", [m.mention_id for m in changed_mentions])],
        "rejects": ("source_path", reprocessed_paths),
        "files": ("source_path", reprocessed_paths),
    }
    if events is not None:  # derived: rebuilt whole whenever mentions changed
        tables["events"] = to_arrow(events, Event)
        replace["events"] = ALL_ROWS
    reasons: dict[str, int] = {}
    for r in all_rejects:
        reasons[r.reason] = reasons.get(r.reason, 0) + 1
    published: list[Run] = []

    def run_row(result: CommitResult) -> dict[str, pa.Table]:
        """The run's own row, counted from what the commit did, published in the same commit."""
        run = Run(
            run_id=run_id, started_at=started, finished_at=datetime.now(timezone.utc), status="completed",
            input_dir=str(Path(input_dir).absolute()), full=full, files_seen=len(scanned),
            files_new=len(plan.new), files_changed=len(plan.changed), files_unchanged=len(plan.unchanged),
            articles_read=read, articles_new=result.added.get("articles", 0),
            articles_removed=len(stale), rejects=len(all_rejects),
            rejects_by_reason=json.dumps(reasons, sort_keys=True),
            mentions_new=len(all_mentions),
            mentions_removed=result.removed.get("event_mentions", 0) - len(changed_mentions),
            events=result.added.get("events", 0) if events is not None else None,
            message=None if todo else "nothing to do: every input file is unchanged since it was last processed",
        )
        published.append(run)
        return {"runs": to_arrow([run], Run)}

    result = load_tables(warehouse, tables, replace, run_row)
    run = published[0]
    publish_report(run, top_events(all_mentions))
    logger.info(
        "run %s: %d files seen (%d new, %d changed, %d unchanged), %d articles read, %d new, %d replaced, "
        "%d rejects %s, %d new event mentions, %d removed",
        run_id, run.files_seen, run.files_new, run.files_changed, run.files_unchanged, read, run.articles_new,
        run.articles_removed, run.rejects, reasons or "", run.mentions_new, run.mentions_removed,
    )
    if run.message:
        logger.info(run.message)
    summary = {k: v for k, v in run.__dict__.items() if not isinstance(v, datetime)}
    return summary | {"rejects_by_reason": reasons, "added": result.added, "removed": result.removed}


def _record_failure(wh: Warehouse, input_dir: str, full: bool, run_id: str, started: datetime, exc: Exception) -> None:
    """Best effort: a failed run leaves a row saying why; the data tables are untouched."""
    run = Run(run_id=run_id, started_at=started, finished_at=datetime.now(timezone.utc), status="failed",
              input_dir=str(Path(input_dir).absolute()), full=full, files_seen=0, files_new=0, files_changed=0,
              files_unchanged=0, articles_read=0, articles_new=0, articles_removed=0, rejects=0,
              rejects_by_reason="{}", mentions_new=0, mentions_removed=0, events=None,
              message=f"{type(exc).__name__}: {exc}"[:2000])
    try:
        wh.commit({"runs": to_arrow([run], Run)})
    except Exception:  # the original error matters more
        pass
