"""Read-only SQL over the warehouse, and tables rendered for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa
from rich.table import Table

from pipeline.errors import QueryError
from pipeline.warehousing.store import Warehouse
from pipeline.place_terms import PlaceTerms

EVENT_COLUMNS = ("event_date, event_date_end, date_precision, event_type, modality, agent_name, target_name, place_name, "
                 "place_country, place_admin1, "
                 "n_articles, n_sources, confidence, evidence, event_id")

RUN_EVENTS_COLUMNS = ("event_date, date_precision, event_type, modality, agent_name AS agent, target_name AS target, "
                      "place_name AS place, n_sources AS sources, event_id")


def run_events_sql(run_id: str, limit: int | None = None) -> str:
    """SQL listing the events a run added mentions to, newest first: what `frontline run` shows, and
    the query it prints for the rest. The run id is frontline's own, quoted as a SQL literal."""
    literal = "'" + run_id.replace("'", "''") + "'"
    sql = (f"select {RUN_EVENTS_COLUMNS} from events where event_id in "
           f"(select event_id from event_mentions where run_id = {literal}) "
           "order by event_date desc nulls last, event_type, event_id")
    return sql if limit is None else f"{sql} limit {int(limit)}"


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


def rich_table(table: pa.Table, title: str | None = None, max_cell: int = 60, fold: bool = True) -> Table:
    """A table for the terminal; ``fold=False`` keeps each row on one line (cells cut with an ellipsis)."""
    out = Table(title=title, show_lines=False, header_style="bold")
    for name in table.column_names:
        out.add_column(name, overflow="fold" if fold else "ellipsis", no_wrap=not fold)
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
    undated: bool = False  # also list events with no date of their own (they match no --since/--until)


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own % and _ taken literally (with ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def events_query(f: EventFilter, place: PlaceTerms | None = None) -> tuple[str, list]:
    """SQL over `events` for the filters, with every user value a bound parameter, never pasted in.
    Dated events only, unless ``f.undated``: then the undated ones too, after the dated. ``f.place``
    matches part of a place or admin1 name, an ISO3 code, and what ``place`` says it stands for (its
    countries, admin areas and the places it is another name of; see pipeline.place_terms)."""
    where, params = [], []
    if f.event_type:
        where.append("event_type = ?")
        params.append(f.event_type.upper())
    if f.actor:
        where.append("(lower(agent_id) = lower(?) OR lower(target_id) = lower(?) "
                     "OR agent_name ILIKE ? ESCAPE '\\' OR target_name ILIKE ? ESCAPE '\\')")
        params += [f.actor, f.actor, contains(f.actor), contains(f.actor)]
    # An event's own period [event_date, event_date_end] overlaps the asked one; an undated event has
    # no period, so it is listed only on request, never at its publication date.
    dated = []
    if f.since:
        dated.append("coalesce(event_date_end, event_date) >= ?")
        params.append(f.since)
    if f.until:
        dated.append("event_date <= ?")
        params.append(f.until)
    dated_sql = " AND ".join(["event_date IS NOT NULL"] + dated)
    where.append(f"(({dated_sql}) OR event_date IS NULL)" if f.undated else dated_sql)
    if f.place:
        terms = place or PlaceTerms(f.place)
        where.append("(place_name ILIKE ? ESCAPE '\\' OR place_admin1 ILIKE ? ESCAPE '\\' OR place_country = upper(?) "
                     "OR list_contains(?, place_country) OR list_contains(?, place_admin1) "
                     "OR list_contains(?, place_name))")
        params += [contains(f.place), contains(f.place), f.place, list(terms.countries), list(terms.admin1),
                   list(terms.names)]
    sql = f"SELECT {EVENT_COLUMNS} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY event_date DESC NULLS LAST, first_reported DESC, n_articles DESC, event_id LIMIT ?"
    return sql, params + [f.limit]


def place_filter_terms(place: str) -> PlaceTerms:
    """What ``--place`` stands for: a country needs no gazetteer; any other name loads it (a few seconds)."""
    from pipeline.normalize.gazetteer import gazetteer
    from pipeline.place_terms import country_codes, place_terms

    return place_terms(place, None if country_codes(place) else gazetteer())


def undated_not_listed(warehouse: Warehouse, f: EventFilter, place: PlaceTerms | None = None) -> int:
    """How many undated events the filters would list with ``undated`` on: `frontline events` says so."""
    import dataclasses

    every, every_params = events_query(dataclasses.replace(f, undated=True, limit=2**62), place)
    return run_sql(warehouse, f"select count(*) n from ({every}) where event_date is null",
                   every_params)["n"][0].as_py()


FORMATS = ("table", "csv", "jsonl", "parquet")
LIST_SEPARATOR = "; "  # a list in a CSV cell: its elements joined, as ACLED joins its sources


def flat_for_csv(table: pa.Table) -> pa.Table:
    """``table`` with every column CSV can hold: a list of plain values becomes its elements joined by
    LIST_SEPARATOR (an empty list an empty string, a missing one an empty cell), and anything else
    nested (a struct, a map, a list of structs) its JSON text."""
    import json

    import pyarrow.compute as pc

    columns = []
    for field, column in zip(table.schema, table.columns):
        kind = field.type
        if _is_list(kind) and not _is_nested(kind.value_type):
            if not pa.types.is_string(kind.value_type):
                column = pc.cast(column, pa.list_(pa.string()))
            columns.append(pc.binary_join(column, LIST_SEPARATOR))
        elif _is_nested(kind):
            rows = [None if v is None else json.dumps(v, default=str, ensure_ascii=False) for v in column.to_pylist()]
            columns.append(pa.array(rows, pa.string()))
        elif not _csv_plain(kind):  # an interval, a duration, bytes: as text
            rows = [None if v is None else _text(v) for v in column.to_pylist()]
            columns.append(pa.array(rows, pa.string()))
        else:
            columns.append(column)
    return pa.table(columns, names=table.column_names)


def _text(value: object) -> str:
    """A value CSV has no type for, as text: an interval in ISO 8601 ('P1M3DT0S')."""
    if all(hasattr(value, a) for a in ("months", "days", "nanoseconds")):
        return f"P{value.months}M{value.days}DT{value.nanoseconds / 1e9:g}S"
    return value.hex() if isinstance(value, bytes) else str(value)


def _csv_plain(kind: pa.DataType) -> bool:
    """A type Arrow's CSV writer writes as it is."""
    t = pa.types
    return any(test(kind) for test in (t.is_null, t.is_boolean, t.is_integer, t.is_floating, t.is_decimal,
                                       t.is_date, t.is_timestamp, t.is_time, t.is_string, t.is_large_string))


def _is_list(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)


def _is_nested(kind: pa.DataType) -> bool:
    return pa.types.is_nested(kind) or pa.types.is_dictionary(kind) and _is_nested(kind.value_type)


def result_bytes(table: pa.Table, fmt: str) -> bytes:
    """A query result as the bytes of a CSV, JSON Lines or Parquet file."""
    import io
    import json

    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    if fmt == "csv":
        pacsv.write_csv(flat_for_csv(table), buf)
    elif fmt == "jsonl":
        for row in table.to_pylist():
            buf.write((json.dumps(row, default=str, ensure_ascii=False) + "\n").encode("utf-8"))
    elif fmt == "parquet":
        pq.write_table(table, buf)
    else:
        raise QueryError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS[1:])}")
    return buf.getvalue()


def write_result(table: pa.Table, fmt: str, output: str | None) -> None:
    """Write a query result as CSV, JSON Lines or Parquet to a file (or CSV/JSON Lines to stdout).
    The file is written whole or not at all: a result that cannot be written leaves no file behind."""
    import os
    import sys
    import tempfile

    if fmt == "parquet" and not output:
        raise QueryError("--format parquet needs --output FILE")
    data = result_bytes(table, fmt)
    if not output:
        sys.stdout.write(data.decode("utf-8"))
        return
    target = os.path.abspath(output)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp",
                                   dir=os.path.dirname(target))
    except OSError as exc:
        raise QueryError(f"cannot write {output}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, target)
    except OSError as exc:
        raise QueryError(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
