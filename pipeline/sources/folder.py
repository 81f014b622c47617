"""A local input folder: walked lazily, its files opened below it one component at a time."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pipeline import confined, errors
from pipeline.errors import BadArticle, FrontlineError
from pipeline.sources.source import Source


def discover_relative(input_dir: str | Path) -> Iterator[str]:
    """Every file under ``input_dir``, recursively, in a stable order, one at a time, as its path
    relative to ``input_dir`` ('/'-separated): a scan of 100,000 files kept a Path object per file
    and interned every name.

    Hidden files and folders (names starting with '.') are skipped: they are editor, VCS and OS
    litter, not articles. Symlinked folders are listed but not entered (``read`` rejects them),
    so loops and escapes cannot happen. A folder that cannot be listed is yielded as its path with a
    trailing '/', so that it becomes a reject instead of vanishing. Names that are not valid UTF-8
    are yielded as the system gives them (see ``printable``)."""
    top = os.fspath(input_dir)
    stack = [""]  # folders still to list, the next on top
    while stack:
        prefix = stack.pop()
        files: list[str] = []
        folders: list[str] = []
        try:
            with os.scandir(os.path.join(top, prefix) if prefix else top) as it:
                for entry in it:
                    if not entry.name.startswith("."):
                        (folders if entry.is_dir(follow_symlinks=False) else files).append(entry.name)
        except OSError:
            if prefix:
                yield prefix
                continue
            raise
        files.sort()
        for name in files:
            yield prefix + name
        stack += [prefix + name + "/" for name in sorted(folders, reverse=True)]


class FolderSource(Source):
    """A folder on this machine. Files are opened as ``pipeline.confined`` opens them, so a folder
    swapped for a link after the scan cannot lead a read outside the input."""

    def __init__(self, folder: str | Path, *, max_bytes: int) -> None:
        super().__init__(max_bytes)
        self.folder = os.fspath(folder)
        self.root = os.path.realpath(folder)
        self.where = str(Path(folder).absolute())

    @property
    def _scan_root(self) -> str:
        return self.folder  # scanned files are found where the caller named the folder

    def names(self) -> Iterator[str]:
        return discover_relative(self.folder)

    def listing(self) -> tuple[int, Iterable[str]]:
        """Counted by one walk and walked again lazily, which costs 0.13 s per 100,000 files and no memory."""
        return sum(1 for _ in self.names()), self.names()

    def _open(self, rel: str) -> BinaryIO:
        if rel.endswith("/"):  # a folder the walk could not list: say why, if it still cannot be
            try:
                confined.list_folder(self.folder, rel)
            except OSError as exc:
                raise BadArticle(errors.UNREADABLE, f"the folder cannot be listed: {exc.strerror or exc}") from None
            raise BadArticle(errors.UNREADABLE, "the folder could not be listed when the input was scanned")
        return os.fdopen(confined.open_below(self.folder, rel), "rb")

    @property
    def folder_here(self) -> str | None:
        return self.folder

    def signatures(self) -> dict[str, tuple[int, int]]:
        root = self.folder
        out = {}
        stack = [""]
        while stack:
            prefix = stack.pop()
            try:
                with os.scandir(os.path.join(root, prefix) if prefix else root) as it:
                    for entry in it:
                        if entry.name.startswith("."):
                            continue
                        rel = f"{prefix}/{entry.name}" if prefix else entry.name
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(rel)
                        else:
                            st = entry.stat(follow_symlinks=False)
                            out[rel] = (st.st_size, st.st_mtime_ns)
            except OSError:
                continue
        return out

    def _size(self, fh: BinaryIO, rel: str) -> int | None:
        return os.fstat(fh.fileno()).st_size

    def present(self, names: list[str]) -> list[str]:
        return [n for n in names if os.path.lexists(os.path.join(self.folder, n))]

    def check(self) -> None:
        if not Path(self.folder).is_dir():
            raise FrontlineError(f"input directory {self.folder!r} does not exist or is not a directory")
        if not os.access(self.folder, os.R_OK | os.X_OK):
            raise FrontlineError(f"input directory {self.folder!r} is not readable")

    def overlap(self, warehouse: str) -> str | None:
        from pipeline.storage import is_remote

        if is_remote(warehouse):
            return None
        return nesting(os.path.realpath(self.folder) + os.sep, os.path.realpath(warehouse) + os.sep)


def nesting(inp: str, wh: str) -> str | None:
    """Why a warehouse at ``wh`` and an input at ``inp`` (both ending in a separator) overlap, or None.
    A warehouse inside its input would be read as input by the next run; an input inside a
    warehouse would be cleaned up as the warehouse's own."""
    if inp == wh:
        return "they are the same folder"
    if wh.startswith(inp):
        return "the warehouse is inside the input folder, so its own files would be read as articles"
    if inp.startswith(wh):
        return "the input folder is inside the warehouse"
    return None
