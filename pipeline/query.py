"""Read-only SQL over the warehouse, and tables rendered for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa
from rich.table import Table

from pipeline.errors import QueryError
from pipeline.load import Warehouse

EVENT_COLUMNS = ("event_date, date_precision, event_type, modality, agent_name, target_name, place_name, "
                 "n_articles, n_sources, confidence, evidence, event_id")

EVENTS_SQL = """
SELECT event_type, modality, coalesce(agent_name, agent) AS agent, coalesce(target_name, target) AS target,
       coalesce(place_name, location) AS place, event_date, date_precision, confidence, attribution, source_path
FROM event_mentions
ORDER BY source_path, sentence_start, trigger_start
"""


def read_only_statement(sql: str) -> str:
    """``sql`` if it is exactly one SELECT statement (WITH, DESCRIBE, SUMMARIZE, SHOW and VALUES are
    SELECTs to DuckDB), else QueryError. Decided by DuckDB's own parser, not by looking at words."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip()) from None
    if len(statements) != 1:
        raise QueryError(f"frontline sql is read-only and runs exactly one statement; this has {len(statements)}")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise QueryError(f"frontline sql is read-only: it runs one SELECT (or WITH, DESCRIBE, SUMMARIZE, SHOW) "
                         f"statement, and this is a {kind.name} statement")
    return sql


def run_sql(warehouse: Warehouse, sql: str, params: list | None = None) -> pa.Table:
    """Run one read-only statement on a connection confined to the warehouse's tables."""
    sql = read_only_statement(sql)
    con = warehouse.connect()
    try:
        rel = con.sql(sql, params=params)
        return pa.table({}) if rel is None else rel.to_arrow_table()
    except duckdb.Error as exc:
        message = str(exc).strip()
        if warehouse.location.join("tables") in message:  # a stored file could not be read
            message += "; if that Parquet file is damaged, `frontline repair` quarantines it"
        raise QueryError(message) from None
    finally:
        con.close()


def rich_table(table: pa.Table, title: str | None = None, max_cell: int = 60) -> Table:
    out = Table(title=title, show_lines=False, header_style="bold")
    for name in table.column_names:
        out.add_column(name, overflow="fold")
    for row in table.to_pylist():
        out.add_row(*[_cell(v, max_cell) for v in row.values()])
    return out


def _cell(value: object, max_cell: int) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    return text if len(text) <= max_cell else text[: max_cell - 1] + "\u2026"


@dataclass(frozen=True)
class EventFilter:
    event_type: str | None = None
    actor: str | None = None  # id or name, as agent or target
    since: date | None = None
    until: date | None = None
    place: str | None = None
    limit: int = 100


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own % and _ taken literally (with ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def events_query(f: EventFilter) -> tuple[str, list]:
    """SQL over `events` for the filters, with every user value a bound parameter, never pasted in."""
    where, params = [], []
    if f.event_type:
        where.append("event_type = ?")
        params.append(f.event_type.upper())
    if f.actor:
        where.append("(lower(agent_id) = lower(?) OR lower(target_id) = lower(?) "
                     "OR agent_name ILIKE ? ESCAPE '\\' OR target_name ILIKE ? ESCAPE '\\')")
        params += [f.actor, f.actor, contains(f.actor), contains(f.actor)]
    if f.since:
        where.append("coalesce(event_date_end, event_date, last_reported) >= ?")
        params.append(f.since)
    if f.until:
        where.append("coalesce(event_date, first_reported) <= ?")
        params.append(f.until)
    if f.place:
        where.append("(place_name ILIKE ? ESCAPE '\\' OR place_admin1 ILIKE ? ESCAPE '\\' OR place_country = upper(?))")
        params += [contains(f.place), contains(f.place), f.place]
    sql = f"SELECT {EVENT_COLUMNS} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY coalesce(event_date, first_reported) DESC NULLS LAST, n_articles DESC, event_id LIMIT ?"
    return sql, params + [f.limit]


FORMATS = ("table", "csv", "jsonl", "parquet")


def write_result(table: pa.Table, fmt: str, output: str | None) -> None:
    """Write a query result as CSV, JSON Lines or Parquet to a file (or CSV/JSON Lines to stdout)."""
    import json
    import sys

    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt == "parquet":
        if not output:
            raise QueryError("--format parquet needs --output FILE")
        pq.write_table(table, output)
        return
    sink = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "csv":
            import io

            buf = io.BytesIO()
            pacsv.write_csv(table, buf)
            sink.write(buf.getvalue().decode("utf-8"))
        elif fmt == "jsonl":
            for row in table.to_pylist():
                sink.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
        else:
            raise QueryError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    finally:
        if output:
            sink.close()
