"""Where a warehouse lives: a local folder or an object-storage prefix, decided once by ``folder_at``.

Everything that differs between the two is a method here, so the rest of the package never asks
which one it has. A disk gets fsyncs, renames through ``_tmp/``, locks beside the data, a catalog
file and DuckDB's own Parquet reader; object storage gets single PUTs, locks under the state
folder, no catalog file and pyarrow datasets (DuckDB cannot read s3:// without httpfs).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pipeline import storage
from pipeline.settings import state_dir
from pipeline.storage import Location
from pipeline.warehousing import scan
from pipeline.warehousing.catalog import FileCatalog, NoCatalog
from schemas import TableSchema

log = logging.getLogger(__name__)

TMP = "_tmp"
LOCK = ".lock"
RUN_LOCK = ".run.lock"
OWN_ENTRIES = {LOCK, RUN_LOCK, TMP}  # what a warehouse-to-be may hold before its marker is written
OUR_OLD_TMP = re.compile(r"(_manifest\.json|frontline\.duckdb)\.[0-9a-f]{8}\.tmp(\.wal)?")  # before _tmp/


class Folder:
    """What both kinds of warehouse location share: paths under the root, and plain file access."""

    def __init__(self, location: Location):
        self.location = location
        self.fs = location.fs
        self.uri = location.uri
        self.root = Path(location.path)  # meaningful for a local warehouse only

    def path(self, rel: str) -> str:
        return self.location.join(rel)

    def relative(self, path: str) -> str:
        return self.location.relative(path)

    def exists(self, rel: str) -> bool:
        return self.fs.get_file_info(self.path(rel)).type != pafs.FileType.NotFound

    def holds_files(self, rel: str) -> bool:
        """Whether any file lies under ``rel``, at any depth."""
        selector = pafs.FileSelector(self.path(rel), recursive=True, allow_not_found=True)
        return any(i.type == pafs.FileType.File for i in self.fs.get_file_info(selector))

    def read_bytes(self, rel: str) -> bytes:
        return storage.read_bytes(self.fs, self.path(rel))

    def delete(self, rel: str) -> None:
        try:
            self.fs.delete_file(self.path(rel))
        except FileNotFoundError:
            pass

    def open_parquet_writer(self, rel: str, schema: pa.Schema) -> pq.ParquetWriter:
        return pq.ParquetWriter(self.path(rel), schema, compression="zstd", filesystem=self.fs)


class LocalFolder(Folder):
    """A warehouse in a folder on a disk."""

    catalog: FileCatalog

    def __init__(self, location: Location):
        super().__init__(location)
        self.catalog = FileCatalog(self)

    def is_empty(self) -> bool:
        """Nothing here but what frontline itself leaves before writing its marker (locks, _tmp/)."""
        try:
            return set(os.listdir(self.root)) <= OWN_ENTRIES
        except FileNotFoundError:
            return True

    def missing(self) -> str | None:
        """Why no warehouse can be here (for a reader's message), or None."""
        return None if self.root.is_dir() else "the folder does not exist"

    def create(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def write_small(self, rel: str, data: bytes) -> None:
        """Replace a small file whole: written under _tmp/, fsynced, renamed into place. Readers see
        the old file or the new one."""
        tmp = self.tmp_path(Path(rel).name)
        tmp.write_bytes(data)
        fsync(tmp)
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        fsync_dir(target.parent)

    def write_parquet(self, table: pa.Table, rel: str) -> None:
        """Durable before any manifest lists it."""
        path = self.path(rel)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression="zstd", filesystem=self.fs)
        fsync(Path(path))

    def make_durable(self, rel: str) -> None:
        """A file written through a Parquet writer, flushed before any manifest lists it."""
        fsync(Path(self.path(rel)))

    def check_writable(self) -> None:
        """Raises OSError unless a file can be created in the warehouse's private folder."""
        private = self.root / TMP
        private.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=private, prefix="write-check-"):
            pass

    def move(self, rel: str, target: str) -> None:
        Path(self.path(target)).parent.mkdir(parents=True, exist_ok=True)
        self.fs.move(self.path(rel), self.path(target))

    def replace_with(self, tmp: Path, rel: str) -> None:
        """Rename a finished temporary file over ``rel``, durably."""
        os.replace(tmp, self.root / rel)
        fsync_dir(self.root)

    def tmp_path(self, name: str) -> Path:
        """A fresh path in the warehouse's private _tmp/ folder, on the same disk as the target."""
        folder = self.root / TMP
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{name}.{uuid.uuid4().hex[:8]}.tmp"

    def remove_leftovers(self) -> None:
        """The private _tmp/ folder's files, and temporary files of code from before it existed."""
        leftovers = list((self.root / TMP).glob("*")) if (self.root / TMP).is_dir() else []
        leftovers += [p for p in self.root.glob("*.tmp*") if OUR_OLD_TMP.fullmatch(p.name)]
        for tmp in leftovers:
            log.warning("removing %s: left by a run that did not finish", tmp.relative_to(self.root))
            tmp.unlink(missing_ok=True)

    def lock_path(self, name: str) -> Path:
        """Next to the data (a local warehouse exists by now, `ensure`: a lock never creates one)."""
        return self.root / name

    def allowed_directories(self) -> list[str]:
        """What a reader's DuckDB connection may open: the table files, nothing else."""
        return [str(self.root / "tables") + os.sep]

    def source(self, con: duckdb.DuckDBPyConnection, schema: TableSchema, files: list[str], *,
               relative: bool = False) -> str:
        """What a query reads the files from: DuckDB's read_parquet()."""
        return scan.parquet_source(self, files, relative=relative)

    def files_holding(self, files: list[str], column: str, doomed: pa.Table) -> set[str]:
        """Which of the files hold a row whose ``column`` is one of ``doomed.v``."""
        with duckdb.connect() as con:
            con.register("doomed", doomed)
            hits = con.sql(
                f"SELECT DISTINCT filename FROM "
                f"{scan.parquet_source(self, files, filename=True)} "
                f'WHERE "{column}" IN (SELECT v FROM doomed)'
            ).fetchall()
        return {self.relative(f) for (f,) in hits}


class ObjectFolder(Folder):
    """A warehouse under an object-storage prefix: writes are single PUTs, which readers see whole."""

    catalog = NoCatalog()

    def is_empty(self) -> bool:
        selector = pafs.FileSelector(self.location.path, recursive=True, allow_not_found=True)
        return not any(i.type == pafs.FileType.File for i in self.fs.get_file_info(selector))

    def missing(self) -> str | None:
        return "nothing is stored under that prefix" if self.is_empty() else None

    def create(self) -> None:
        """Nothing to make: a prefix exists once something is stored under it."""

    def write_small(self, rel: str, data: bytes) -> None:
        storage.write_bytes(self.fs, self.path(rel), data)

    def write_parquet(self, table: pa.Table, rel: str) -> None:
        pq.write_table(table, self.path(rel), compression="zstd", filesystem=self.fs)

    def make_durable(self, rel: str) -> None:
        """An object is durable once its upload is closed."""

    def check_writable(self) -> None:
        """Raises OSError unless an object can be written (and is removed again) under the prefix."""
        probe = self.location.join(f".write-check-{uuid.uuid4().hex[:8]}")
        storage.write_bytes(self.fs, probe, b"")
        self.fs.delete_file(probe)

    def move(self, rel: str, target: str) -> None:
        self.fs.move(self.path(rel), self.path(target))

    def remove_leftovers(self) -> None:
        """No temporary files: object storage is written by single PUTs."""

    def lock_path(self, name: str) -> Path:
        """Object storage has no locks: writers on this machine share one under the state folder, and
        writers on several machines must be serialised by the scheduler (one deployment with a
        concurrency limit of 1)."""
        digest = hashlib.sha256(self.uri.encode()).hexdigest()[:16]
        path = state_dir() / "locks" / f"{digest}{name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def allowed_directories(self) -> list[str]:
        """None: a reader's views scan datasets registered from Python, not paths."""
        return []

    def source(self, con: duckdb.DuckDBPyConnection, schema: TableSchema, files: list[str], *,
               relative: bool = False) -> str:
        """A pyarrow dataset registered in ``con`` (DuckDB scans it with projection and filter pushdown)."""
        return scan.dataset_source(self, con, schema, files)

    def files_holding(self, files: list[str], column: str, doomed: pa.Table) -> set[str]:
        import pyarrow.dataset as ds

        dataset = ds.dataset([self.path(f) for f in files], filesystem=self.fs, format="parquet")
        wanted = ds.field(column).isin(doomed["v"].combine_chunks())
        return {self.relative(frag.path) for frag in dataset.get_fragments() if frag.count_rows(filter=wanted)}


def folder_at(root: str | Path) -> LocalFolder | ObjectFolder:
    """The one place that decides whether a warehouse is on a disk or in object storage."""
    location = storage.location(root)
    return ObjectFolder(location) if location.remote else LocalFolder(location)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fsync(path)
    except OSError:  # some filesystems do not fsync directories
        pass
