"""The SQL that reads a table's stored files in its declared columns, on a disk or in object storage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from pipeline.warehousing.compat import check_compatible, partitioned
from pipeline.warehousing.stored_schemas import FILE_SCHEMAS
from schemas import TableSchema

if TYPE_CHECKING:
    from pipeline.warehousing.folder import Folder


def parquet_source(folder: Folder, files: list[str], *, filename: bool = False, relative: bool = False) -> str:
    """read_parquet() over the files (by their paths under the root when ``relative``, as the
    catalog file lists them). Matching columns by name across files of different
    schema versions makes DuckDB open every file's footer before the scan and hold them all
    during it (80 MB for 800 files), so it is asked for only when the files differ."""
    paths = [folder.path(f) for f in files]
    listed = ", ".join(f"'{sql_string(f if relative else p)}'" for f, p in zip(files, paths))
    extra = ", filename = true" if filename else ""
    if not FILE_SCHEMAS.same(folder.fs, paths):
        extra += ", union_by_name = true"
    return f"read_parquet([{listed}], hive_partitioning = true, hive_types_autocast = false{extra})"


def dataset_source(folder: Folder, con: duckdb.DuckDBPyConnection, schema: TableSchema, files: list[str]) -> str:
    """The files as a pyarrow dataset registered in ``con``; its name, to select from."""
    import pyarrow.dataset as ds

    fields = [pa.field(n, t) for n, t in stored_columns(folder, files).items()]
    partitioning = None
    if schema.partition is not None:
        fields.append(pa.field(schema.partition.column, pa.string()))
        partitioning = ds.partitioning(pa.schema([fields[-1]]), flavor="hive")
    dataset = ds.dataset([folder.path(f) for f in files], schema=pa.schema(fields), format="parquet",
                         filesystem=folder.fs, partitioning=partitioning,
                         partition_base_dir=folder.path(f"tables/{schema.name}"))
    name = f"_files_{schema.name}"
    con.register(name, dataset)
    return name


def stored_columns(folder: Folder, files: list[str]) -> dict[str, pa.DataType]:
    return FILE_SCHEMAS.stored_columns(folder.fs, [folder.path(f) for f in files])


def select_sql(folder: Folder, schema: TableSchema, files: list[str], from_: str) -> str:
    """SELECT giving the declared columns over stored files written under any compatible version:
    columns added since a file was written read as NULL."""
    if not files:
        return schema.empty_select_sql()
    stored = stored_columns(folder, files)
    check_compatible(schema, stored)
    part = schema.partition.column if schema.partition and partitioned(schema, files) else None
    cols = []
    for c in schema.columns:
        present = c.name in stored or c.name == part
        source = f'"{c.name}"' if present else "NULL"
        cols.append(f'CAST({source} AS {c.duckdb_type}) AS "{c.name}"')
    return f"SELECT {', '.join(cols)} FROM {from_}"


def read_files(folder: Folder, schema: TableSchema, files: list[str]) -> pa.Table:
    """The rows of these files of a table, in its declared columns."""
    with duckdb.connect() as con:
        return con.sql(select_sql(folder, schema, files, folder.source(con, schema, files))).to_arrow_table()


def sql_string(value: str | Path) -> str:
    """Escape a value for a single-quoted SQL literal (paths in view definitions)."""
    return str(value).replace("'", "''")


def repr_sql(value: str | Path) -> str:
    """A value as a single-quoted SQL literal."""
    return f"'{sql_string(value)}'"
