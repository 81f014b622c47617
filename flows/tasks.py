"""The flow's tasks: thin wrappers around `pipeline`, one per step that reads, computes or writes.

Only I/O tasks retry, and only on OS-level errors: bad input is never retried, it becomes a reject row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import pyarrow as pa
from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from pipeline.events import assign, neighbours
from pipeline.events.keys import key_of
from pipeline.errors import FrontlineError
from pipeline.extract import extract_mentions
from pipeline.extract_bounded import extract_mentions_bounded
from pipeline.ingest.plan import file_states, listed_elsewhere, stored_states, to_be_read
from pipeline.ingest.read import read_input
from pipeline.warehousing.store import PERMANENT_ERRNOS, CommitResult, Warehouse
from pipeline.records import Article, Event, FileState, Mention, Reject, Run, from_arrow, to_arrow
from pipeline.report import run_markdown
from pipeline.run import RunLedger
from pipeline.runs import COMPACT_AFTER_FILES
from pipeline.sources import ScannedFile, Source


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
def read_state(warehouse: str, root: str, paths: list[str]) -> Whole[dict[str, FileState]]:
    """These input files' versions as recorded by earlier runs."""
    return Whole(stored_states(Warehouse(warehouse), root, paths))


@io_task
def scan_input(source: Source, names: list[str], known: dict[str, FileState], full: bool) -> Whole[list[ScannedFile]]:
    """These input files hashed; the bytes of those the run will parse are kept for ``ingest_batch``."""
    return Whole(source.scan(names, keep=to_be_read(known, full=full)))


@io_task
def upgrade_warehouse(warehouse: str) -> bool:
    """Stored rows brought up to the current table declarations before the run plans against them."""
    return Warehouse(warehouse).upgrade()


@io_task
def read_listed_elsewhere(warehouse: str, ids: set[str], file_ids: list[str]) -> set[str]:
    return listed_elsewhere(Warehouse(warehouse), ids, file_ids)


@io_task
def ingest_batch(source: Source, names: list[str], run_id: str, now: datetime, warehouse: str,
                 check_stored: bool) -> tuple[pa.Table, pa.Table, pa.Table, set[str]]:
    """A batch's articles, rejects and files rows (with the hash of the bytes each file was read
    as), and which of the articles the warehouse already holds.
    One task, not two: each task run costs the flow's process CPU that parallel workers need."""
    result = read_input(source, names, run_id=run_id, now=now)
    ids = [a.article_id for a in result.articles]
    files = file_states(result.files, ((a.source_path, a.article_id) for a in result.articles),
                        (r.source_path for r in result.rejects), root=source.root, run_id=run_id, now=now)
    stored = Warehouse(warehouse).existing("articles", "article_id", ids) if check_stored else set()
    return to_arrow(result.articles, Article), to_arrow(result.rejects, Reject), to_arrow(files, FileState), stored


@cpu_task
def extract_batch(articles: pa.Table, run_id: str) -> pa.Table:
    """The mentions of a batch's new articles, extracted in groups and pieces of bounded size."""
    return to_arrow(extract_mentions_bounded(from_arrow(articles, Article), run_id=run_id, extract=extract_mentions),
                    Mention)


@io_task
def load_tables(warehouse: str, tables: dict[str, pa.Table], replace: dict) -> CommitResult:
    """One atomic commit of a run that is not its last."""
    return Warehouse(warehouse).commit(tables, replace=replace)


@io_task
def load_last_tables(warehouse: str, tables: dict[str, pa.Table], replace: dict, ledger: RunLedger) -> CommitResult:
    """The run's last commit, which also publishes the run's `runs` row: the warehouse asks the
    ledger for it (``RunLedger.completed_rows``) once it knows what this commit adds and removes,
    and publishes both at once. A retry asks again and gets the same row."""
    return Warehouse(warehouse).commit(tables, replace=replace, then=ledger.completed_rows)


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
