"""Declared table schemas: the one source of truth for every table's columns.

Each ``<table>.toml`` beside this file declares a table's columns, types,
nullability, key and partition column. The pyarrow schema, the DuckDB column
types and the record dataclasses in ``pipeline.records`` are all derived
from these declarations (the dataclasses are written by ``schemas.codegen``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

from pipeline.errors import SchemaError

SCHEMA_DIR = Path(__file__).parent

# Declared type -> (pyarrow type, DuckDB type). Timestamps are UTC, microseconds.
_TYPES: dict[str, tuple[pa.DataType, str]] = {
    "string": (pa.string(), "VARCHAR"),
    "int32": (pa.int32(), "INTEGER"),
    "int64": (pa.int64(), "BIGINT"),
    "float64": (pa.float64(), "DOUBLE"),
    "bool": (pa.bool_(), "BOOLEAN"),
    "date": (pa.date32(), "DATE"),
    "timestamp": (pa.timestamp("us", tz="UTC"), "TIMESTAMP WITH TIME ZONE"),
    "list<string>": (pa.list_(pa.string()), "VARCHAR[]"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    doc: str = ""

    @property
    def arrow_type(self) -> pa.DataType:
        return _TYPES[self.type][0]

    @property
    def duckdb_type(self) -> str:
        return _TYPES[self.type][1]


@dataclass(frozen=True)
class Partition:
    column: str  # the partition column (a declared string column)
    source: str  # the date column it is derived from (YYYY-MM, or 'unknown')


@dataclass(frozen=True)
class TableSchema:
    name: str
    version: int
    key: str
    columns: tuple[Column, ...]
    partition: Partition | None = None
    record: str | None = None  # the name of its dataclass in pipeline.records (see schemas.codegen)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def data_columns(self) -> tuple[Column, ...]:
        """Columns stored inside Parquet files (the partition column lives in the path)."""
        part = self.partition.column if self.partition else None
        return tuple(c for c in self.columns if c.name != part)

    def arrow_schema(self, *, with_partition: bool = True) -> pa.Schema:
        cols = self.columns if with_partition else self.data_columns
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in cols],
            metadata={"frontline.table": self.name, "frontline.schema_version": str(self.version)},
        )

    def empty_select_sql(self) -> str:
        """A typed, empty SELECT, so a table with no files is still a queryable view."""
        cols = ", ".join(f'CAST(NULL AS {c.duckdb_type}) AS "{c.name}"' for c in self.columns)
        return f"SELECT {cols} WHERE false"

    def cast_select_sql(self, source: str) -> str:
        """SELECT over ``source`` that fixes column order and types to the declaration."""
        cols = ", ".join(f'CAST("{c.name}" AS {c.duckdb_type}) AS "{c.name}"' for c in self.columns)
        return f"SELECT {cols} FROM {source}"


def _parse(path: Path) -> TableSchema:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        columns = tuple(
            Column(c["name"], c["type"], bool(c.get("nullable", True)), c.get("doc", ""))
            for c in raw["columns"]
        )
        partition = Partition(**raw["partition"]) if "partition" in raw else None
        schema = TableSchema(raw["name"], int(raw["version"]), raw["key"], columns, partition, raw.get("record"))
    except (KeyError, TypeError) as exc:
        raise SchemaError(f"{path.name}: malformed table declaration ({exc})") from exc
    unknown = [c.type for c in columns if c.type not in _TYPES]
    if unknown:
        raise SchemaError(f"{path.name}: unknown column types {unknown}; known: {sorted(_TYPES)}")
    names = schema.column_names
    if len(set(names)) != len(names):
        raise SchemaError(f"{path.name}: duplicate column names")
    if schema.key not in names:
        raise SchemaError(f"{path.name}: key {schema.key!r} is not a column")
    if partition and (partition.column not in names or partition.source not in names):
        raise SchemaError(f"{path.name}: partition refers to undeclared columns")
    return schema


@cache
def table_schemas() -> dict[str, TableSchema]:
    """All declared tables, by name."""
    schemas = [_parse(p) for p in sorted(SCHEMA_DIR.glob("*.toml"))]
    return {s.name: s for s in schemas}


def table_schema(name: str) -> TableSchema:
    try:
        return table_schemas()[name]
    except KeyError:
        raise SchemaError(f"no declared table {name!r}; known: {sorted(table_schemas())}") from None
