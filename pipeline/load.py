"""The warehouse: Parquet files, a manifest that says which files are live, and a DuckDB catalog.

Layout under the warehouse root::

    _manifest.json                       the committed snapshot: live files per table
    tables/<table>/<part>=<value>/*.parquet
    frontline.duckdb                     one view per table over the live files
    .lock                                held by the one process that writes

A commit writes new Parquet files (invisible until listed), then replaces the
manifest in one atomic rename, then swaps in a freshly built catalog file.
A crash at any point leaves readers on the previous snapshot; files that no
manifest lists are removed by the next commit. Rows whose key is already
stored are skipped, so loading the same input twice changes nothing.
"""

from __future__ import annotations

import errno
import functools
import json
import re
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

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
# Errors no retry will cure: report them instead.
PERMANENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
COMPACT_TARGET_ROWS = 250_000  # about 10-40 MB of Parquet per file for these tables
ReplaceSpec = tuple[str, list | None]
ALL_ROWS: ReplaceSpec = ("*", None)  # replace spec that empties a table


@dataclass
class CommitResult:
    """Rows added and removed per table by one commit; snapshot is None when nothing changed."""

    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    snapshot: int | None = None

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.removed.values())


@dataclass
class Manifest:
    snapshot: int = 0
    committed_at: str | None = None
    tables: dict[str, dict] = field(default_factory=dict)

    def files(self, table: str) -> list[str]:
        return list(self.tables.get(table, {}).get("files", []))

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT_VERSION, "snapshot": self.snapshot, "committed_at": self.committed_at,
             "tables": self.tables},
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
    """A local warehouse directory. Only this class writes Parquet or the DuckDB catalog."""

    def __init__(self, root: str | Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.root = Path(root).absolute()
        self.lock_timeout = lock_timeout

    # -- reading -----------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    def manifest(self) -> Manifest:
        if not self.manifest_path.exists():
            return Manifest()
        try:
            raw = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise WarehouseError(f"cannot read {self.manifest_path}: {exc}") from exc
        return Manifest(raw["snapshot"], raw.get("committed_at"), raw.get("tables", {}))

    def read_table(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """The committed rows of one table (partition column included) as Arrow."""
        schema = table_schema(name)
        files = self.manifest().files(name)
        if not files:
            return schema.arrow_schema().empty_table().select(columns or schema.column_names)
        with duckdb.connect() as con:
            rel = con.sql(self._select_sql(schema, files))
            if columns:
                rel = rel.select(*columns)
            return rel.to_arrow_table()

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the catalog, rebuilt first if it is missing or stale."""
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
        old version, a reprocessed file's old rejects); ``ALL_ROWS`` empties
        the table (a derived table rebuilt whole). Then rows whose key is not
        stored yet are added. Readers see all of it or none of it.
        """
        try:
            return self._commit(batches, replace or {}, then)
        except OSError as exc:
            if exc.errno in PERMANENT_ERRNOS:
                raise WarehouseError(
                    f"cannot write to the warehouse {self.root}: {exc.strerror or exc}; nothing was published, "
                    f"the previous snapshot is intact") from exc
            raise  # transient: the caller may retry

    def _commit(self, batches: dict[str, pa.Table], replace: dict, then) -> CommitResult:
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
            if not result.changed and self.catalog_path.exists():
                return result
            new = Manifest(snapshot, datetime.now(timezone.utc).isoformat(), tables)
            self._write_manifest(new)
            self._publish_catalog(new)
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
                if column == ALL_ROWS[0]:
                    removed, entry["files"] = entry.get("rows", 0), []
                else:
                    entry["files"], removed = self._delete_rows(schema, entry["files"], column, values, snapshot)
                result.removed[name] = result.removed.get(name, 0) + removed
                entry["rows"] = entry.get("rows", 0) - removed
            if name not in batches:
                continue
            if entry["files"]:
                check_compatible(schema, stored_columns(self.root, entry["files"]))
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

    def compact(self, target_rows: int = COMPACT_TARGET_ROWS) -> dict[str, tuple[int, int]]:
        """Merge each partition's small files into files of about ``target_rows`` rows, atomically.

        Many small loads leave many small files, and readers pay per file. Returns, per table,
        (files before, files after); rows are unchanged.
        """
        with self._lock():
            manifest = self.manifest()
            self._remove_orphans(manifest)
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
                    small = [f for f in members if pq.ParquetFile(self.root / f).metadata.num_rows < target_rows // 2]
                    if len(small) < 2:
                        kept += members
                        continue
                    kept += [f for f in members if f not in small]
                    merged = pa.concat_tables(
                        [pq.read_table(self.root / f, partitioning=None) for f in small], promote_options="default")
                    for k, start in enumerate(range(0, merged.num_rows, target_rows)):
                        path = self.root / folder / f"part-{snapshot:08d}-c{k:04d}-{uuid.uuid4().hex[:8]}.parquet"
                        pq.write_table(merged.slice(start, target_rows), path, compression="zstd")
                        _fsync(path)
                        kept.append(path.relative_to(self.root).as_posix())
                report[name] = (len(files), len(kept))
                entry["files"] = kept
            if all(before == after for before, after in report.values()):
                return report
            new = Manifest(snapshot, datetime.now(timezone.utc).isoformat(), tables)
            self._write_manifest(new)
            self._publish_catalog(new)
            return report

    def _delete_rows(
        self, schema: TableSchema, files: list[str], column: str, values: list, snapshot: int
    ) -> tuple[list[str], int]:
        """Rewrite the files that hold matching rows without them; returns the new file list and rows removed."""
        if not values:
            return files, 0
        doomed = pa.table({"v": pa.array(values, type=schema.column(column).arrow_type)})
        with duckdb.connect() as con:
            con.register("doomed", doomed)
            hits = con.sql(
                f"SELECT filename, count(*) AS n FROM "
                f"{self._parquet_source([str(self.root / f) for f in files], filename=True)} "
                f'WHERE "{column}" IN (SELECT v FROM doomed) GROUP BY filename'
            ).fetchall()
        hit_files = {Path(f).relative_to(self.root).as_posix(): n for f, n in hits}
        kept, removed = [], 0
        value_set = doomed["v"].combine_chunks()
        for rel in files:
            if rel not in hit_files:
                kept.append(rel)
                continue
            table = pq.read_table(self.root / rel, partitioning=None)
            survivors = table.filter(pc.invert(pc.is_in(table[column], value_set=value_set)))
            removed += table.num_rows - survivors.num_rows
            if survivors.num_rows:
                path = (self.root / rel).parent / f"part-{snapshot:08d}-{uuid.uuid4().hex[:8]}.parquet"
                pq.write_table(survivors, path, compression="zstd")
                _fsync(path)
                kept.append(path.relative_to(self.root).as_posix())
        return kept, removed

    def _new_rows(self, batch: pa.Table, schema: TableSchema, files: list[str]) -> pa.Table:
        key = schema.key
        # First occurrence wins inside the batch, then anything already stored is dropped.
        keys = batch[key].to_pylist()
        seen: set = set()
        keep = [not (k in seen or seen.add(k)) for k in keys]
        batch = batch.filter(pa.array(keep, type=pa.bool_()))
        if files and batch.num_rows:
            stored = pq.read_table([str(self.root / f) for f in files], columns=[key])[key]
            stored = pa.chunked_array(stored.chunks, type=stored.type).combine_chunks()
            batch = batch.filter(pc.invert(pc.is_in(batch[key], value_set=stored)))
        return batch

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
            rel = Path("tables") / schema.name
            if value is not None:
                rel = rel / f"{schema.partition.column}={value}"
            (self.root / rel).mkdir(parents=True, exist_ok=True)
            path = self.root / rel / name
            pq.write_table(group, path, compression="zstd")
            _fsync(path)
            written.append((rel / name).as_posix())
        return written

    def _write_manifest(self, manifest: Manifest) -> None:
        tmp = self.root / f"{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(manifest.to_json(), encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self.manifest_path)
        _fsync_dir(self.root)

    # -- the DuckDB catalog -----------------------------------------------------------
    @staticmethod
    def _parquet_source(files: list[str], *, filename: bool = False) -> str:
        listed = ", ".join(f"'{_sql_string(f)}'" for f in files)
        extra = ", filename = true" if filename else ""
        return (f"read_parquet([{listed}], hive_partitioning = true, hive_types_autocast = false, "
                f"union_by_name = true{extra})")

    def _select_sql(self, schema: TableSchema, files: list[str]) -> str:
        """SELECT giving the declared columns over stored files written under any compatible version:
        columns added since a file was written read as NULL."""
        if not files:
            return schema.empty_select_sql()
        stored = stored_columns(self.root, files)
        check_compatible(schema, stored)
        part = schema.partition.column if schema.partition else None
        cols = []
        for c in schema.columns:
            present = c.name in stored or c.name == part
            source = f'"{c.name}"' if present else "NULL"
            cols.append(f'CAST({source} AS {c.duckdb_type}) AS "{c.name}"')
        return f"SELECT {', '.join(cols)} FROM {self._parquet_source([str(self.root / f) for f in files])}"

    def _view_sql(self, schema: TableSchema, manifest: Manifest) -> str:
        return f"CREATE OR REPLACE VIEW {schema.name} AS {self._select_sql(schema, manifest.files(schema.name))}"

    def _publish_catalog(self, manifest: Manifest) -> None:
        """Build the catalog in a new file and rename it over the old one: readers never see it half-built."""
        tmp = self.root / f"{CATALOG}.{uuid.uuid4().hex[:8]}.tmp"
        with duckdb.connect() as con:
            # An older storage version so that DuckDB 1.x clients (e.g. the duckdb CLI) can open it too.
            con.execute(f"ATTACH '{_sql_string(tmp)}' AS catalog (STORAGE_VERSION '{CATALOG_STORAGE_VERSION}')")
            con.execute("USE catalog")
            for schema in table_schemas().values():
                con.execute(self._view_sql(schema, manifest))
            for statement in derived_views():
                con.execute(statement)
            con.execute("CREATE TABLE _frontline_catalog (snapshot BIGINT, root VARCHAR)")
            con.execute("INSERT INTO _frontline_catalog VALUES (?, ?)", [manifest.snapshot, str(self.root)])
            con.execute("USE memory")
            con.execute("DETACH catalog")
        os.replace(tmp, self.catalog_path)
        _fsync_dir(self.root)

    def _catalog_current(self) -> bool:
        if not self.catalog_path.exists():
            return False
        try:
            with duckdb.connect(str(self.catalog_path), read_only=True) as con:
                rows = con.execute("SELECT snapshot, root FROM _frontline_catalog").fetchall()
                views = {r[0] for r in con.execute(
                    "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        except duckdb.Error:
            return False
        wanted = set(table_schemas()) | {re.search(r"VIEW\s+(\w+)", v)[1] for v in derived_views()}
        return rows == [(self.manifest().snapshot, str(self.root))] and wanted <= views

    # -- housekeeping -----------------------------------------------------------
    @contextmanager
    def _lock(self, name: str = LOCK, timeout: float | None = None, what: str = "writing to") -> Iterator[None]:
        """One holder at a time; another waits up to ``timeout`` seconds, then stops with a clear message."""
        timeout = self.lock_timeout if timeout is None else timeout
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / name, timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            raise WarehouseError(
                f"another frontline run is {what} {self.root} (lock {self.root / name} still held after "
                f"{timeout:.0f} s); try again when it has finished"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def run_lock(self, timeout: float) -> AbstractContextManager[None]:
        """Held for a whole ETL run, so two runs never interleave their reads and writes."""
        return self._lock(RUN_LOCK, timeout, what="running on")

    def _remove_orphans(self, manifest: Manifest) -> None:
        """Files no manifest lists were left by a run that died before committing."""
        live = {f for t in manifest.tables.values() for f in t.get("files", [])}
        tables_dir = self.root / "tables"
        for path in tables_dir.rglob("*.parquet") if tables_dir.exists() else []:
            rel = path.relative_to(self.root).as_posix()
            if rel not in live:
                log.warning("removing %s: written by a run that did not commit", rel)
                path.unlink(missing_ok=True)
        for tmp in self.root.glob("*.tmp"):
            log.warning("removing %s: left by a run that did not finish", tmp.name)
            tmp.unlink(missing_ok=True)


# Stored type -> declared types it may be read as when a declaration changes.
_WIDENINGS = {
    (pa.int32(), pa.int64()), (pa.int32(), pa.float64()), (pa.int64(), pa.float64()),
    (pa.float32(), pa.float64()), (pa.date32(), pa.timestamp("us", tz="UTC")),
}


@functools.lru_cache(maxsize=65536)
def _file_schema(path: str) -> pa.Schema:
    return pq.read_schema(path)  # files never change once written, so caching by path is safe


def stored_columns(root: Path, files: list[str]) -> dict[str, pa.DataType]:
    """Columns present in any of the files, with their stored types."""
    found: dict[str, pa.DataType] = {}
    for f in files:
        for column in _file_schema(str(root / f)):
            found.setdefault(column.name, column.type)
    return found


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
