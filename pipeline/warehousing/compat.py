"""Reading and upgrading what older code stored: widened types, added columns, added partitions,
migrated versions, and warehouses written before the marker file existed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from pipeline.errors import WarehouseError
from pipeline.warehousing.manifest import MANIFEST, parse_manifest
from pipeline.warehousing.migrations import MIGRATIONS
from schemas import TableSchema

if TYPE_CHECKING:
    from pipeline.warehousing.folder import Folder

# Stored type -> declared types it may be read as when a declaration changes.
WIDENINGS = {
    (pa.int32(), pa.int64()), (pa.int32(), pa.float64()), (pa.int64(), pa.float64()),
    (pa.float32(), pa.float64()), (pa.date32(), pa.timestamp("us", tz="UTC")),
}


def check_compatible(schema: TableSchema, stored: dict[str, pa.DataType]) -> None:
    """Added columns are fine (old files read as NULL); a changed type must be a safe widening."""
    for column in schema.data_columns:
        have = stored.get(column.name)
        want = column.arrow_type
        if have is None or have == want or (have, want) in WIDENINGS or pa.types.is_null(have):
            continue
        raise WarehouseError(
            f"{schema.name}.{column.name} is stored as {have} but declared as {want} (schema version "
            f"{schema.version}): an incompatible change; write a migration or keep the old type")


def check_not_newer(schema: TableSchema, entry: dict) -> None:
    """An older frontline must not write to tables a newer one wrote."""
    if entry.get("schema_version", schema.version) > schema.version:
        raise WarehouseError(
            f"{schema.name}: the warehouse was written with schema version {entry['schema_version']}, newer than "
            f"this frontline's version {schema.version}; upgrade frontline instead of writing to it")


def conform(table: pa.Table, schema: TableSchema) -> pa.Table:
    """Cast to the declared data columns, in order; fail loudly on missing or extra columns."""
    expected = schema.data_columns
    names = [c.name for c in expected]
    missing = [n for n in names if n not in table.column_names]
    extra = [n for n in table.column_names if n not in names]
    if missing or extra:
        raise WarehouseError(f"{schema.name}: columns do not match the declaration "
                             f"(missing {missing}, unexpected {extra})")
    try:
        return table.select(names).cast(schema.arrow_schema(with_partition=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise WarehouseError(f"{schema.name}: data does not fit the declared types: {exc}") from exc


def partitioned(schema: TableSchema, files: list[str]) -> bool:
    """Whether every file lies in a partition folder (not so for files older than the partition)."""
    return all(f"/{schema.partition.column}=" in f for f in files)


def unpartitioned(schema: TableSchema, files: list[str]) -> list[str]:
    """The files written before the table was partitioned (events gained a month partition in schema
    version 2): the next commit to the table moves their rows into partition folders."""
    return [f for f in files if f"/{schema.partition.column}=" not in f]


def pending(schema: TableSchema, entry: dict) -> bool:
    """Whether a migration must rewrite the table's stored rows before it is written to."""
    stored = entry.get("schema_version", schema.version)
    return bool(entry.get("files")) and any((schema.name, v) in MIGRATIONS for v in range(stored, schema.version))


def migrated(schema: TableSchema, stored_version: int, rows: pa.Table, runs: pa.Table) -> pa.Table:
    """The rows of ``stored_version`` brought up to the declared version by each migration in turn."""
    for version in range(stored_version, schema.version):
        if (schema.name, version) in MIGRATIONS:
            rows = MIGRATIONS[(schema.name, version)](rows, runs)
    return rows


def is_legacy(folder: Folder) -> bool:
    """A warehouse written before the marker existed: its manifest says so."""
    try:
        parse_manifest(folder.read_bytes(MANIFEST))
    except (OSError, ValueError):
        return False
    return True
