"""An object-store prefix (``s3://bucket/prefix``): listed whole, each object read by its key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pyarrow.fs import FileType

from pipeline import storage
from pipeline.errors import FrontlineError
from pipeline.sources.folder import nesting
from pipeline.sources.source import Source


class ObjectSource(Source):
    """Objects under a prefix. No links or special files there, only keys and bytes; every object
    is read to hash it (ETags are not content hashes for multipart uploads)."""

    def __init__(self, uri: str, *, max_bytes: int) -> None:
        super().__init__(max_bytes)
        self.location = storage.location(uri)
        self.root = self.location.uri
        self.where = uri

    @property
    def _scan_root(self) -> str:
        return self.location.path

    def names(self) -> Iterator[str]:
        """Listed whole (pyarrow has no paged listing), hidden names skipped."""
        return (self.location.relative(p) for p in storage.list_files(self.location))

    def listing(self) -> tuple[int, Iterable[str]]:
        """Listed once and the list kept."""
        names = list(self.names())
        return len(names), names

    def _open(self, rel: str) -> BinaryIO:
        return self.location.fs.open_input_stream(self.location.join(rel))

    def signatures(self) -> dict[str, tuple[int, int]]:
        import pyarrow.fs as pafs

        out = {}
        selector = pafs.FileSelector(self.location.path, recursive=True, allow_not_found=True)
        for info in self.location.fs.get_file_info(selector):
            rel = self.location.relative(info.path)
            if info.type == pafs.FileType.File and not any(part.startswith(".") for part in rel.split("/")):
                out[rel] = (info.size or 0, info.mtime_ns or 0)
        return out

    def _size(self, fh: BinaryIO, rel: str) -> int | None:
        return self.location.fs.get_file_info(self.location.join(rel)).size

    def check(self) -> None:
        if self.location.fs.get_file_info(self.location.path).type == FileType.NotFound:
            raise FrontlineError(f"input {self.where!r} does not exist (no objects under that prefix)")

    def overlap(self, warehouse: str) -> str | None:
        if not storage.is_remote(warehouse):
            return None
        return nesting(self.root.rstrip("/") + "/", storage.location(warehouse).uri.rstrip("/") + "/")
