"""Typed records, one frozen dataclass per declared table (see ``schemas/``).

The dataclasses are generated from the declarations by ``python -m schemas.codegen``: a field per
declared column minus the partition column, which the warehouse derives, in the declared order,
optional where the column is nullable. ``tests/test_schemas.py`` fails if they drift apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

import pyarrow as pa

from schemas import TableSchema, table_schema


# --- generated from schemas/*.toml by `python -m schemas.codegen`; do not edit by hand ---


@dataclass(frozen=True)
class Article:
    """A row of ``articles`` (schemas/articles.toml)."""

    table: ClassVar[str] = "articles"

    article_id: str
    source_path: str
    source_record: int | None
    source_format: str
    outlet: str | None
    section: str | None
    url: str | None
    published_date: date | None
    title: str | None
    body: str
    quality_flags: tuple[str, ...]
    ingested_at: datetime
    run_id: str


@dataclass(frozen=True)
class Mention:
    """A row of ``event_mentions`` (schemas/event_mentions.toml)."""

    table: ClassVar[str] = "event_mentions"

    mention_id: str
    event_id: str | None
    article_id: str
    source_path: str
    published_date: date | None
    event_type: str
    trigger: str
    trigger_start: int
    trigger_end: int
    modality: str
    attribution: str | None
    attribution_id: str | None
    disputed_by: str | None
    agent: str | None
    agent_id: str | None
    agent_name: str | None
    agent_country: str | None
    agent_sector: str | None
    agent_type: str | None
    target: str | None
    target_id: str | None
    target_name: str | None
    target_country: str | None
    target_sector: str | None
    target_type: str | None
    location: str | None
    place_name: str | None
    place_country: str | None
    place_admin1: str | None
    place_admin1_code: str | None
    place_admin2: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    geonameid: int | None
    event_date: date | None
    event_date_end: date | None
    date_precision: str
    date_text: str | None
    date_basis: str | None
    duration_days: int | None
    count_value: int | None
    count_unit: str | None
    count_approximate: bool | None
    count_text: str | None
    response: str | None
    responder: str | None
    outcome: str | None
    plover_type: str | None
    plover_mode: str | None
    cameo_code: str | None
    sub_type: str | None
    fatalities: int | None
    fatalities_approximate: bool | None
    goldstein: float | None
    quad_class: int | None
    sentence: str
    sentence_start: int
    sentence_end: int
    confidence: float
    antecedent_id: str | None
    inherited: tuple[str, ...] | None
    extractor: str
    run_id: str


@dataclass(frozen=True)
class Event:
    """A row of ``events`` (schemas/events.toml)."""

    table: ClassVar[str] = "events"

    event_id: str
    event_type: str
    modality: str
    agent_id: str | None
    agent_name: str | None
    agent_country: str | None
    target_id: str | None
    target_name: str | None
    target_country: str | None
    place_name: str | None
    place_country: str | None
    place_admin1: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    event_date: date | None
    event_date_end: date | None
    date_precision: str
    date_basis: str | None
    duration_days: int | None
    n_mentions: int
    n_articles: int
    n_sources: int
    sources: tuple[str, ...]
    article_ids: tuple[str, ...]
    first_reported: date | None
    last_reported: date | None
    confidence: float
    plover_type: str | None
    cameo_code: str | None
    evidence: str
    evidence_mention_id: str
    agent_type: str | None
    target_type: str | None
    place_admin1_code: str | None
    place_admin2: str | None
    sub_type: str | None
    fatalities: int | None
    fatalities_approximate: bool | None
    plover_mode: str | None
    goldstein: float | None
    quad_class: int | None


@dataclass(frozen=True)
class FileState:
    """A row of ``files`` (schemas/files.toml)."""

    table: ClassVar[str] = "files"

    file_id: str
    input_root: str
    source_path: str
    content_sha256: str
    size_bytes: int
    article_ids: tuple[str, ...]
    n_rejects: int
    run_id: str
    processed_at: datetime


@dataclass(frozen=True)
class Reject:
    """A row of ``rejects`` (schemas/rejects.toml)."""

    table: ClassVar[str] = "rejects"

    reject_id: str
    file_id: str
    source_path: str
    source_record: int | None
    reason: str
    detail: str
    content_sha256: str | None
    size_bytes: int | None
    rejected_at: datetime
    run_id: str


@dataclass(frozen=True)
class Run:
    """A row of ``runs`` (schemas/runs.toml)."""

    table: ClassVar[str] = "runs"

    run_id: str
    started_at: datetime
    finished_at: datetime
    status: str
    input_dir: str
    full: bool
    files_seen: int
    files_new: int
    files_changed: int
    files_unchanged: int
    articles_read: int
    articles_new: int
    articles_removed: int
    rejects: int
    rejects_by_reason: str
    mentions_new: int
    mentions_removed: int
    events: int | None
    message: str | None


RECORD_TYPES = (Article, Mention, Event, FileState, Reject, Run)
# --- end of generated records ---


def schema_of(record_type: type) -> TableSchema:
    return table_schema(record_type.table)


def to_arrow(records: list, record_type: type) -> pa.Table:
    """Records -> Arrow table typed by the declaration (without the partition column)."""
    schema = schema_of(record_type).arrow_schema(with_partition=False)
    columns = {f.name: [getattr(r, f.name) for r in records] for f in dataclasses.fields(record_type)}
    columns = {k: [list(v) if isinstance(v, tuple) else v for v in vals] for k, vals in columns.items()}
    return pa.Table.from_pydict(columns, schema=schema)


def from_arrow(table: pa.Table, record_type: type) -> list:
    """Arrow rows -> records, ignoring columns the record does not carry (the partition)."""
    names = [f.name for f in dataclasses.fields(record_type)]
    rows = table.select(names).to_pylist()
    out = []
    for row in rows:
        for k, v in row.items():
            if isinstance(v, list):
                row[k] = tuple(v)
        out.append(record_type(**row))
    return out
