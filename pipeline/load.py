"""The warehouse: Parquet files, a manifest that says which files are live, and a DuckDB catalog.

The root is a local folder or ``s3://bucket/prefix`` (see ``pipeline.storage``). Layout under it::

    _manifest.json                       the committed snapshot: live files per table
    tables/<table>/<part>=<value>/*.parquet
    frontline.duckdb                     one view per table over the live files
    .lock                                held by the one process that writes

A commit writes new Parquet files (invisible until listed), then replaces the
manifest in one atomic rename, then swaps in a freshly built catalog file.
A crash at any point leaves readers on the previous snapshot; files that no
manifest lists are removed by the next commit. On object storage the manifest
is replaced by one PUT, which is atomic for readers too; there is no catalog
file there (DuckDB cannot read s3:// without the httpfs extension), so
``connect`` gives an in-memory DuckDB whose views scan the same Parquet
through pyarrow datasets. Rows whose key is already
stored are skipped, so loading the same input twice changes nothing.
"""

from __future__ import annotations

import errno
import hashlib
import json
import re
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from pipeline import storage
from pipeline.errors import WarehouseError
from schemas import TableSchema, table_schema, table_schemas

log = logging.getLogger(__name__)

MANIFEST = "_manifest.json"
CATALOG = "frontline.duckdb"
LOCK = ".lock"
RUN_LOCK = ".run.lock"
FORMAT_VERSION = 1
UNKNOWN_PARTITION = "unknown"
DEFAULT_LOCK_TIMEOUT = 600.0
CATALOG_STORAGE_VERSION = "v1.0.0"
CATALOG_LAYOUT = 2  # bump when the views' SQL changes shape, so catalogs built before are rebuilt
# Errors no retry will cure: report them instead.
PERMANENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
COMPACT_TARGET_ROWS = 250_000  # about 10-40 MB of Parquet per file for these tables
MERGE_ROW_GROUP = 65_536  # rows a merge holds at once, and the row group size of merged files
ReplaceSpec = tuple[str, list | None]


@dataclass
class CommitResult:
    """Rows added and removed per table by one commit, and the rows each touched table holds after
    it; snapshot is None when nothing changed."""

    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    snapshot: int | None = None

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.removed.values())


@dataclass
class Manifest:
    snapshot: int = 0
    committed_at: str | None = None
    tables: dict[str, dict] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)  # live in the previous snapshot, deleted by the next commit

    def files(self, table: str) -> list[str]:
        return list(self.tables.get(table, {}).get("files", []))

    def live(self) -> set[str]:
        return {f for t in self.tables.values() for f in t.get("files", [])}

    def succeeded_by(self, tables: dict[str, dict]) -> Manifest:
        new = Manifest(self.snapshot + 1, datetime.now(timezone.utc).isoformat(), tables)
        new.retired = sorted(self.live() - new.live())
        return new

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT_VERSION, "snapshot": self.snapshot, "committed_at": self.committed_at,
             "tables": self.tables, "retired": self.retired},
            indent=1,
            sort_keys=True,
        )


def partition_values(table: pa.Table, schema: TableSchema) -> pa.Array:
    """YYYY-MM of the partition's source date column, 'unknown' where it is NULL."""
    assert schema.partition is not None
    source = table[schema.partition.source]
    months = pc.strftime(source.cast(pa.timestamp("s")), format="%Y-%m")
    return pc.fill_null(months, UNKNOWN_PARTITION)


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


class Warehouse:
    """A warehouse folder or bucket prefix. Only this class writes Parquet or the DuckDB catalog."""

    def __init__(self, root: str | Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.location = storage.location(root)
        self.fs = self.location.fs
        self.remote = self.location.remote
        self.uri = self.location.uri
        self.root = Path(self.location.path)  # meaningful for a local warehouse only
        self.lock_timeout = lock_timeout

    def _path(self, rel: str) -> str:
        return self.location.join(rel)

    # -- reading -----------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    def manifest(self) -> Manifest:
        try:
            raw = json.loads(storage.read_bytes(self.fs, self._path(MANIFEST)).decode("utf-8"))
        except FileNotFoundError:
            return Manifest()
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise WarehouseError(f"cannot read {self._path(MANIFEST)}: {exc}") from exc
        return Manifest(raw["snapshot"], raw.get("committed_at"), raw.get("tables", {}), raw.get("retired", []))

    def read_table(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """The committed rows of one table (partition column included) as Arrow."""
        schema = table_schema(name)
        files = self.manifest().files(name)
        if not files:
            return schema.arrow_schema().empty_table().select(columns or schema.column_names)
        with duckdb.connect() as con:
            rel = con.sql(self._select_sql(schema, files, self._source(con, schema, files)))
            if columns:
                rel = rel.select(*columns)
            return rel.to_arrow_table()

    def existing(self, table: str, column: str, values: list) -> set:
        """Which of ``values`` the committed ``table`` holds in ``column``."""
        return set(self._matching(table, column, values, f'DISTINCT "{column}"')[column].to_pylist())

    def rows(self, table: str, column: str, values: list) -> pa.Table:
        """The committed rows of ``table`` whose ``column`` holds one of ``values``."""
        return self._matching(table, column, values, "*")

    def _matching(self, table: str, column: str, values: list, select: str) -> pa.Table:
        schema = table_schema(table)
        if not values or not self.manifest().files(table):
            return schema.arrow_schema().empty_table()
        con = self.connect()
        try:
            con.register("wanted", pa.table({"v": pa.array(values, type=schema.column(column).arrow_type)}))
            return con.sql(f'SELECT {select} FROM {table} WHERE "{column}" IN (SELECT v FROM wanted)').to_arrow_table()
        finally:
            con.close()

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the catalog, rebuilt first if it is missing or stale.

        On object storage: an in-memory connection with the same views, over pyarrow datasets."""
        if self.remote:
            return self._memory_catalog(self.manifest())
        if not self._catalog_current():
            with self._lock():
                if not self._catalog_current():
                    self._publish_catalog(self.manifest())
        return duckdb.connect(str(self.catalog_path), read_only=True)

    # -- writing -----------------------------------------------------------------
    def commit(
        self,
        batches: dict[str, pa.Table],
        replace: dict[str, ReplaceSpec | list[ReplaceSpec]] | None = None,
        then: Callable[[CommitResult], dict[str, pa.Table]] | None = None,
    ) -> CommitResult:
        """Apply one load atomically across tables.

        ``replace`` maps a table to (column, values) specs: stored rows whose
        column holds one of the values are removed first (an edited article's
        old version, a reprocessed file's old rejects, a re-clustered event).
        Then rows whose key is not stored yet are added. Readers see all of it or none of it.
        """
        try:
            return self._commit(batches, replace or {}, then)
        except OSError as exc:
            if exc.errno in PERMANENT_ERRNOS:
                raise WarehouseError(
                    f"cannot write to the warehouse {self.uri}: {exc.strerror or exc}; nothing was published, "
                    f"the previous snapshot is intact") from exc
            raise  # transient: the caller may retry

    def _commit(self, batches: dict[str, pa.Table], replace: dict, then) -> CommitResult:
        if not self.remote:
            self.root.mkdir(parents=True, exist_ok=True)
        with self._lock():
            manifest = self.manifest()
            self._remove_orphans(manifest)
            snapshot = manifest.snapshot + 1
            tables = {k: dict(v) for k, v in manifest.tables.items()}
            result = CommitResult()
            self._apply(tables, batches, replace, snapshot, result)
            if then is not None:
                self._apply(tables, then(result), {}, snapshot, result)
            if not result.changed and (self.remote or self.catalog_path.exists()):
                return result
            self._publish(manifest.succeeded_by(tables))
            result.snapshot = snapshot
            return result

    def _apply(self, tables: dict[str, dict], batches: dict[str, pa.Table],
               replace: dict[str, ReplaceSpec | list[ReplaceSpec]], snapshot: int, result: CommitResult) -> None:
        """Deletes then inserts into the manifest-to-be ``tables``; files are written, nothing published."""
        for name in sorted(set(batches) | set(replace)):
            schema = table_schema(name)
            entry = tables.setdefault(name, {"files": [], "rows": 0})
            entry.setdefault("files", [])
            specs = replace.get(name, [])
            for column, values in [specs] if isinstance(specs, tuple) else specs:
                if not entry["files"]:
                    break
                entry["files"], removed = self._delete_rows(schema, entry["files"], column, values, snapshot)
                result.removed[name] = result.removed.get(name, 0) + removed
                entry["rows"] = entry.get("rows", 0) - removed
            if entry["files"] and schema.partition and not _partitioned(schema, entry["files"]):
                entry["files"] = self._repartition(schema, entry["files"], snapshot)
            if name not in batches:
                continue
            if entry["files"]:
                check_compatible(schema, self._stored_columns(entry["files"]))
            if entry.get("schema_version", schema.version) > schema.version:
                raise WarehouseError(
                    f"{name}: the warehouse was written with schema version {entry['schema_version']}, newer than "
                    f"this frontline's version {schema.version}; upgrade frontline instead of writing to it")
            new_rows = self._new_rows(conform(batches[name], schema), schema, entry["files"])
            result.added[name] = new_rows.num_rows
            if new_rows.num_rows:
                entry["files"] = entry["files"] + self._write_files(new_rows, schema, snapshot)
                entry["rows"] = entry.get("rows", 0) + new_rows.num_rows
            entry["schema_version"] = schema.version
            result.rows[name] = entry.get("rows", 0)

    def _repartition(self, schema: TableSchema, files: list[str], snapshot: int) -> list[str]:
        """Files written before the table was partitioned, rewritten into its partition folders
        (events gained a month partition in schema version 2). Rows are unchanged."""
        old = [f for f in files if f"/{schema.partition.column}=" not in f]
        table = pa.concat_tables(
            [pq.read_table(self._path(f), partitioning=None, filesystem=self.fs) for f in old],
            promote_options="default")
        table = table.select([c for c in table.column_names if c != schema.partition.column])
        log.info("%s: moving %d rows into %s partitions", schema.name, table.num_rows, schema.partition.column)
        return [f for f in files if f not in old] + self._write_files(table, schema, snapshot)

    def compact(self, target_rows: int = COMPACT_TARGET_ROWS, min_small_files: int = 2) -> dict[str, tuple[int, int]]:
        """Merge each partition's small files into files of about ``target_rows`` rows, atomically.

        Many small loads leave many small files, and readers pay per file. A partition is merged
        when it has at least ``min_small_files`` files under half the target. Returns, per table,
        (files before, files after); rows are unchanged.
        """
        with self._lock():
            manifest = self.manifest()
            cleaned = False  # files the last commit retired are deleted only if this one commits
            snapshot = manifest.snapshot + 1
            tables = {k: dict(v) for k, v in manifest.tables.items()}
            report: dict[str, tuple[int, int]] = {}
            for name, entry in tables.items():
                files = entry.get("files", [])
                groups: dict[str, list[str]] = {}
                for f in files:
                    groups.setdefault(f.rsplit("/", 1)[0], []).append(f)
                kept: list[str] = []
                for folder, members in sorted(groups.items()):
                    if len(members) < max(2, min_small_files):  # too few to be worth reading their footers
                        kept += members
                        continue
                    small = [f for f in members
                             if pq.read_metadata(self._path(f), filesystem=self.fs).num_rows < target_rows // 2]
                    if len(small) < max(2, min_small_files):
                        kept += members
                        continue
                    kept += [f for f in members if f not in small]
                    if not cleaned:
                        self._remove_orphans(manifest)
                        cleaned = True
                    kept += self._merge(folder, small, target_rows, snapshot)
                report[name] = (len(files), len(kept))
                entry["files"] = kept
            if all(before == after for before, after in report.values()):
                return report
            self._publish(manifest.succeeded_by(tables))
            return report

    def _merge(self, folder: str, files: list[str], target_rows: int, snapshot: int) -> list[str]:
        """The files' rows rewritten into files of up to ``target_rows``, streamed one row group at a
        time: an unpartitioned table (files, one row per input file) grows with every run, and
        merging it must not hold it all in memory."""
        paths = [self._path(f) for f in files]
        schema = pa.unify_schemas([_file_schema(self.fs, p) for p in paths], promote_options="default")
        out: list[str] = []
        writer, in_file = None, 0
        try:
            for rows in _regroup(self._batches(paths, schema), schema, MERGE_ROW_GROUP, target_rows):
                if writer is None:
                    out.append(f"{folder}/part-{snapshot:08d}-c{len(out):04d}-{uuid.uuid4().hex[:8]}.parquet")
                    writer = pq.ParquetWriter(self._path(out[-1]), schema, compression="zstd", filesystem=self.fs)
                writer.write_table(rows)
                in_file += rows.num_rows
                if in_file == target_rows:
                    self._finish(writer, out[-1])
                    writer, in_file = None, 0
            if writer is not None:  # the rows ran out inside a file
                self._finish(writer, out[-1])
                writer = None
        finally:
            if writer is not None:  # only on an error: the partial file is an orphan, removed later
                writer.close()
        return out

    def _finish(self, writer: pq.ParquetWriter, rel: str) -> None:
        """Durable before any manifest lists it, as in `_write_parquet`."""
        writer.close()
        if not self.remote:
            _fsync(Path(self._path(rel)))

    def _batches(self, paths: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        for path in paths:
            with self.fs.open_input_file(path) as fh:
                for batch in pq.ParquetFile(fh).iter_batches(batch_size=MERGE_ROW_GROUP):
                    yield _with_schema(batch, schema)

    def _delete_rows(
        self, schema: TableSchema, files: list[str], column: str, values: list, snapshot: int
    ) -> tuple[list[str], int]:
        """Rewrite the files that hold matching rows without them; returns the new file list and rows removed."""
        if not values:
            return files, 0
        doomed = pa.table({"v": pa.array(values, type=schema.column(column).arrow_type)})
        value_set = doomed["v"].combine_chunks()
        hit_files = self._files_holding(files, column, doomed)
        kept, removed = [], 0
        for rel in files:
            if rel not in hit_files:
                kept.append(rel)
                continue
            table = pq.read_table(self._path(rel), partitioning=None, filesystem=self.fs)
            survivors = table.filter(pc.invert(pc.is_in(table[column], value_set=value_set)))
            removed += table.num_rows - survivors.num_rows
            if survivors.num_rows:
                new = f"{rel.rsplit('/', 1)[0]}/part-{snapshot:08d}-{uuid.uuid4().hex[:8]}.parquet"
                self._write_parquet(survivors, new)
                kept.append(new)
        return kept, removed

    def _files_holding(self, files: list[str], column: str, doomed: pa.Table) -> set[str]:
        """Which of the files hold a row whose ``column`` is one of ``doomed.v``."""
        if self.remote:
            import pyarrow.dataset as ds

            dataset = ds.dataset([self._path(f) for f in files], filesystem=self.fs, format="parquet")
            wanted = ds.field(column).isin(doomed["v"].combine_chunks())
            return {self.location.relative(frag.path) for frag in dataset.get_fragments()
                    if frag.count_rows(filter=wanted)}
        with duckdb.connect() as con:
            con.register("doomed", doomed)
            hits = con.sql(
                f"SELECT DISTINCT filename FROM "
                f"{self._parquet_source(files, filename=True)} "
                f'WHERE "{column}" IN (SELECT v FROM doomed)'
            ).fetchall()
        return {self.location.relative(f) for (f,) in hits}

    def _new_rows(self, batch: pa.Table, schema: TableSchema, files: list[str]) -> pa.Table:
        key = schema.key
        # First occurrence wins inside the batch, then anything already stored is dropped.
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
        key = schema.key
        with duckdb.connect() as con:
            con.register("wanted", pa.table({"v": wanted}))
            found = con.sql(f'SELECT DISTINCT "{key}" AS v FROM {self._source(con, schema, files)} '
                            f'WHERE "{key}" IN (SELECT v FROM wanted)').to_arrow_table()["v"]
        return pa.chunked_array(found.chunks, type=wanted.type).combine_chunks()

    def _write_files(self, rows: pa.Table, schema: TableSchema, snapshot: int) -> list[str]:
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
            self._write_parquet(group, f"{folder}/{name}")
            written.append(f"{folder}/{name}")
        return written

    def _write_parquet(self, table: pa.Table, rel: str) -> None:
        """Durable before any manifest lists it."""
        path = self._path(rel)
        if not self.remote:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression="zstd", filesystem=self.fs)
        if not self.remote:
            _fsync(Path(path))

    def _publish(self, manifest: Manifest) -> None:
        """Make ``manifest`` the current snapshot: the manifest, then the catalog over it."""
        self._write_manifest(manifest)
        self._publish_catalog(manifest)
        _forget_schemas(self.fs, {self._path(f) for f in manifest.live()})

    def _write_manifest(self, manifest: Manifest) -> None:
        if self.remote:
            storage.write_bytes(self.fs, self._path(MANIFEST), manifest.to_json().encode("utf-8"))
            return
        tmp = self.root / f"{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(manifest.to_json(), encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self.manifest_path)
        _fsync_dir(self.root)

    # -- the DuckDB catalog -----------------------------------------------------------
    def _parquet_source(self, files: list[str], *, filename: bool = False) -> str:
        """read_parquet() over the files. Matching columns by name across files of different
        schema versions makes DuckDB open every file's footer before the scan and hold them all
        during it (80 MB for 800 files), so it is asked for only when the files differ."""
        paths = [self._path(f) for f in files]
        listed = ", ".join(f"'{_sql_string(p)}'" for p in paths)
        extra = ", filename = true" if filename else ""
        if not _same_schema(self.fs, paths):
            extra += ", union_by_name = true"
        return f"read_parquet([{listed}], hive_partitioning = true, hive_types_autocast = false{extra})"

    def _source(self, con: duckdb.DuckDBPyConnection, schema: TableSchema, files: list[str]) -> str:
        """What a query reads the files from: read_parquet() on a disk; on object storage a pyarrow
        dataset registered in ``con`` (DuckDB scans it with projection and filter pushdown)."""
        if not self.remote:
            return self._parquet_source(files)
        import pyarrow.dataset as ds

        fields = [pa.field(n, t) for n, t in self._stored_columns(files).items()]
        partitioning = None
        if schema.partition is not None:
            fields.append(pa.field(schema.partition.column, pa.string()))
            partitioning = ds.partitioning(pa.schema([fields[-1]]), flavor="hive")
        dataset = ds.dataset([self._path(f) for f in files], schema=pa.schema(fields), format="parquet",
                             filesystem=self.fs, partitioning=partitioning,
                             partition_base_dir=self._path(f"tables/{schema.name}"))
        name = f"_files_{schema.name}"
        con.register(name, dataset)
        return name

    def _stored_columns(self, files: list[str]) -> dict[str, pa.DataType]:
        return stored_columns(self.fs, [self._path(f) for f in files])

    def _select_sql(self, schema: TableSchema, files: list[str], from_: str) -> str:
        """SELECT giving the declared columns over stored files written under any compatible version:
        columns added since a file was written read as NULL."""
        if not files:
            return schema.empty_select_sql()
        stored = self._stored_columns(files)
        check_compatible(schema, stored)
        part = schema.partition.column if schema.partition and _partitioned(schema, files) else None
        cols = []
        for c in schema.columns:
            present = c.name in stored or c.name == part
            source = f'"{c.name}"' if present else "NULL"
            cols.append(f'CAST({source} AS {c.duckdb_type}) AS "{c.name}"')
        return f"SELECT {', '.join(cols)} FROM {from_}"

    def _view_sql(self, schema: TableSchema, manifest: Manifest, con: duckdb.DuckDBPyConnection) -> str:
        files = manifest.files(schema.name)
        source = self._source(con, schema, files) if files else ""
        return f"CREATE OR REPLACE VIEW {schema.name} AS {self._select_sql(schema, files, source)}"

    def _memory_catalog(self, manifest: Manifest) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        try:
            for schema in table_schemas().values():
                con.execute(self._view_sql(schema, manifest, con))
            for statement in derived_views():
                con.execute(statement)
        except Exception:
            con.close()
            raise
        return con

    def _publish_catalog(self, manifest: Manifest) -> None:
        """Build the catalog in a new file and rename it over the old one: readers never see it half-built."""
        if self.remote:
            return  # views are built per connection instead (`_memory_catalog`)
        tmp = self.root / f"{CATALOG}.{uuid.uuid4().hex[:8]}.tmp"
        with duckdb.connect() as con:
            # An older storage version so that DuckDB 1.x clients (e.g. the duckdb CLI) can open it too.
            con.execute(f"ATTACH '{_sql_string(tmp)}' AS catalog (STORAGE_VERSION '{CATALOG_STORAGE_VERSION}')")
            con.execute("USE catalog")
            for schema in table_schemas().values():
                con.execute(self._view_sql(schema, manifest, con))
            for statement in derived_views():
                con.execute(statement)
            con.execute("CREATE TABLE _frontline_catalog (snapshot BIGINT, root VARCHAR, declared VARCHAR)")
            con.execute("INSERT INTO _frontline_catalog VALUES (?, ?, ?)",
                        [manifest.snapshot, str(self.root), _declarations_digest()])
            con.execute("USE memory")
            con.execute("DETACH catalog")
        os.replace(tmp, self.catalog_path)
        _fsync_dir(self.root)

    def _catalog_current(self) -> bool:
        """Opening the catalog to check it costs as much as the query it serves, so a check that
        passed is remembered for that very file (inode, size, mtime) and manifest snapshot."""
        try:
            st = self.catalog_path.stat()
        except FileNotFoundError:
            return False
        snapshot, declared = self.manifest().snapshot, _declarations_digest()
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns, snapshot, declared)
        if _VERIFIED_CATALOGS.get(self.catalog_path) == stamp:
            return True
        if not self._check_catalog(snapshot, declared):
            return False
        _VERIFIED_CATALOGS[self.catalog_path] = stamp
        return True

    def _check_catalog(self, snapshot: int, declared: str) -> bool:
        try:
            with duckdb.connect(str(self.catalog_path), read_only=True) as con:
                rows = con.execute("SELECT snapshot, root, declared FROM _frontline_catalog").fetchall()
                views = {r[0] for r in con.execute(
                    "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        except duckdb.Error:
            return False
        wanted = set(table_schemas()) | {re.search(r"VIEW\s+(\w+)", v)[1] for v in derived_views()}
        return rows == [(snapshot, str(self.root), declared)] and wanted <= views

    # -- housekeeping -----------------------------------------------------------
    @contextmanager
    def _lock(self, name: str = LOCK, timeout: float | None = None, what: str = "writing to") -> Iterator[None]:
        """One holder at a time; another waits up to ``timeout`` seconds, then stops with a clear message."""
        timeout = self.lock_timeout if timeout is None else timeout
        path = self._lock_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(path, timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            raise WarehouseError(
                f"another frontline run is {what} {self.uri} (lock {path} still held after "
                f"{timeout:.0f} s); try again when it has finished"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _lock_path(self, name: str) -> Path:
        """Next to the data on a disk. Object storage has no locks: writers on this machine share one
        under the state folder, and writers on several machines must be serialised by the scheduler
        (one deployment with a concurrency limit of 1)."""
        if not self.remote:
            return self.root / name
        from pipeline.settings import state_dir

        digest = hashlib.sha256(self.uri.encode()).hexdigest()[:16]
        return state_dir() / "locks" / f"{digest}{name}"

    def run_lock(self, timeout: float) -> AbstractContextManager[None]:
        """Held for a whole ETL run, so two runs never interleave their reads and writes."""
        return self._lock(RUN_LOCK, timeout, what="running on")

    def _remove_orphans(self, manifest: Manifest) -> None:
        """Files the current manifest does not list: retired by the previous commit (kept until now for
        readers still on the snapshot before it), or left by a run that died before committing."""
        live, retired = manifest.live(), set(manifest.retired)
        selector = pafs.FileSelector(self._path("tables"), recursive=True, allow_not_found=True)
        for info in self.fs.get_file_info(selector):
            rel = self.location.relative(info.path)
            if info.type == pafs.FileType.File and rel.endswith(".parquet") and rel not in live:
                if rel not in retired:
                    log.warning("removing %s: written by a run that did not commit", rel)
                self.fs.delete_file(info.path)
        if self.remote:
            return
        for tmp in self.root.glob("*.tmp"):
            log.warning("removing %s: left by a run that did not finish", tmp.name)
            tmp.unlink(missing_ok=True)


# Catalog path -> the stamp of the file and manifest that last passed the check.
_VERIFIED_CATALOGS: dict[Path, tuple] = {}

# Stored type -> declared types it may be read as when a declaration changes.
_WIDENINGS = {
    (pa.int32(), pa.int64()), (pa.int32(), pa.float64()), (pa.int64(), pa.float64()),
    (pa.float32(), pa.float64()), (pa.date32(), pa.timestamp("us", tz="UTC")),
}


_SCHEMAS: dict[tuple[str, str], pa.Schema] = {}
_DISTINCT_SCHEMAS: dict[bytes, pa.Schema] = {}  # a few per table: one per schema version ever written


def _file_schema(fs: pafs.FileSystem, path: str) -> pa.Schema:
    key = (fs.type_name, path)  # files never change once written, so caching by path is safe
    if key not in _SCHEMAS:
        if len(_SCHEMAS) > 65536:
            _SCHEMAS.clear()
            _DISTINCT_SCHEMAS.clear()
        schema = pq.read_schema(path, filesystem=fs)
        # Files share a few schemas: one object each, not one per file (12 KB each, 1,914 files
        # in a 100,000-article warehouse).
        _SCHEMAS[key] = _DISTINCT_SCHEMAS.setdefault(schema.serialize().to_pybytes(), schema)
    return _SCHEMAS[key]


def _with_schema(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """A batch of an older file in the merged files' schema: columns it lacks are NULL."""
    names = batch.schema.names
    return pa.RecordBatch.from_arrays(
        [batch.column(f.name).cast(f.type) if f.name in names else pa.nulls(batch.num_rows, f.type) for f in schema],
        schema=schema)


def _regroup(batches: Iterable[pa.RecordBatch], schema: pa.Schema, group_rows: int,
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


def _same_schema(fs: pafs.FileSystem, paths: list[str]) -> bool:
    first = _file_schema(fs, paths[0]) if paths else None
    return all(_file_schema(fs, p).equals(first) for p in paths[1:])


def _forget_schemas(fs: pafs.FileSystem, live: set[str]) -> None:
    """Drop cached schemas of files no longer in the manifest: a long run writes thousands."""
    for key in [k for k in _SCHEMAS if k[0] == fs.type_name and k[1] not in live]:
        del _SCHEMAS[key]


def stored_columns(fs: pafs.FileSystem, paths: list[str]) -> dict[str, pa.DataType]:
    """Columns present in any of the files, with their stored types."""
    found: dict[str, pa.DataType] = {}
    for path in paths:
        for column in _file_schema(fs, path):
            found.setdefault(column.name, column.type)
    return found


def _declarations_digest() -> str:
    """Changes when a table declaration or a view does, so a catalog built by other code is rebuilt."""
    text = repr(sorted((s.name, s.version, s.partition, [(c.name, c.duckdb_type) for c in s.columns])
                       for s in table_schemas().values())) + "".join(derived_views()) + f"{CATALOG_LAYOUT}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _partitioned(schema: TableSchema, files: list[str]) -> bool:
    """Whether every file lies in a partition folder (not so for files older than the partition)."""
    return all(f"/{schema.partition.column}=" in f for f in files)


def check_compatible(schema: TableSchema, stored: dict[str, pa.DataType]) -> None:
    """Added columns are fine (old files read as NULL); a changed type must be a safe widening."""
    for column in schema.data_columns:
        have = stored.get(column.name)
        want = column.arrow_type
        if have is None or have == want or (have, want) in _WIDENINGS or pa.types.is_null(have):
            continue
        raise WarehouseError(
            f"{schema.name}.{column.name} is stored as {have} but declared as {want} (schema version "
            f"{schema.version}): an incompatible change; write a migration or keep the old type")


def derived_views() -> list[str]:
    """The ready-made views of schemas/views.sql, one CREATE VIEW statement each."""
    from schemas import SCHEMA_DIR

    text = (SCHEMA_DIR / "views.sql").read_text(encoding="utf-8")
    return [s.strip() for s in re.split(r";\s*\n", text) if s.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in s.strip().splitlines())]


def _sql_string(value: str | Path) -> str:
    """Escape a value for a single-quoted SQL literal (paths in view definitions)."""
    return str(value).replace("'", "''")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        _fsync(path)
    except OSError:  # some filesystems do not fsync directories
        pass
