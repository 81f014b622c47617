"""The warehouse: Parquet files, a manifest that says which files are live, and a DuckDB catalog.

The root is a local folder or ``s3://bucket/prefix`` (see ``pipeline.storage``). Layout under it::

    _frontline_warehouse.json            marks the folder as a frontline warehouse
    _manifest.json                       the committed snapshot: live files per table
    _history/manifest-<snapshot>.json    the last few manifests, so a lost one can be restored
    tables/<table>/<part>=<value>/*.parquet
    frontline.duckdb                     one view per table over the live files (absolute paths; rebuilt when the root moves)
    _tmp/                                temporary files of a commit in progress
    _quarantine/                         Parquet files `frontline repair` found damaged
    .lock, .run.lock                     held by the one process that writes

A commit writes new Parquet files (invisible until listed), then replaces the
manifest in one atomic rename, then swaps in a freshly built catalog file.
A crash at any point leaves readers on the previous snapshot; Parquet files
that no manifest lists are removed by the next commit, and only files this
code names and writes are ever removed. A folder that is not empty and holds
no marker is refused: frontline never adopts, or cleans up, somebody else's folder.
On object storage the manifest is replaced by one PUT, which is atomic for
readers too; there is no catalog file there (DuckDB cannot read s3:// without
the httpfs extension). Readers never use the catalog file: ``connect`` gives an
in-memory DuckDB whose views read the files the manifest lists, confined to the
warehouse's tables. Rows whose key is already stored are skipped, so loading the
same input twice changes nothing.
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
MARKER = "_frontline_warehouse.json"
HISTORY = "_history"
TMP = "_tmp"
QUARANTINE = "_quarantine"
CATALOG = "frontline.duckdb"
LOCK = ".lock"
RUN_LOCK = ".run.lock"
FORMAT_VERSION = 2  # 2: `retired` maps each superseded file to the snapshot that retired it
KEEP_SNAPSHOTS = 5  # manifests kept in _history, and how long a superseded file outlives its snapshot
# The only names frontline writes: anything else in the folder is left alone.
OUR_PARQUET = re.compile(r"part-\d{8}(-c\d{4})?-[0-9a-f]{8}\.parquet")
OUR_OLD_TMP = re.compile(r"(_manifest\.json|frontline\.duckdb)\.[0-9a-f]{8}\.tmp(\.wal)?")  # before _tmp/
HISTORY_NAME = re.compile(r"manifest-(\d{8})\.json")
OWN_ENTRIES = {LOCK, RUN_LOCK, TMP}  # what a warehouse-to-be may hold before its marker is written
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
class RepairReport:
    """What `Warehouse.repair` found and did."""

    problem: str | None = None  # why the manifest could not be used
    restored: int | None = None  # snapshot restored from _history
    quarantined: dict[str, str] = field(default_factory=dict)  # file -> why it cannot be read
    marker_written: bool = False


@dataclass
class Manifest:
    snapshot: int = 0
    committed_at: str | None = None
    tables: dict[str, dict] = field(default_factory=dict)
    # Files live in an earlier snapshot, with the snapshot that retired them: kept while a manifest
    # in _history still lists them (for readers still on it, and for `frontline repair`).
    retired: dict[str, int] = field(default_factory=dict)

    def files(self, table: str) -> list[str]:
        return list(self.tables.get(table, {}).get("files", []))

    def live(self) -> set[str]:
        return {f for t in self.tables.values() for f in t.get("files", [])}

    def succeeded_by(self, tables: dict[str, dict]) -> Manifest:
        new = Manifest(self.snapshot + 1, datetime.now(timezone.utc).isoformat(), tables)
        live = new.live()
        new.retired = {f: s for f, s in self.retired.items() if f not in live and s > oldest_kept(new.snapshot)}
        new.retired |= {f: new.snapshot for f in self.live() - live}
        return new

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT_VERSION, "snapshot": self.snapshot, "committed_at": self.committed_at,
             "tables": self.tables, "retired": self.retired},
            indent=1,
            sort_keys=True,
        )


def oldest_kept(snapshot: int) -> int:
    """The oldest snapshot whose manifest is kept in _history once ``snapshot`` is current."""
    return snapshot - KEEP_SNAPSHOTS + 1


def parse_manifest(data: bytes) -> Manifest:
    """A manifest's bytes -> Manifest; ValueError names what is wrong (``{}``, ``[]``, a torn file)."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("snapshot"), int) or isinstance(raw["snapshot"], bool):
        raise ValueError("not a frontline manifest (no snapshot number)")
    tables, retired = raw.get("tables", {}), raw.get("retired", {})
    if not isinstance(tables, dict) or not all(
            isinstance(e, dict) and isinstance(e.get("files", []), list)
            and all(isinstance(f, str) and _inside_tables(f) for f in e.get("files", []))
            for e in tables.values()):
        raise ValueError("its tables are not lists of files under tables/")
    if isinstance(retired, list):  # format 1: retired by the snapshot itself
        retired = {f: raw["snapshot"] for f in retired}
    if not isinstance(retired, dict) or not all(isinstance(f, str) and _inside_tables(f) for f in retired):
        raise ValueError("its retired files are not files under tables/")
    return Manifest(raw["snapshot"], raw.get("committed_at"), tables,
                    {f: int(s) for f, s in retired.items()})


def _inside_tables(rel: str) -> bool:
    """A manifest entry must name a file under tables/: a doctored one cannot point a reader elsewhere."""
    parts = rel.split("/")
    return parts[0] == "tables" and len(parts) > 2 and not any(p in ("", ".", "..") for p in parts)


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

    # -- what the folder is ------------------------------------------------------
    def _exists(self, rel: str) -> bool:
        return self.fs.get_file_info(self._path(rel)).type != pafs.FileType.NotFound

    def _has_marker(self) -> bool:
        return self._exists(MARKER)

    def _is_legacy(self) -> bool:
        """A warehouse written before the marker existed: its manifest says so."""
        try:
            parse_manifest(storage.read_bytes(self.fs, self._path(MANIFEST)))
        except (OSError, ValueError):
            return False
        return True

    def _holds_data(self) -> bool:
        """Whether Parquet tables or kept manifests are here: then a missing manifest is an accident."""
        for rel in ("tables", HISTORY):
            selector = pafs.FileSelector(self._path(rel), recursive=True, allow_not_found=True)
            if any(i.type == pafs.FileType.File for i in self.fs.get_file_info(selector)):
                return True
        return False

    def _is_empty(self) -> bool:
        """Nothing here but what frontline itself leaves before writing its marker (locks, _tmp/)."""
        if not self.remote:
            try:
                return set(os.listdir(self.root)) <= OWN_ENTRIES
            except FileNotFoundError:
                return True
        selector = pafs.FileSelector(self.location.path, recursive=True, allow_not_found=True)
        return not any(i.type == pafs.FileType.File for i in self.fs.get_file_info(selector))

    def ensure(self) -> None:
        """Make this location a warehouse, or check that it is one, before anything is written to it.

        A new or empty folder gets the marker; a warehouse written before markers existed is
        recognised by its manifest and gets one; any other folder is refused, so that
        ``--warehouse ~`` can never end with frontline cleaning up the user's files."""
        if self._has_marker():
            return
        if not self._is_legacy() and not self._is_empty():
            raise WarehouseError(
                f"{self.uri} is not empty and is not a frontline warehouse (it has no {MARKER}); "
                f"point --warehouse at a new or empty folder, or at an existing warehouse")
        if not self.remote:
            self.root.mkdir(parents=True, exist_ok=True)
        marker = json.dumps({"frontline_warehouse": FORMAT_VERSION,
                             "created_at": datetime.now(timezone.utc).isoformat()}) + "\n"
        self._write_small(MARKER, marker.encode("utf-8"))

    def require(self) -> None:
        """Readers: fail clearly on a mistyped location instead of answering with no rows."""
        if self._has_marker() or self._is_legacy():
            return
        if not self.remote and not self.root.is_dir():
            raise WarehouseError(f"no warehouse at {self.uri}: the folder does not exist (check --warehouse; "
                                 "`frontline run` creates one)")
        if self.remote and self._is_empty():
            raise WarehouseError(f"no warehouse at {self.uri}: nothing is stored under that prefix (check "
                                 "--warehouse; `frontline run` creates one)")
        raise WarehouseError(f"{self.uri} is not a frontline warehouse (it has no {MARKER}); check --warehouse")

    # -- reading -----------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def catalog_path(self) -> Path:
        return self.root / CATALOG

    def manifest(self) -> Manifest:
        """The committed snapshot. A warehouse whose manifest is gone while it holds data, or whose
        manifest is not one, is an error that names the repair, never an empty snapshot: read
        as empty, the next commit would have treated every file as garbage."""
        try:
            data = storage.read_bytes(self.fs, self._path(MANIFEST))
        except FileNotFoundError:
            if self._holds_data():
                raise WarehouseError(
                    f"{self._path(MANIFEST)} is missing but the warehouse holds data; run `frontline repair "
                    f"--warehouse {self.uri}` to restore the last good manifest") from None
            return Manifest()
        except OSError as exc:
            raise WarehouseError(f"cannot read {self._path(MANIFEST)}: {exc}") from exc
        try:
            return parse_manifest(data)
        except ValueError as exc:
            raise WarehouseError(
                f"{self._path(MANIFEST)} is damaged: {exc}; run `frontline repair --warehouse {self.uri}` "
                f"to restore the last good manifest") from None

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
        con = self.connect(tables=[table])
        try:
            con.register("wanted", pa.table({"v": pa.array(values, type=schema.column(column).arrow_type)}))
            return con.sql(f'SELECT {select} FROM {table} WHERE "{column}" IN (SELECT v FROM wanted)').to_arrow_table()
        finally:
            con.close()

    def connect(self, settings: dict[str, str] | None = None,
                tables: Iterable[str] | None = None) -> duckdb.DuckDBPyConnection:
        """A new in-memory connection whose views read the current snapshot, and nothing else.

        It never writes (a read-only warehouse reads like any other) and shares nothing with other
        connections (no DuckDB instance cached by path that could answer from an older snapshot).
        File access is confined to the warehouse's tables and the configuration is locked after
        ``settings`` are applied, so SQL run on it cannot read, write or reconfigure anything else.
        ``tables``: only these tables' views (a lookup during a commit needs one or two; binding
        every view and the ready-made ones costs tens of milliseconds)."""
        self.require()
        manifest = self.manifest()
        con = duckdb.connect()
        try:
            wanted = table_schemas() if tables is None else {t: table_schema(t) for t in tables}
            for schema in wanted.values():
                con.execute(self._view_sql(schema, manifest, con))
            for statement in derived_views() if tables is None else []:
                con.execute(statement)
            allowed = [] if self.remote else [str(self.root / "tables") + os.sep]
            con.execute(f"SET allowed_directories = [{', '.join(repr_sql(d) for d in allowed)}]")
            for name, value in (settings or {}).items():
                con.execute(f"SET {name} = {repr_sql(value)}")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except (duckdb.Error, pa.ArrowException) as exc:
            con.close()
            raise WarehouseError(f"cannot read the warehouse {self.uri}: {str(exc).strip()}; if a Parquet file is "
                                 f"damaged, `frontline repair` quarantines it") from None
        except BaseException:
            con.close()
            raise
        return con

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
        except (duckdb.Error, pa.ArrowException) as exc:
            raise WarehouseError(
                f"cannot read the warehouse {self.uri}: {str(exc).strip()}; nothing was published. If a Parquet "
                f"file is damaged, `frontline repair` quarantines it") from exc

    def _commit(self, batches: dict[str, pa.Table], replace: dict, then) -> CommitResult:
        self.ensure()
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
            self._publish(manifest.succeeded_by(tables), manifest)
            result.snapshot = snapshot
            return result

    def _apply(self, tables: dict[str, dict], batches: dict[str, pa.Table],
               replace: dict[str, ReplaceSpec | list[ReplaceSpec]], snapshot: int, result: CommitResult) -> None:
        """Deletes then inserts into the manifest-to-be ``tables``; files are written, nothing published."""
        for name in sorted(set(batches) | set(replace)):
            schema = table_schema(name)
            entry = tables.setdefault(name, {"files": [], "rows": 0})
            entry.setdefault("files", [])
            if self._pending(schema, entry):
                self._migrate(schema, entry, tables, snapshot)
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

    def upgrade(self) -> bool:
        """Rewrite the tables whose stored version a migration must bring up to date, in one commit of
        their own, and rebuild the catalog file if it is stale; True when rows were rewritten. A run
        calls this before planning, so that it reads every stored row in the current declaration."""
        self.ensure()
        with self._lock():
            manifest = self.manifest()
            tables = {k: dict(v) for k, v in manifest.tables.items()}
            pending = [s for n, s in table_schemas().items() if n in tables and self._pending(s, tables[n])]
            if pending:
                self._remove_orphans(manifest)
                for schema in pending:
                    self._migrate(schema, tables[schema.name], tables, manifest.snapshot + 1)
                self._publish(manifest.succeeded_by(tables), manifest)
        self.refresh_catalog()
        return bool(pending)

    def _pending(self, schema: TableSchema, entry: dict) -> bool:
        from pipeline.migrations import MIGRATIONS

        stored = entry.get("schema_version", schema.version)
        return bool(entry.get("files")) and any((schema.name, v) in MIGRATIONS for v in range(stored, schema.version))

    def _migrate(self, schema: TableSchema, entry: dict, tables: dict[str, dict], snapshot: int) -> None:
        """The table's rows rewritten by its migrations (``pipeline.migrations``) into new files of
        the declared version; the old files are retired like any superseded file."""
        from pipeline.migrations import MIGRATIONS

        rows = self._read_files(schema, entry["files"])
        runs_schema = table_schema("runs")
        runs_files = tables.get("runs", {}).get("files", [])
        runs = self._read_files(runs_schema, runs_files) if runs_files else runs_schema.arrow_schema().empty_table()
        for version in range(entry.get("schema_version", schema.version), schema.version):
            if (schema.name, version) in MIGRATIONS:
                rows = MIGRATIONS[(schema.name, version)](rows, runs)
        log.info("%s: rewriting %d rows from schema version %s to %d", schema.name, rows.num_rows,
                 entry.get("schema_version"), schema.version)
        entry["files"] = self._write_files(conform(rows.drop_columns(
            [schema.partition.column] if schema.partition else []), schema), schema, snapshot)
        entry["rows"] = rows.num_rows
        entry["schema_version"] = schema.version

    def _read_files(self, schema: TableSchema, files: list[str]) -> pa.Table:
        """The rows of these files of a table, in its declared columns."""
        with duckdb.connect() as con:
            return con.sql(self._select_sql(schema, files, self._source(con, schema, files))).to_arrow_table()

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
        self.require()
        with self._lock():
            manifest = self.manifest()
            cleaned = False  # leftovers of a dead run are deleted only if this one commits
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
            self._publish(manifest.succeeded_by(tables), manifest)
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

    def _publish(self, manifest: Manifest, previous: Manifest | None = None) -> None:
        """Make ``manifest`` the current snapshot: a copy in _history, the manifest, then the catalog
        over it; then delete what no kept manifest lists any more."""
        text = manifest.to_json().encode("utf-8")
        self._write_small(f"{HISTORY}/manifest-{manifest.snapshot:08d}.json", text)
        self._write_manifest(manifest)
        self._publish_catalog(manifest)
        _forget_schemas(self.fs, {self._path(f) for f in manifest.live()})
        if previous is not None:
            kept = manifest.live() | set(manifest.retired)
            for rel in sorted((previous.live() | set(previous.retired)) - kept):
                self._delete(rel)  # retired KEEP_SNAPSHOTS commits ago: no kept manifest lists it
        self._prune_history(manifest.snapshot)

    def _write_manifest(self, manifest: Manifest) -> None:
        self._write_small(MANIFEST, manifest.to_json().encode("utf-8"))

    def _write_small(self, rel: str, data: bytes) -> None:
        """Replace a small file whole: written under _tmp/, fsynced, renamed into place (one PUT on
        object storage). Readers see the old file or the new one."""
        if self.remote:
            storage.write_bytes(self.fs, self._path(rel), data)
            return
        tmp = self._tmp_path(Path(rel).name)
        tmp.write_bytes(data)
        _fsync(tmp)
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        _fsync_dir(target.parent)

    def _tmp_path(self, name: str) -> Path:
        """A fresh path in the warehouse's private _tmp/ folder, on the same disk as the target."""
        folder = self.root / TMP
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{name}.{uuid.uuid4().hex[:8]}.tmp"

    def _delete(self, rel: str) -> None:
        try:
            self.fs.delete_file(self._path(rel))
        except FileNotFoundError:
            pass

    def _history(self) -> list[int]:
        """Snapshots whose manifests are kept in _history, newest first."""
        selector = pafs.FileSelector(self._path(HISTORY), allow_not_found=True)
        found = [HISTORY_NAME.fullmatch(i.base_name) for i in self.fs.get_file_info(selector)]
        return sorted((int(m[1]) for m in found if m), reverse=True)

    def _prune_history(self, snapshot: int) -> None:
        for old in self._history():
            if old < oldest_kept(snapshot):
                self._delete(f"{HISTORY}/manifest-{old:08d}.json")

    # -- the DuckDB catalog -----------------------------------------------------------
    def _parquet_source(self, files: list[str], *, filename: bool = False, relative: bool = False) -> str:
        """read_parquet() over the files (by their paths under the root when ``relative``, as the
        catalog file lists them). Matching columns by name across files of different
        schema versions makes DuckDB open every file's footer before the scan and hold them all
        during it (80 MB for 800 files), so it is asked for only when the files differ."""
        paths = [self._path(f) for f in files]
        listed = ", ".join(f"'{_sql_string(f if relative else p)}'" for f, p in zip(files, paths))
        extra = ", filename = true" if filename else ""
        if not _same_schema(self.fs, paths):
            extra += ", union_by_name = true"
        return f"read_parquet([{listed}], hive_partitioning = true, hive_types_autocast = false{extra})"

    def _source(self, con: duckdb.DuckDBPyConnection, schema: TableSchema, files: list[str], *,
                relative: bool = False) -> str:
        """What a query reads the files from: read_parquet() on a disk; on object storage a pyarrow
        dataset registered in ``con`` (DuckDB scans it with projection and filter pushdown)."""
        if not self.remote:
            return self._parquet_source(files, relative=relative)
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

    def _view_sql(self, schema: TableSchema, manifest: Manifest, con: duckdb.DuckDBPyConnection, *,
                  relative: bool = False) -> str:
        files = manifest.files(schema.name)
        source = self._source(con, schema, files, relative=relative) if files else ""
        return f"CREATE OR REPLACE VIEW {schema.name} AS {self._select_sql(schema, files, source)}"

    def _publish_catalog(self, manifest: Manifest) -> None:
        """Build the catalog in a new file and rename it over the old one: readers never see it half-built.

        Its views name the files by absolute paths, so any DuckDB client opens it from any folder
        (README: "Query it with other tools"); it records the root it points into, and a copied or
        moved warehouse's catalog is rebuilt by the next run or ``frontline repair``."""
        if self.remote:
            return  # no catalog file on object storage: readers build their views per connection
        tmp = self._tmp_path(CATALOG)
        with duckdb.connect(config={"file_search_path": str(self.root)}) as con:
            # An older storage version so that DuckDB 1.x clients (e.g. the duckdb CLI) can open it too.
            con.execute(f"ATTACH '{_sql_string(tmp)}' AS catalog (STORAGE_VERSION '{CATALOG_STORAGE_VERSION}')")
            con.execute("USE catalog")
            for schema in table_schemas().values():
                con.execute(self._view_sql(schema, manifest, con))
            for statement in derived_views():
                con.execute(statement)
            con.execute("CREATE TABLE _frontline_catalog (snapshot BIGINT, root VARCHAR, declared VARCHAR)")
            con.execute("INSERT INTO _frontline_catalog VALUES (?, ?, ?)",
                        [manifest.snapshot, self._catalog_root(), _declarations_digest()])
            con.execute("USE memory")
            con.execute("DETACH catalog")
        os.replace(tmp, self.catalog_path)
        _fsync_dir(self.root)

    def catalog_is_current(self) -> bool:
        """Whether the catalog file shows the current snapshot with this code's declarations (for
        other DuckDB clients: frontline's own readers never use it)."""
        if self.remote:
            return True
        try:
            with duckdb.connect(str(self.catalog_path), read_only=True) as con:
                rows = con.execute("SELECT snapshot, root, declared FROM _frontline_catalog").fetchall()
                views = {r[0] for r in con.execute(
                    "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        except duckdb.Error:
            return False
        wanted = set(table_schemas()) | {re.search(r"VIEW\s+(\w+)", v)[1] for v in derived_views()}
        return rows == [(self.manifest().snapshot, self._catalog_root(), _declarations_digest())] and wanted <= views

    def _catalog_root(self) -> str:
        """The folder the catalog's views point into: a copied or moved warehouse's catalog names
        another folder, so it is stale until rebuilt (by the next run, or ``frontline repair``)."""
        return str(Path(self.root).resolve())

    def refresh_catalog(self) -> bool:
        """Rebuild the catalog file if it is missing or stale (a crash between manifest and catalog,
        or catalogs built by other code); True when it was rebuilt."""
        if self.catalog_is_current():
            return False
        with self._lock():
            self._publish_catalog(self.manifest())
        return True

    # -- repair ------------------------------------------------------------------
    def repair(self) -> RepairReport:
        """Bring a damaged warehouse back to its last good state, under the write lock.

        A missing or damaged manifest is restored from the newest manifest in _history whose files
        are all present; every live Parquet file is read through, and one that cannot be is moved to
        _quarantine/ and dropped from the snapshot (its rows are lost until `frontline run --full`
        reads the input again); the catalog file is rebuilt and the marker written."""
        if not (self._has_marker() or self._is_legacy() or self._history()):
            self.require()
        report = RepairReport()
        with self._lock():
            try:
                manifest = self.manifest()
            except WarehouseError as exc:
                report.problem = str(exc)
                manifest = self._restorable()
                report.restored = manifest.snapshot
                self._write_manifest(manifest)
            tables = {k: dict(v) for k, v in manifest.tables.items()}
            for name, entry in tables.items():
                good = []
                for rel in entry.get("files", []):
                    problem = self._unreadable(rel)
                    if problem is None:
                        good.append(rel)
                        continue
                    report.quarantined[rel] = problem
                    self._quarantine(rel)
                if len(good) != len(entry.get("files", [])):
                    entry["files"] = good
                    entry["rows"] = sum(pq.read_metadata(self._path(f), filesystem=self.fs).num_rows for f in good)
            if report.quarantined:
                self._publish(manifest.succeeded_by(tables), manifest)
            else:
                self._publish_catalog(manifest)
            report.marker_written = not self._has_marker()
            if report.marker_written:
                self._write_small(MARKER, json.dumps({"frontline_warehouse": FORMAT_VERSION}).encode("utf-8"))
        return report

    def _restorable(self) -> Manifest:
        """The newest kept manifest whose files all exist."""
        for snapshot in self._history():
            try:
                candidate = parse_manifest(storage.read_bytes(self.fs, self._path(f"{HISTORY}/manifest-{snapshot:08d}.json")))
            except (OSError, ValueError):
                continue
            if all(self._exists(f) for f in candidate.live()):
                return candidate
        if not self._holds_data():
            return Manifest()
        raise WarehouseError(f"{self.uri}: no manifest in {HISTORY}/ lists files that all exist; nothing was changed")

    def _unreadable(self, rel: str) -> str | None:
        """Why a Parquet file cannot be read through, or None: each row group is decoded, one at a time."""
        try:
            with self.fs.open_input_file(self._path(rel)) as fh:
                reader = pq.ParquetFile(fh)
                for i in range(reader.num_row_groups):
                    reader.read_row_group(i)
        except FileNotFoundError:
            return "missing"
        except (OSError, pa.ArrowException) as exc:
            return f"{type(exc).__name__}: {str(exc).strip()[:200]}"
        return None

    def _quarantine(self, rel: str) -> None:
        target = self._path(f"{QUARANTINE}/{rel}")
        if not self._exists(rel):
            return
        if not self.remote:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        self.fs.move(self._path(rel), target)
        log.warning("quarantined %s: it cannot be read", rel)

    # -- housekeeping -----------------------------------------------------------
    @contextmanager
    def _lock(self, name: str = LOCK, timeout: float | None = None, what: str = "writing to") -> Iterator[None]:
        """One holder at a time; another waits up to ``timeout`` seconds, then stops with a clear message."""
        timeout = self.lock_timeout if timeout is None else timeout
        path = self._lock_path(name)
        if self.remote:  # a local warehouse exists by now (`ensure`): a lock never creates one
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
        """Delete what a run that died before committing left: Parquet files of frontline's own naming
        that no kept manifest lists, and the private _tmp/ folder. Nothing else is touched."""
        kept = manifest.live() | set(manifest.retired)
        selector = pafs.FileSelector(self._path("tables"), recursive=True, allow_not_found=True)
        for info in self.fs.get_file_info(selector):
            rel = self.location.relative(info.path)
            if info.type == pafs.FileType.File and OUR_PARQUET.fullmatch(info.base_name) and rel not in kept:
                log.warning("removing %s: written by a run that did not commit", rel)
                self.fs.delete_file(info.path)
        if self.remote:
            return
        leftovers = list((self.root / TMP).glob("*")) if (self.root / TMP).is_dir() else []
        leftovers += [p for p in self.root.glob("*.tmp*") if OUR_OLD_TMP.fullmatch(p.name)]
        for tmp in leftovers:
            log.warning("removing %s: left by a run that did not finish", tmp.relative_to(self.root))
            tmp.unlink(missing_ok=True)


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
    distinct = {id(schema): schema for schema in (_file_schema(fs, path) for path in paths)}  # interned: a few
    for schema in distinct.values():
        for column in schema:
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


def repr_sql(value: str | Path) -> str:
    """A value as a single-quoted SQL literal."""
    return f"'{_sql_string(value)}'"


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
