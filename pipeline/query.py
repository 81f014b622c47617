"""Read-only SQL over the warehouse, and tables rendered for people."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from rich.table import Table

from pipeline.errors import QueryError
from pipeline.load import Warehouse

EVENTS_SQL = """
SELECT event_type, modality, agent, target, location, event_date, date_precision,
       confidence, source_path
FROM event_mentions
ORDER BY source_path, sentence_start, trigger_start
"""


def run_sql(warehouse: Warehouse, sql: str, params: list | None = None) -> pa.Table:
    """Run one query on a read-only connection; a statement that returns nothing gives an empty table."""
    con = warehouse.connect()
    try:
        rel = con.sql(sql, params=params)
        return pa.table({}) if rel is None else rel.to_arrow_table()
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip()) from None
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
