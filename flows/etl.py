"""The `frontline-etl` flow: ingest -> extract (in batches) -> load, on Prefect."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
from prefect import flow, get_run_logger, task

from pipeline import ingest
from pipeline.errors import FrontlineError
from pipeline.extract import extract_mentions
from pipeline.load import Warehouse
from pipeline.records import Article, Mention, Reject, Run, from_arrow, to_arrow
from pipeline.settings import DEFAULT_INPUT, DEFAULT_WAREHOUSE

DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    files_seen: int
    articles_read: int
    articles_new: int
    duplicates: int
    rejects: int
    mentions_new: int
    rejects_by_reason: dict[str, int]


@task(retries=2, retry_delay_seconds=[1, 5])
def discover_files(input_dir: str) -> list[str]:
    return [str(p) for p in ingest.discover_files(Path(input_dir))]


@task
def ingest_batch(paths: list[str], input_dir: str, run_id: str, now: datetime, max_bytes: int) -> tuple[pa.Table, pa.Table]:
    result = ingest.read_files([Path(p) for p in paths], Path(input_dir), run_id=run_id, now=now, max_bytes=max_bytes)
    return to_arrow(result.articles, Article), to_arrow(result.rejects, Reject)


@task
def extract_batch(articles: pa.Table, run_id: str) -> pa.Table:
    return to_arrow(extract_mentions(from_arrow(articles, Article), run_id=run_id), Mention)


@task(retries=2, retry_delay_seconds=[1, 5])
def load_tables(warehouse: str, tables: dict[str, pa.Table]) -> dict[str, int]:
    return Warehouse(warehouse).commit(tables)


@task
def known_article_ids(warehouse: str) -> set[str]:
    return set(Warehouse(warehouse).read_table("articles", ["article_id"])["article_id"].to_pylist())


def _new_articles(articles: pa.Table, known: set[str]) -> pa.Table:
    """Articles not stored yet, first copy only: only those need extracting."""
    ids = articles["article_id"].to_pylist()
    seen = set(known)
    keep = [not (i in seen or seen.add(i)) for i in ids]
    return articles.filter(pa.array(keep, type=pa.bool_()))


@flow(name="frontline-etl", log_prints=True)
def etl(
    input_dir: str = DEFAULT_INPUT,
    warehouse: str = DEFAULT_WAREHOUSE,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
) -> dict:
    """Read every article under input_dir, extract events, load them into the warehouse."""
    logger = get_run_logger()
    if not Path(input_dir).is_dir():
        raise FrontlineError(f"input directory {input_dir!r} does not exist or is not a directory")
    run_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    started = datetime.now(timezone.utc)
    files = discover_files(input_dir)
    known = known_article_ids(warehouse)

    articles, rejects, mentions, read = [], [], [], 0
    for start in range(0, len(files), batch_size):
        batch_articles, batch_rejects = ingest_batch(files[start:start + batch_size], input_dir, run_id, started, max_bytes)
        read += batch_articles.num_rows
        for row in batch_rejects.to_pylist():
            logger.warning("rejected %s%s: %s (%s)", row["source_path"],
                           f" record {row['source_record']}" if row["source_record"] is not None else "",
                           row["reason"], row["detail"])
        fresh = _new_articles(batch_articles, known)
        known |= set(fresh["article_id"].to_pylist())
        articles.append(fresh)
        rejects.append(batch_rejects)
        mentions.append(extract_batch(fresh, run_id))

    tables = {
        "articles": pa.concat_tables(articles) if articles else to_arrow([], Article),
        "event_mentions": pa.concat_tables(mentions) if mentions else to_arrow([], Mention),
        "rejects": pa.concat_tables(rejects) if rejects else to_arrow([], Reject),
    }
    reasons: dict[str, int] = {}
    for reason in tables["rejects"]["reason"].to_pylist():
        reasons[reason] = reasons.get(reason, 0) + 1
    summary = RunSummary(
        run_id=run_id,
        files_seen=len(files),
        articles_read=read,
        articles_new=tables["articles"].num_rows,
        duplicates=read - tables["articles"].num_rows,
        rejects=tables["rejects"].num_rows,
        mentions_new=tables["event_mentions"].num_rows,
        rejects_by_reason=reasons,
    )
    run = Run(
        run_id=run_id, started_at=started, finished_at=datetime.now(timezone.utc), status="completed",
        input_dir=str(Path(input_dir).absolute()), files_seen=summary.files_seen,
        articles_read=summary.articles_read, articles_new=summary.articles_new, rejects=summary.rejects,
        mentions_new=summary.mentions_new, message=None,
    )
    tables["runs"] = to_arrow([run], Run)
    added = load_tables(warehouse, tables)
    logger.info(
        "run %s: %d files seen, %d articles read (%d new, %d already stored or duplicated), "
        "%d rejects %s, %d new event mentions",
        run_id, summary.files_seen, summary.articles_read, added.get("articles", 0),
        summary.articles_read - added.get("articles", 0), summary.rejects, reasons or "", added.get("event_mentions", 0),
    )
    return asdict(summary) | {"added": added}
