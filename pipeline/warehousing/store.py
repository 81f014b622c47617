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

``Warehouse`` is the facade; the work is done by ``folder`` (disk or object storage),
``manifest``, ``files``, ``catalog``, ``compat`` and ``locks``.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.errors import WarehouseError
from pipeline.settings import WRITE_LOCK_TIMEOUT
from pipeline.warehousing import catalog, compat, locks
from pipeline.warehousing.files import TableFiles
from pipeline.warehousing.folder import LOCK, RUN_LOCK, folder_at
from pipeline.warehousing.manifest import FORMAT_VERSION, MANIFEST, MARKER, Manifest, Snapshots
from pipeline.warehousing.repair import RepairReport, repaired
from pipeline.warehousing.scan import select_sql
from pipeline.warehousing.stored_schemas import FILE_SCHEMAS
from schemas import table_schema, table_schemas

# Errors no retry will cure: report them instead.
PERMANENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}
COMPACT_TARGET_ROWS = 250_000  # about 10-40 MB of Parquet per file for these tables
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


class Warehouse:
    """A warehouse folder or bucket prefix. Only this package writes Parquet or the DuckDB catalog."""

    def __init__(self, root: str | Path, *, lock_timeout: float = WRITE_LOCK_TIMEOUT):
        self.folder = folder_at(root)
        self.location = self.folder.location
        self.fs = self.folder.fs
        self.uri = self.folder.uri
        self.root = self.folder.root  # meaningful for a local warehouse only
        self.lock_timeout = lock_timeout
        self.snapshots = Snapshots(self.folder)
        self.files = TableFiles(self.folder)
        self.catalog = self.folder.catalog

    def _path(self, rel: str) -> str:
        return self.folder.path(rel)

    # -- what the folder is ------------------------------------------------------
    def is_marked(self) -> bool:
        """Whether the folder carries frontline's marker file."""
        return self.folder.exists(MARKER)

    def ensure(self) -> None:
        """Make this location a warehouse, or check that it is one, before anything is written to it.

        A new or empty folder gets the marker; a warehouse written before markers existed is
        recognised by its manifest and gets one; any other folder is refused, so that
        ``--warehouse ~`` can never end with frontline cleaning up the user's files."""
        if self.is_marked():
            return
        if not compat.is_legacy(self.folder) and not self.folder.is_empty():
            raise WarehouseError(
                f"{self.uri} is not empty and is not a frontline warehouse (it has no {MARKER}); "
                f"point --warehouse at a new or empty folder, or at an existing warehouse")
        self.folder.create()
        marker = json.dumps({"frontline_warehouse": FORMAT_VERSION,
                             "created_at": datetime.now(timezone.utc).isoformat()}) + "\n"
        self.folder.write_small(MARKER, marker.encode("utf-8"))

    def check_writable(self) -> None:
        """OSError unless this warehouse can be written now (a run checks before any work starts)."""
        self.folder.check_writable()

    def require(self) -> None:
        """Readers: fail clearly on a mistyped location instead of answering with no rows."""
        if self.is_marked() or compat.is_legacy(self.folder):
            return
        missing = self.folder.missing()
        if missing is not None:
            raise WarehouseError(f"no warehouse at {self.uri}: {missing} (check --warehouse; "
                                 "`frontline run` creates one)")
        raise WarehouseError(f"{self.uri} is not a frontline warehouse (it has no {MARKER}); check --warehouse")

    # -- reading -----------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def catalog_path(self) -> Path:
        return self.root / catalog.CATALOG

    def manifest(self) -> Manifest:
        """The committed snapshot (an error naming the repair when it is missing or damaged)."""
        return self.snapshots.current()

    def read_table(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """The committed rows of one table (partition column included) as Arrow."""
        schema = table_schema(name)
        files = self.manifest().files(name)
        if not files:
            return schema.arrow_schema().empty_table().select(columns or schema.column_names)
        with duckdb.connect() as con:
            rel = con.sql(select_sql(self.folder, schema, files, self.folder.source(con, schema, files)))
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
        return catalog.reader_connection(self.folder, self.manifest(), settings, tables)

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
        with self.write_lock():
            manifest = self.manifest()
            self.files.remove_orphans(manifest)
            snapshot = manifest.snapshot + 1
            tables = manifest.editable_tables()
            result = CommitResult()
            self._apply(tables, batches, replace, snapshot, result)
            if then is not None:
                self._apply(tables, then(result), {}, snapshot, result)
            if not result.changed and self.catalog.present():
                return result
            self.publish(manifest.succeeded_by(tables), manifest)
            result.snapshot = snapshot
            return result

    def _apply(self, tables: dict[str, dict], batches: dict[str, pa.Table],
               replace: dict[str, ReplaceSpec | list[ReplaceSpec]], snapshot: int, result: CommitResult) -> None:
        """Deletes then inserts into the manifest-to-be ``tables``; files are written, nothing published."""
        for name in sorted(set(batches) | set(replace)):
            schema = table_schema(name)
            entry = tables.setdefault(name, {"files": [], "rows": 0})
            entry.setdefault("files", [])
            if compat.pending(schema, entry):
                self.files.migrate(schema, entry, tables, snapshot)
            specs = replace.get(name, [])
            for column, values in [specs] if isinstance(specs, tuple) else specs:
                if not entry["files"]:
                    break
                entry["files"], removed = self.files.delete_rows(schema, entry["files"], column, values, snapshot)
                result.removed[name] = result.removed.get(name, 0) + removed
                entry["rows"] = entry.get("rows", 0) - removed
            if entry["files"] and schema.partition and not compat.partitioned(schema, entry["files"]):
                entry["files"] = self.files.repartition(schema, entry["files"], snapshot)
            if name not in batches:
                continue
            if entry["files"]:
                compat.check_compatible(schema, FILE_SCHEMAS.stored_columns(
                    self.fs, [self.folder.path(f) for f in entry["files"]]))
            compat.check_not_newer(schema, entry)
            new_rows = self.files.new_rows(compat.conform(batches[name], schema), schema, entry["files"])
            result.added[name] = new_rows.num_rows
            if new_rows.num_rows:
                entry["files"] = entry["files"] + self.files.write(new_rows, schema, snapshot)
                entry["rows"] = entry.get("rows", 0) + new_rows.num_rows
            entry["schema_version"] = schema.version
            result.rows[name] = entry.get("rows", 0)

    def upgrade(self) -> bool:
        """Rewrite the tables whose stored version a migration must bring up to date, in one commit of
        their own, and rebuild the catalog file if it is stale; True when rows were rewritten. A run
        calls this before planning, so that it reads every stored row in the current declaration."""
        self.ensure()
        with self.write_lock():
            manifest = self.manifest()
            tables = manifest.editable_tables()
            pending = [s for n, s in table_schemas().items() if n in tables and compat.pending(s, tables[n])]
            if pending:
                self.files.remove_orphans(manifest)
                for schema in pending:
                    self.files.migrate(schema, tables[schema.name], tables, manifest.snapshot + 1)
                self.publish(manifest.succeeded_by(tables), manifest)
        self.refresh_catalog()
        return bool(pending)

    def compact(self, target_rows: int = COMPACT_TARGET_ROWS, min_small_files: int = 2) -> dict[str, tuple[int, int]]:
        """Merge each partition's small files into files of about ``target_rows`` rows, atomically.

        Many small loads leave many small files, and readers pay per file. A partition is merged
        when it has at least ``min_small_files`` files under half the target. Returns, per table,
        (files before, files after); rows are unchanged.
        """
        self.require()
        with self.write_lock():
            manifest = self.manifest()
            cleaned = []  # leftovers of a dead run are deleted only if this one commits

            def clean_once() -> None:
                if not cleaned:
                    self.files.remove_orphans(manifest)
                    cleaned.append(True)

            tables = manifest.editable_tables()
            report: dict[str, tuple[int, int]] = {}
            for name, entry in tables.items():
                files = entry.get("files", [])
                kept = self.files.compacted(files, target_rows, min_small_files, manifest.snapshot + 1, clean_once)
                report[name] = (len(files), len(kept))
                entry["files"] = kept
            if all(before == after for before, after in report.values()):
                return report
            self.publish(manifest.succeeded_by(tables), manifest)
            return report

    def publish(self, manifest: Manifest, previous: Manifest | None = None) -> None:
        """Make ``manifest`` the current snapshot: a copy in _history, the manifest, then the catalog
        over it; then delete what no kept manifest lists any more. Only under the write lock, with
        the files it lists written (by ``commit``, ``compact``, ``upgrade`` and ``repair``)."""
        self.snapshots.keep(manifest)
        self.snapshots.write(manifest)
        self.catalog.publish(manifest)
        FILE_SCHEMAS.forget(self.fs, {self.folder.path(f) for f in manifest.live()})
        if previous is not None:
            self.files.remove_unlisted(manifest, previous)
        self.snapshots.prune(manifest.snapshot)

    # -- the DuckDB catalog file ------------------------------------------------------
    def catalog_is_current(self) -> bool:
        """Whether the catalog file shows the current snapshot with this code's declarations (for
        other DuckDB clients: frontline's own readers never use it)."""
        return self.catalog.is_current(lambda: self.manifest().snapshot)

    def refresh_catalog(self) -> bool:
        """Rebuild the catalog file if it is missing or stale (a crash between manifest and catalog,
        or catalogs built by other code); True when it was rebuilt."""
        if self.catalog_is_current():
            return False
        with self.write_lock():
            self.catalog.publish(self.manifest())
        return True

    # -- repair ------------------------------------------------------------------
    def repair(self) -> RepairReport:
        """Bring a damaged warehouse back to its last good state, under the write lock (see
        ``pipeline.warehousing.repair``)."""
        return repaired(self)

    # -- locks ---------------------------------------------------------------------
    def write_lock(self) -> AbstractContextManager[None]:
        """Held by each commit, compaction, upgrade and repair; another writer waits up to ``lock_timeout``."""
        return locks.held(self.folder.lock_path(LOCK), self.lock_timeout, uri=self.uri, what="writing to")

    def run_lock(self, timeout: float) -> AbstractContextManager[None]:
        """Held for a whole ETL run, so two runs never interleave their reads and writes."""
        return locks.held(self.folder.lock_path(RUN_LOCK), timeout, uri=self.uri, what="running on")
