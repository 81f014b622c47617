"""The Parquet files of a warehouse's tables: written, rewritten without deleted rows, merged,
migrated, checked, and cleaned up when no manifest lists them.

Nothing here publishes: each method returns the files of the manifest-to-be, and only files of
frontline's own naming are ever removed.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pipeline.warehousing.compat import conform, migrated, unpartitioned
from pipeline.warehousing.folder import LocalFolder, ObjectFolder
from pipeline.warehousing.manifest import Manifest
from pipeline.warehousing.scan import read_files
from pipeline.warehousing.stored_schemas import FILE_SCHEMAS
from schemas import TableSchema, table_schema

log = logging.getLogger(__name__)

QUARANTINE = "_quarantine"
UNKNOWN_PARTITION = "unknown"
# The only names frontline writes: anything else in the folder is left alone.
OUR_PARQUET = re.compile(r"part-\d{8}(-c\d{4})?-[0-9a-f]{8}\.parquet")
MERGE_ROW_GROUP = 65_536  # rows a merge holds at once, and the row group size of merged files


class TableFiles:
    """The table files under one warehouse folder."""

    def __init__(self, folder: LocalFolder | ObjectFolder):
        self.folder = folder

    # -- adding and removing rows -------------------------------------------------
    def write(self, rows: pa.Table, schema: TableSchema, snapshot: int) -> list[str]:
        """New files holding ``rows``, one per partition; their paths under the root."""
        token = uuid.uuid4().hex[:8]
        name = f"part-{snapshot:08d}-{token}.parquet"
        if schema.partition is None:
            groups = {None: rows}
        else:
            values = partition_values(rows, schema)
            groups = {
                v: rows.filter(pc.equal(values, v)) for v in sorted(set(values.to_pylist()))
            }
        written = []
        for value, group in groups.items():
            folder = f"tables/{schema.name}"
            if value is not None:
                folder += f"/{schema.partition.column}={value}"
            self.folder.write_parquet(group, f"{folder}/{name}")
            written.append(f"{folder}/{name}")
        return written

    def delete_rows(
        self, schema: TableSchema, files: list[str], column: str, values: list, snapshot: int
    ) -> tuple[list[str], int]:
        """Rewrite the files that hold matching rows without them; returns the new file list and rows removed."""
        if not values:
            return files, 0
        doomed = pa.table({"v": pa.array(values, type=schema.column(column).arrow_type)})
        value_set = doomed["v"].combine_chunks()
        hit_files = self.folder.files_holding(files, column, doomed)
        kept, removed = [], 0
        for rel in files:
            if rel not in hit_files:
                kept.append(rel)
                continue
            table = pq.read_table(self.folder.path(rel), partitioning=None, filesystem=self.folder.fs)
            survivors = table.filter(pc.invert(pc.is_in(table[column], value_set=value_set)))
            removed += table.num_rows - survivors.num_rows
            if survivors.num_rows:
                new = f"{rel.rsplit('/', 1)[0]}/part-{snapshot:08d}-{uuid.uuid4().hex[:8]}.parquet"
                self.folder.write_parquet(survivors, new)
                kept.append(new)
        return kept, removed

    def new_rows(self, batch: pa.Table, schema: TableSchema, files: list[str]) -> pa.Table:
        """The batch's rows whose key is new: first occurrence wins inside the batch, then anything
        already stored is dropped."""
        key = schema.key
        keys = batch[key].to_pylist()
        seen: set = set()
        keep = [not (k in seen or seen.add(k)) for k in keys]
        batch = batch.filter(pa.array(keep, type=pa.bool_()))
        if files and batch.num_rows:
            stored = self._stored_keys(schema, files, batch[key].combine_chunks())
            batch = batch.filter(pc.invert(pc.is_in(batch[key], value_set=stored)))
        return batch

    def _stored_keys(self, schema: TableSchema, files: list[str], wanted: pa.Array) -> pa.Array:
        """Which of ``wanted`` the files already hold: a DuckDB scan, so memory follows the batch,
        not the table, and is freed with the connection."""
        import duckdb

        key = schema.key
        with duckdb.connect() as con:
            con.register("wanted", pa.table({"v": wanted}))
            found = con.sql(f'SELECT DISTINCT "{key}" AS v FROM {self.folder.source(con, schema, files)} '
                            f'WHERE "{key}" IN (SELECT v FROM wanted)').to_arrow_table()["v"]
        return pa.chunked_array(found.chunks, type=wanted.type).combine_chunks()

    # -- rewriting what older code stored -------------------------------------------
    def migrate(self, schema: TableSchema, entry: dict, tables: dict[str, dict], snapshot: int) -> None:
        """The table's rows rewritten by its migrations (``pipeline.warehousing.migrations``) into new
        files of the declared version; the old files are retired like any superseded file."""
        rows = read_files(self.folder, schema, entry["files"])
        runs_schema = table_schema("runs")
        runs_files = tables.get("runs", {}).get("files", [])
        runs = read_files(self.folder, runs_schema, runs_files) if runs_files else runs_schema.arrow_schema().empty_table()
        rows = migrated(schema, entry.get("schema_version", schema.version), rows, runs)
        log.info("%s: rewriting %d rows from schema version %s to %d", schema.name, rows.num_rows,
                 entry.get("schema_version"), schema.version)
        entry["files"] = self.write(conform(rows.drop_columns(
            [schema.partition.column] if schema.partition else []), schema), schema, snapshot)
        entry["rows"] = rows.num_rows
        entry["schema_version"] = schema.version

    def repartition(self, schema: TableSchema, files: list[str], snapshot: int) -> list[str]:
        """Files written before the table was partitioned, rewritten into its partition folders
        (events gained a month partition in schema version 2). Rows are unchanged."""
        old = unpartitioned(schema, files)
        table = pa.concat_tables(
            [pq.read_table(self.folder.path(f), partitioning=None, filesystem=self.folder.fs) for f in old],
            promote_options="default")
        table = table.select([c for c in table.column_names if c != schema.partition.column])
        log.info("%s: moving %d rows into %s partitions", schema.name, table.num_rows, schema.partition.column)
        return [f for f in files if f not in old] + self.write(table, schema, snapshot)

    # -- compaction ---------------------------------------------------------------------
    def compacted(self, files: list[str], target_rows: int, min_small_files: int, snapshot: int,
                  before_merging: Callable[[], None]) -> list[str]:
        """The files with each partition's small ones merged: a partition is merged when it has at
        least ``min_small_files`` files under half ``target_rows``. ``before_merging`` runs once,
        before the first merge of the compaction (it removes a dead run's leftovers)."""
        groups: dict[str, list[str]] = {}
        for f in files:
            groups.setdefault(f.rsplit("/", 1)[0], []).append(f)
        kept: list[str] = []
        for folder, members in sorted(groups.items()):
            if len(members) < max(2, min_small_files):  # too few to be worth reading their footers
                kept += members
                continue
            small = [f for f in members if self.row_count([f]) < target_rows // 2]
            if len(small) < max(2, min_small_files):
                kept += members
                continue
            kept += [f for f in members if f not in small]
            before_merging()
            kept += self.merge(folder, small, target_rows, snapshot)
        return kept

    def merge(self, folder: str, files: list[str], target_rows: int, snapshot: int) -> list[str]:
        """The files' rows rewritten into files of up to ``target_rows``, streamed one row group at a
        time: an unpartitioned table (files, one row per input file) grows with every run, and
        merging it must not hold it all in memory."""
        paths = [self.folder.path(f) for f in files]
        schema = pa.unify_schemas([FILE_SCHEMAS.schema(self.folder.fs, p) for p in paths], promote_options="default")
        out: list[str] = []
        writer, in_file = None, 0
        try:
            for rows in regroup(self._batches(paths, schema), schema, MERGE_ROW_GROUP, target_rows):
                if writer is None:
                    out.append(f"{folder}/part-{snapshot:08d}-c{len(out):04d}-{uuid.uuid4().hex[:8]}.parquet")
                    writer = self.folder.open_parquet_writer(out[-1], schema)
                writer.write_table(rows)
                in_file += rows.num_rows
                if in_file == target_rows:
                    writer.close()
                    self.folder.make_durable(out[-1])
                    writer, in_file = None, 0
            if writer is not None:  # the rows ran out inside a file
                writer.close()
                self.folder.make_durable(out[-1])
                writer = None
        finally:
            if writer is not None:  # only on an error: the partial file is an orphan, removed later
                writer.close()
        return out

    def _batches(self, paths: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        for path in paths:
            with self.folder.fs.open_input_file(path) as fh:
                for batch in pq.ParquetFile(fh).iter_batches(batch_size=MERGE_ROW_GROUP):
                    yield with_schema(batch, schema)

    # -- checking and cleaning up --------------------------------------------------------
    def row_count(self, files: list[str]) -> int:
        """Rows in the files, from their footers."""
        return sum(pq.read_metadata(self.folder.path(f), filesystem=self.folder.fs).num_rows for f in files)

    def unreadable(self, rel: str) -> str | None:
        """Why a Parquet file cannot be read through, or None: each row group is decoded, one at a time."""
        try:
            with self.folder.fs.open_input_file(self.folder.path(rel)) as fh:
                reader = pq.ParquetFile(fh)
                for i in range(reader.num_row_groups):
                    reader.read_row_group(i)
        except FileNotFoundError:
            return "missing"
        except (OSError, pa.ArrowException) as exc:
            return f"{type(exc).__name__}: {str(exc).strip()[:200]}"
        return None

    def quarantine(self, rel: str) -> None:
        """Move a damaged file out of tables/, into _quarantine/."""
        if not self.folder.exists(rel):
            return
        self.folder.move(rel, f"{QUARANTINE}/{rel}")
        log.warning("quarantined %s: it cannot be read", rel)

    def remove_orphans(self, manifest: Manifest) -> None:
        """Delete what a run that died before committing left: Parquet files of frontline's own naming
        that no kept manifest lists, and the private _tmp/ folder. Nothing else is touched."""
        kept = manifest.kept()
        selector = pafs.FileSelector(self.folder.path("tables"), recursive=True, allow_not_found=True)
        for info in self.folder.fs.get_file_info(selector):
            rel = self.folder.relative(info.path)
            if info.type == pafs.FileType.File and OUR_PARQUET.fullmatch(info.base_name) and rel not in kept:
                log.warning("removing %s: written by a run that did not commit", rel)
                self.folder.fs.delete_file(info.path)
        self.folder.remove_leftovers()

    def remove_unlisted(self, manifest: Manifest, previous: Manifest) -> None:
        """Delete the files ``previous`` kept that ``manifest`` no longer does: retired
        KEEP_SNAPSHOTS commits ago, no kept manifest lists them."""
        for rel in sorted(previous.kept() - manifest.kept()):
            self.folder.delete(rel)


def partition_values(table: pa.Table, schema: TableSchema) -> pa.Array:
    """YYYY-MM of the partition's source date column, 'unknown' where it is NULL."""
    assert schema.partition is not None
    source = table[schema.partition.source]
    months = pc.strftime(source.cast(pa.timestamp("s")), format="%Y-%m")
    return pc.fill_null(months, UNKNOWN_PARTITION)


def with_schema(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """A batch of an older file in the merged files' schema: columns it lacks are NULL."""
    names = batch.schema.names
    return pa.RecordBatch.from_arrays(
        [batch.column(f.name).cast(f.type) if f.name in names else pa.nulls(batch.num_rows, f.type) for f in schema],
        schema=schema)


def regroup(batches: Iterable[pa.RecordBatch], schema: pa.Schema, group_rows: int,
            file_rows: int) -> Iterator[pa.Table]:
    """The batches' rows as tables of up to ``group_rows``, none straddling a multiple of
    ``file_rows``, so each can be written as one row group of one file."""
    held: list[pa.RecordBatch] = []
    n_held = in_file = 0
    for batch in batches:
        while batch.num_rows:
            take = min(batch.num_rows, group_rows - n_held, file_rows - in_file - n_held)
            held.append(batch.slice(0, take))
            n_held += take
            batch = batch.slice(take)
            if n_held == group_rows or in_file + n_held == file_rows:
                in_file = (in_file + n_held) % file_rows
                yield pa.Table.from_batches(held, schema)
                held, n_held = [], 0
    if held:
        yield pa.Table.from_batches(held, schema)
