"""The `frontline-etl` flow: per chunk of input files, scan -> plan -> ingest -> extract -> load; then report.

Tasks are thin wrappers around `pipeline`; the flow only decides the order.
Only I/O tasks retry, and only on OS-level errors: bad input is never retried,
it becomes a reject row.
"""

from __future__ import annotations

import copy
import json
import os
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Generic, TypeVar

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import ExternalSignal, TerminationSignal
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from pipeline import incremental, ingest, progress
from pipeline.events import assign, neighbours
from pipeline.events.keys import key_of
from pipeline.errors import FrontlineError
from pipeline.extract import extract_mentions
from pipeline.extract_bounded import extract_mentions_bounded
from pipeline import lifetime
from pipeline.lifetime import Stopped
from pipeline.warehouse.store import PERMANENT_ERRNOS, CommitResult, Warehouse
from pipeline.locations import check_locations  # also imported from here by `frontline serve`
from pipeline.records import Article, Event, FileState, Mention, Reject, Run, from_arrow, to_arrow
from pipeline.runs import COMPACT_AFTER_FILES, DEFAULT_CHUNK_FILES, NOTHING_TO_DO, input_where, new_run_id
from pipeline.report import run_markdown, top_events
from pipeline.settings import DEFAULT_INPUT, DEFAULT_WAREHOUSE

DEFAULT_BATCH_SIZE = 200
DEFAULT_COMMIT_EVERY = 2000  # articles per commit: a run holds one commit's batches, not its input
DEFAULT_IN_FLIGHT = 4  # batches submitted ahead of the one being collected
ARTICLES_PER_TASK = 500  # a file of many records is extracted (and committed) in parts of at most this many
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
T = TypeVar("T")


@dataclass
class Whole(Generic[T]):
    """A big task result passed as one object. Prefect records each item of a returned list or
    dict to trace task inputs, and keeps those records for the whole run: 27 MB per 100,000 files."""

    value: T


@io_task
def scan_input(input_dir: str, names: list[str] | None = None) -> Whole[list[incremental.ScannedFile]]:
    return Whole(incremental.scan_input(input_dir, names))


@io_task
def read_state(warehouse: str, root: str, paths: list[str]) -> Whole[dict[str, FileState]]:
    """These input files' versions as recorded by earlier runs."""
    return Whole(incremental.stored_states(Warehouse(warehouse), root, paths))


@io_task
def upgrade_warehouse(warehouse: str) -> bool:
    """Stored rows brought up to the current table declarations before the run plans against them."""
    return Warehouse(warehouse).upgrade()


@io_task
def read_listed_elsewhere(warehouse: str, ids: set[str], file_ids: list[str]) -> set[str]:
    return incremental.listed_elsewhere(Warehouse(warehouse), ids, file_ids)


@io_task
def ingest_batch(paths: list[str], input_dir: str, run_id: str, now: datetime, max_bytes: int, warehouse: str,
                 check_stored: bool) -> tuple[pa.Table, pa.Table, pa.Table, set[str]]:
    """A batch's articles, rejects and files rows (with the hash of the bytes each file was read
    as), and which of the articles the warehouse already holds.
    One task, not two: each task run costs the flow's process CPU that parallel workers need."""
    result = ingest.read_input(paths, input_dir, run_id=run_id, now=now, max_bytes=max_bytes)
    ids = [a.article_id for a in result.articles]
    files = incremental.file_states(result.files, ((a.source_path, a.article_id) for a in result.articles),
                                    (r.source_path for r in result.rejects), root=ingest.input_root(input_dir),
                                    run_id=run_id, now=now)
    stored = Warehouse(warehouse).existing("articles", "article_id", ids) if check_stored else set()
    return to_arrow(result.articles, Article), to_arrow(result.rejects, Reject), to_arrow(files, FileState), stored


@cpu_task
def extract_batch(articles: pa.Table, run_id: str) -> pa.Table:
    """The mentions of a batch's new articles, extracted in groups and pieces of bounded size."""
    return to_arrow(extract_mentions_bounded(from_arrow(articles, Article), run_id=run_id, extract=extract_mentions),
                    Mention)


@io_task
def load_tables(warehouse: str, tables: dict[str, pa.Table], replace: dict,
                then: Callable[[CommitResult], dict[str, pa.Table]] | None = None) -> CommitResult:
    return Warehouse(warehouse).commit(tables, replace=replace, then=then)


@io_task
def read_neighbourhood(warehouse: str, new: pa.Table, replaced_articles: list[str]) -> neighbours.Neighbourhood:
    return neighbours.neighbourhood(Warehouse(warehouse), new, replaced_articles)


@io_task
def read_stored_mentions(warehouse: str, mention_ids: list[str]) -> tuple[list[Mention], dict[str, str | None]]:
    return neighbours.stored_mentions(Warehouse(warehouse), mention_ids)


@dataclass
class Clustered:
    """A commit's mentions and events: new mentions with their ids, stored ones whose id changed,
    the events rebuilt, and the stored event ids they replace."""

    mentions: list[Mention]
    moved: list[Mention]
    events: list[Event]
    retired: list[str]


def cluster_events(warehouse: str, new: pa.Table, replaced: list[str], outlets: dict[str, str | None]) -> Clustered:
    """Cluster the new mentions with the stored events they could join; read whole rows only for
    the events whose membership changes.

    A plain function, not a task: Prefect walks a task's arguments to track its inputs, which for
    thousands of records costs ten times the clustering itself."""
    near = read_neighbourhood(warehouse, new, replaced)
    fresh = from_arrow(new, Mention)
    plan = assign.recluster(near.keys, near.event_of, near.shrunk, [key_of(m) for m in fresh])
    stored, stored_outlets = read_stored_mentions(warehouse, plan.reread)
    by_id, events = assign.mentions_and_events(plan, stored + fresh, stored_outlets | outlets)
    return Clustered([by_id[m.mention_id] for m in fresh], [by_id[m] for m in plan.moved], events,
                     sorted(plan.retired))


@io_task
def compact_small_files(warehouse: str) -> dict[str, tuple[int, int]]:
    """Each commit adds a file per table and month; merge a partition's once it has many small ones."""
    return Warehouse(warehouse).compact(min_small_files=COMPACT_AFTER_FILES)


@cpu_task
def publish_report(run: Run, top: list[Mention]) -> str:
    markdown = run_markdown(run, top)
    create_markdown_artifact(markdown, key="frontline-run-summary", description=f"frontline run {run.run_id}")
    return markdown


def task_runner(workers: int = 1, address: str | None = None):
    """The flow's task runner: threads in this process, or Dask (a local cluster of ``workers``
    processes, or an existing cluster at ``address``) so extraction batches run in parallel."""
    if address is None and workers <= 1:
        return None
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    _share_api_with_workers()
    _keep_default_malloc_in_workers()
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None, "preload": ["flows.worker_setup"]})


DASK_CONFIG_DIR = Path(__file__).parent / "dask"


def _keep_default_malloc_in_workers() -> None:
    """Apply ``flows/dask/`` (see there why) to the local cluster about to start; a cluster of your
    own reads it through DASK_CONFIG."""
    import dask

    for settings in dask.config.collect_yaml([str(DASK_CONFIG_DIR)]):
        dask.config.update(dask.config.config, settings, priority="new")


def _share_api_with_workers() -> None:
    """Point the local cluster's worker processes at this process's Prefect API. Without a server
    configured each worker would start its own temporary one (6-13 s each, both cores busy)."""
    from prefect.settings import PREFECT_API_URL

    if os.environ.get("PREFECT_API_URL"):
        return
    url = PREFECT_API_URL.value()
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # the one this process's own temporary API uses too
        server.start()
        url = server.api_url
    os.environ["PREFECT_API_URL"] = url  # inherited by the worker processes started next


@dataclass
class Unit:
    """Batches extracted but not yet committed: one commit's worth."""

    files: list[pa.Table] = field(default_factory=list)  # their files rows, as read
    before: dict[str, FileState] = field(default_factory=dict)  # stored states of those files
    articles: list[pa.Table] = field(default_factory=list)
    rejects: list[pa.Table] = field(default_factory=list)
    mentions: list[pa.Table] = field(default_factory=list)
    n_articles: int = 0


@dataclass
class Totals:
    """What the run did, summed over its commits, for its runs row."""

    read: int = 0
    articles_new: int = 0
    articles_removed: int = 0
    mentions_new: int = 0
    mentions_removed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    events: int | None = None

    def count(self, result: CommitResult, changed: int) -> None:
        self.articles_new += result.added.get("articles", 0)
        self.mentions_removed += result.removed.get("event_mentions", 0) - changed
        for mine, theirs in ((self.added, result.added), (self.removed, result.removed)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        if "events" in result.rows:
            self.events = result.rows["events"]


# One batch runs at a time in this process (spaCy holds the GIL, so more threads add memory, not
# speed), while the flow ingests and commits around it. Parallel runs use Dask worker processes.
@flow(name="frontline-etl", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=1))
def etl(
    input_dir: str = DEFAULT_INPUT,
    warehouse: str = DEFAULT_WAREHOUSE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
    full: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    commit_every: int = DEFAULT_COMMIT_EVERY,
    in_flight: int = DEFAULT_IN_FLIGHT,
    chunk_files: int = DEFAULT_CHUNK_FILES,
    only: list[str] | None = None,
    compact: bool = True,
) -> dict:
    """Load the events of every new or changed article under input_dir (a folder or s3:// prefix)
    into the warehouse (likewise), in atomic commits of about ``commit_every`` articles.
    ``only``: look at these files (paths relative to input_dir) instead of listing the input, as the
    watching service does with the files it was told about; ``compact=False`` leaves merging small
    files to the caller (the service does it in the background)."""
    if min(batch_size, max_bytes, commit_every, in_flight, chunk_files) < 1:
        raise FrontlineError("batch_size, max_bytes, commit_every, in_flight and chunk_files must be at least 1")
    check_locations(input_dir, warehouse)
    wh = Warehouse(warehouse)
    with wh.run_lock(lock_timeout):
        run_id = new_run_id(datetime.now(timezone.utc))
        started = datetime.now(timezone.utc)
        sizes = Sizes(batch_size, max_bytes, commit_every, in_flight, chunk_files)
        try:
            with lifetime.stop_signals():
                return _run(input_dir, warehouse, full, run_id, started, sizes, only, compact)
        except BaseException as exc:  # Ctrl-C and SIGTERM too: a stopped run says so in `runs`
            stop = lifetime.stop_requested()
            _record_failure(wh, input_dir, full, run_id, started, exc, stop)
            if stop is not None and not isinstance(exc, KeyboardInterrupt):
                raise lifetime.Stopped(stop) from exc  # e.g. DuckDB's "Query interrupted"
            raise


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


@dataclass(frozen=True)
class Sizes:
    """How much a run reads, extracts and commits at a time."""

    batch: int
    max_bytes: int
    commit_every: int
    in_flight: int
    chunk_files: int


def _tail_start(n_files: int, batch_size: int, in_flight: int) -> int:
    """Where the last ``in_flight`` batches' worth of files begins."""
    return max(0, n_files - batch_size * in_flight)


def _batches(todo: list, batch_size: int, in_flight: int) -> Iterator[list]:
    """Batches of ``batch_size`` files, the last ``in_flight`` batches' worth cut four times finer:
    parallel workers then finish within a small batch of each other instead of a large one."""
    tail_start = _tail_start(len(todo), batch_size, in_flight)
    start = 0
    while start < len(todo):
        end = min(start + batch_size, tail_start) if start < tail_start else start + max(1, batch_size // 4)
        yield todo[start:end]
        start = end


def _parts(n: int, size: int) -> list[tuple[int, int]]:
    """(start, length) slices of ``n`` rows of at most ``size`` each; one empty slice for none."""
    return [(start, min(size, n - start)) for start in range(0, n, size)] or [(0, 0)]


def _forget(window: Counter, ids: list[str]) -> None:
    """Take a committed unit's article ids out of the uncommitted window."""
    for i in ids:
        window[i] -= 1
        if window[i] <= 0:
            del window[i]


def _run(input_dir: str, warehouse: str, full: bool, run_id: str, started: datetime, sizes: Sizes,
         only: list[str] | None = None, compact: bool = True) -> dict:
    """The input is listed, hashed and planned ``sizes.chunk_files`` files at a time; batches are
    ingested here and extracted ``sizes.in_flight`` at a time by the task runner; every
    ``sizes.commit_every`` articles their rows are clustered and committed. A run so holds one
    chunk's file list and one commit's batches, never its whole input, and an interrupted run
    resumes from its last commit."""
    logger = get_run_logger()
    if upgrade_warehouse(warehouse):
        logger.info("the warehouse's stored rows were brought up to the current table declarations")
    n_input, names = (len(only), sorted(only)) if only is not None else incremental.listing(input_dir)
    root = ingest.input_root(input_dir)  # files are keyed by their input folder and path
    files = Counter()  # seen, new, changed, unchanged, processed
    totals = Totals()
    # Article ids read in batches not committed yet. With the committed ones (looked up in the
    # warehouse) they decide what is extracted, and which ids of an edited file's old version
    # another file still produces: a run keeps no set of every id it has read.
    window: Counter = Counter()
    pending: deque = deque()
    unit = Unit()
    published: list[tuple[Run, Totals]] = []
    last_changed = 0  # stored mentions moved by the commit in progress
    top: list[Mention] = []

    def run_row(result: CommitResult) -> dict[str, pa.Table]:
        """The run's own row, counted from what its commits did, published with the last one."""
        t = copy.deepcopy(totals)  # a retried commit calls this again: count from the same start
        t.count(result, last_changed)
        run = Run(
            run_id=run_id, started_at=started, finished_at=datetime.now(timezone.utc), status="completed",
            input_dir=input_where(input_dir), full=full, files_seen=files["seen"],
            files_new=files["new"], files_changed=files["changed"], files_unchanged=files["unchanged"],
            articles_read=t.read, articles_new=t.articles_new,
            articles_removed=t.articles_removed, rejects=sum(t.reasons.values()),
            rejects_by_reason=json.dumps(t.reasons, sort_keys=True),
            mentions_new=t.mentions_new, mentions_removed=t.mentions_removed, events=t.events,
            message=None if files["processed"] else NOTHING_TO_DO,
        )
        published[:] = [(run, t)]
        return {"runs": to_arrow([run], Run)}

    def commit(unit: Unit, last: bool) -> CommitResult:
        nonlocal last_changed
        articles = pa.concat_tables(unit.articles) if unit.articles else to_arrow([], Article)
        rejects = pa.concat_tables(unit.rejects) if unit.rejects else to_arrow([], Reject)
        new = pa.concat_tables(unit.mentions) if unit.mentions else to_arrow([], Mention)
        ids = articles["article_id"].to_pylist()
        files_rows = pa.concat_tables(unit.files) if unit.files else to_arrow([], FileState)
        file_ids = files_rows["file_id"].to_pylist()
        # What these files produce now: their rows list every article, also those committed earlier
        # in parts of a large file; with the uncommitted window, what an edit did not remove.
        current = set(window).union(*files_rows["article_ids"].to_pylist())
        stale = incremental.stale_article_ids(unit.before.values(), current,
                                              lambda old: read_listed_elsewhere(warehouse, old, file_ids))
        replaced = sorted(stale | (set(ids) if full else set()))
        clustered = None
        if new.num_rows or replaced:
            outlets = dict(zip(ids, articles["outlet"].to_pylist()))
            clustered = cluster_events(warehouse, new, replaced, outlets)
        mentions, changed = (clustered.mentions, clustered.moved) if clustered is not None else ([], [])
        tables = {
            "articles": articles,
            "event_mentions": to_arrow(mentions + changed, Mention),
            "rejects": rejects,
            "files": files_rows,
        }
        replace = {
            "articles": ("article_id", replaced),
            "event_mentions": [("article_id", replaced), ("mention_id", [m.mention_id for m in changed])],
            "rejects": ("file_id", file_ids),
            "files": ("file_id", file_ids),
        }
        if clustered is not None:  # every event whose membership changed is rebuilt from its current mentions
            tables["events"] = to_arrow(clustered.events, Event)
            replace["events"] = ("event_id", clustered.retired)
        totals.articles_removed += len(stale)
        totals.mentions_new += len(mentions)
        for r in rejects["reason"].to_pylist():
            totals.reasons[r] = totals.reasons.get(r, 0) + 1
        top[:] = top_events(top + mentions)
        last_changed = len(changed)
        result = load_tables(warehouse, tables, replace, run_row if last else None)
        if not last:
            totals.count(result, len(changed))
        _forget(window, ids)  # committed: the warehouse answers for them from now on
        return result

    tail_from: int | None = None  # where, in files collected, the last chunk's tail begins
    finished = 0  # files whose batch has been collected

    def finish_oldest() -> None:
        nonlocal unit, finished
        batch, before, articles, rejects, files_rows, future = pending.popleft()
        unit.files.append(files_rows)
        unit.before.update(before)
        unit.articles.append(articles)
        unit.rejects.append(rejects)
        unit.mentions.append(future.result())
        unit.n_articles += articles.num_rows
        collected, finished = finished, finished + len(batch)
        # Commit on reaching the tail too, so the last commit, which nothing overlaps, is small.
        at_tail = tail_from is not None and collected < tail_from <= finished and unit.n_articles >= sizes.batch
        if (unit.n_articles >= sizes.commit_every or at_tail) and pending:
            commit(unit, last=False)
            if compact:
                compact_small_files(warehouse)  # a commit can add a file to every month: keep the count bounded
            unit = Unit()

    examined = 0  # files unchanged or submitted, for progress
    progress.report(0, n_input)
    for chunk, last_chunk in incremental.chunks(names, sizes.chunk_files):
        scanned = scan_input(input_dir, chunk).value
        known = read_state(warehouse, root, [f.source_path for f in scanned]).value
        plan = incremental.plan(scanned, known, full=full)
        todo = plan.to_process
        for key, group in (("new", plan.new), ("changed", plan.changed), ("unchanged", plan.unchanged)):
            files[key] += len(group)
        files["seen"] += len(scanned)
        logger.info("files %d-%d: %d new, %d changed, %d unchanged%s", files["seen"] - len(scanned) + 1,
                    files["seen"], len(plan.new), len(plan.changed), len(plan.unchanged),
                    " (reprocessing all: --full)" if full else " (skipped)")
        in_flight_tail = sizes.in_flight if last_chunk else 0  # only the run's end has a tail
        if last_chunk:
            tail_from = files["processed"] + _tail_start(len(todo), sizes.batch, sizes.in_flight)
        files["processed"] += len(todo)
        examined += len(scanned) - len(todo)
        progress.report(examined, n_input)
        for batch in _batches(todo, sizes.batch, in_flight_tail):
            articles, rejects, files_rows, stored = ingest_batch([f.path for f in batch], input_dir, run_id,
                                                                 started, sizes.max_bytes, warehouse, not full)
            totals.read += articles.num_rows
            for row in rejects.to_pylist():
                where = f" record {row['source_record']}" if row["source_record"] is not None else ""
                logger.warning("rejected %s%s: %s (%s)", row["source_path"], where, row["reason"], row["detail"])
            keep = []
            for i in articles["article_id"].to_pylist():  # a copy of an article is extracted once
                keep.append(i not in stored and i not in window)
                window[i] += 1
            keep = pa.array(keep, type=pa.bool_())
            before = {f.source_path: known[f.source_path] for f in batch if f.source_path in known}
            # A file of many records is extracted in parts, and commits may fall between them; its
            # files row, rejects and former state travel with the last part, so the file counts as
            # processed only once all its articles are committed.
            parts = _parts(articles.num_rows, min(sizes.commit_every, ARTICLES_PER_TASK))
            for start, length in parts:
                last_part = start + length == articles.num_rows
                part = articles.slice(start, length)
                fresh = part.filter(keep.slice(start, length))
                # Submitted, not called: the task runner extracts while this loop ingests the next batch.
                pending.append((batch if last_part else [], before if last_part else {}, part,
                                rejects if last_part else rejects.slice(0, 0),
                                files_rows if last_part else files_rows.slice(0, 0),
                                extract_batch.submit(fresh, run_id)))
                while len(pending) > sizes.in_flight:
                    finish_oldest()
            examined += len(batch)
            progress.report(examined, n_input)
    while pending:
        finish_oldest()
    result = commit(unit, last=True)
    run, totals = published[0]
    totals.added["runs"] = result.added.get("runs", 0)
    if compact:
        compact_small_files(warehouse)
    publish_report(run, top)
    logger.info(
        "run %s: %d files seen (%d new, %d changed, %d unchanged), %d articles read, %d new, %d replaced, "
        "%d rejects %s, %d new event mentions, %d removed",
        run_id, run.files_seen, run.files_new, run.files_changed, run.files_unchanged, run.articles_read,
        run.articles_new, run.articles_removed, run.rejects, totals.reasons or "", run.mentions_new,
        run.mentions_removed,
    )
    if run.message:
        logger.info(run.message)
    summary = {k: v for k, v in run.__dict__.items() if not isinstance(v, datetime)}
    return summary | {"rejects_by_reason": totals.reasons, "added": totals.added, "removed": totals.removed}


def _record_failure(wh: Warehouse, input_dir: str, full: bool, run_id: str, started: datetime,
                    exc: BaseException, stop: int | None = None) -> None:
    """Best effort: a failed or stopped run leaves a row saying why; what its earlier commits loaded
    stays. ``stop``: the signal that asked the process to stop, whatever exception it became."""
    if stop is None and isinstance(exc, (TerminationSignal, Stopped)):
        stop = getattr(exc, "signum", signal.SIGTERM)
    stopped = stop is not None or isinstance(exc, (KeyboardInterrupt, SystemExit, ExternalSignal))
    if stop == signal.SIGINT or (stop is None and isinstance(exc, KeyboardInterrupt)):
        message = "stopped by Ctrl-C (SIGINT)"
    elif stop is not None:
        message = f"stopped by {signal.Signals(stop).name}"
    else:
        message = f"{type(exc).__name__}: {exc}"
    run = Run(run_id=run_id, started_at=started, finished_at=datetime.now(timezone.utc),
              status="interrupted" if stopped else "failed",
              input_dir=input_where(input_dir), full=full, files_seen=0, files_new=0, files_changed=0,
              files_unchanged=0, articles_read=0, articles_new=0, articles_removed=0, rejects=0,
              rejects_by_reason="{}", mentions_new=0, mentions_removed=0, events=None,
              message=message[:2000])
    try:
        wh.commit({"runs": to_arrow([run], Run)})
    except Exception:  # the original error matters more
        pass
