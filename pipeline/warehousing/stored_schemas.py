"""The schemas stored Parquet files were written with, read from their footers once per process."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

MAX_FILES = 65536


class StoredSchemas:
    """A cache of file schemas, shared by every ``Warehouse`` of a process.

    Process-wide because a run makes a ``Warehouse`` per task, and files never change once written,
    so a schema cached by path stays true. Files share a few schemas: one object each is kept, not
    one per file (12 KB each, 1,914 files in a 100,000-article warehouse). ``forget`` drops the files
    a commit retired, so a long run does not hold thousands."""

    def __init__(self) -> None:
        self._by_file: dict[tuple[str, str], pa.Schema] = {}
        self._distinct: dict[bytes, pa.Schema] = {}  # a few per table: one per schema version ever written

    def schema(self, fs: pafs.FileSystem, path: str) -> pa.Schema:
        key = (fs.type_name, path)
        if key not in self._by_file:
            if len(self._by_file) > MAX_FILES:
                self._by_file.clear()
                self._distinct.clear()
            schema = pq.read_schema(path, filesystem=fs)
            self._by_file[key] = self._distinct.setdefault(schema.serialize().to_pybytes(), schema)
        return self._by_file[key]

    def same(self, fs: pafs.FileSystem, paths: list[str]) -> bool:
        """Whether all the files were written with one schema."""
        first = self.schema(fs, paths[0]) if paths else None
        return all(self.schema(fs, p).equals(first) for p in paths[1:])

    def stored_columns(self, fs: pafs.FileSystem, paths: list[str]) -> dict[str, pa.DataType]:
        """Columns present in any of the files, with their stored types."""
        found: dict[str, pa.DataType] = {}
        distinct = {id(schema): schema for schema in (self.schema(fs, path) for path in paths)}  # interned: a few
        for schema in distinct.values():
            for column in schema:
                found.setdefault(column.name, column.type)
        return found

    def forget(self, fs: pafs.FileSystem, live: set[str]) -> None:
        """Drop cached schemas of files no longer in the manifest: a long run writes thousands."""
        for key in [k for k in self._by_file if k[0] == fs.type_name and k[1] not in live]:
            del self._by_file[key]


FILE_SCHEMAS = StoredSchemas()
