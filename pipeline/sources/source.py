"""What every input source does the same way: hash each file as it is read, and hold the bytes of
files that will be parsed, so that a run reads and hashes each file once.

A subclass only lists names and opens one of them (``names``, ``_open``); the reads that fail in a
way the place can explain (a folder that cannot be listed, a link out of the input) are its own.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pipeline import errors
from pipeline.errors import BadArticle

CHUNK_BYTES = 1 << 20  # read and hashed a piece at a time: a huge file costs time, not memory
HELD_BYTES = 32 * 1024 * 1024  # bytes read by a scan and kept for the parse; beyond this, files are read again


@dataclass(frozen=True, slots=True)  # slots, one shared root and a raw digest: a run holds one per input file
class ScannedFile:
    root: str  # the input folder or bucket prefix the file was found under
    source_path: str  # relative to root, as stored (``printable``)
    digest: bytes | None  # SHA-256 of the content; None when the file could not be read
    size_bytes: int
    name: str | None = None  # the path relative to root as the system spells it, when not valid UTF-8

    @property
    def rel(self) -> str:
        """The name to read the file by (``Source.read``)."""
        return self.name or self.source_path

    @property
    def path(self) -> str:
        """Where the file is: a local path, or the object's path on its filesystem."""
        return os.path.join(self.root, self.rel)

    @property
    def content_sha256(self) -> str | None:
        return self.digest.hex() if self.digest is not None else None


@dataclass(frozen=True)
class FileRead:
    """One input file as it was read: the hash of the bytes read and parsed (None when nothing could
    be read). Recorded instead of an earlier look's hash, so that a file caught missing, empty or
    half-written is seen as changed by the next run, not kept that way for good."""

    source_path: str
    content_sha256: str | None
    size_bytes: int


@dataclass(frozen=True)
class Read:
    """One file's bytes (``data``), or the problem that keeps them from being parsed.

    ``problem_size``: the size a reject of this file records (only an oversize file's is known)."""

    source_path: str
    content_sha256: str | None
    size_bytes: int
    data: bytes | None = None
    problem: BadArticle | None = None
    problem_size: int | None = None

    @property
    def file(self) -> FileRead:
        return FileRead(self.source_path, self.content_sha256, self.size_bytes)


def printable(rel: str) -> str:
    """A path as it can be stored: names that are not valid UTF-8 (undecodable bytes arrive as
    surrogates) with those bytes written as \\xNN escapes."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _digest(fh: BinaryIO, keep: int) -> tuple[bytes, int, bytes | None]:
    """(SHA-256, size, the bytes when there are at most ``keep`` of them) of a stream, read once."""
    digest, size, pieces = hashlib.sha256(), 0, []
    while chunk := fh.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        if size <= keep:
            pieces.append(chunk)
        else:
            pieces.clear()
    return digest.digest(), size, b"".join(pieces) if size <= keep else None


class Source:
    """An input folder or prefix: its files listed, hashed and opened in one place."""

    root: str  # how the input is recorded with its files (``files.input_root``)
    where: str  # how a run records its input (``runs.input_dir``)
    max_bytes: int

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._held: dict[str, Read] = {}
        self._held_bytes = 0

    # -- what each kind of source provides
    def names(self) -> Iterator[str]:
        """Every input file's path relative to the input, in a stable order."""
        raise NotImplementedError

    def listing(self) -> tuple[int, Iterable[str]]:
        """How many input files there are, and their names (as ``names``)."""
        raise NotImplementedError

    def signatures(self) -> dict[str, tuple[int, int]]:
        """(size, modification time in ns) of every visible input file, by relative path: one listing,
        for a service that polls for changes."""
        raise NotImplementedError

    @property
    def folder_here(self) -> str | None:
        """The input's folder when it is one on this machine (file-system notifications can follow it)."""
        return None

    def _open(self, rel: str) -> BinaryIO:
        """The file ``rel`` opened for reading; OSError or BadArticle when it cannot be."""
        raise NotImplementedError

    def _size(self, fh: BinaryIO, rel: str) -> int | None:
        """The size of the opened file ``rel`` as its place reports it, before reading it."""
        return None

    def _unopened(self, rel: str, exc: Exception) -> BadArticle:
        """Why ``rel`` could not be opened, as a reject reason."""
        if isinstance(exc, BadArticle):
            return exc
        return BadArticle(errors.UNREADABLE, f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}")

    def present(self, names: list[str]) -> list[str]:
        """``names`` without those known to be gone (a folder's files deleted since they were named)."""
        return names

    def check(self) -> None:
        """FrontlineError when the input does not exist or cannot be read."""
        raise NotImplementedError

    def overlap(self, warehouse: str) -> str | None:
        """Why the warehouse at ``warehouse`` and this input overlap, or None."""
        raise NotImplementedError

    # -- the same for every source
    def scan(self, names: Iterable[str] | None = None,
             keep: Callable[[ScannedFile], bool] | None = None) -> list[ScannedFile]:
        """Every input file (or the ``names`` given), read once and hashed. The bytes of those that
        ``keep`` wants parsed later are held (up to HELD_BYTES in all) for ``read``, which then
        does not read them again. What cannot be opened is not hashed: ``read`` says why."""
        out = []
        for rel in self.names() if names is None else names:
            shown = printable(rel)
            try:
                with self._open(rel) as fh:
                    room = min(self.max_bytes, HELD_BYTES - self._held_bytes) if keep is not None else -1
                    digest, size, data = _digest(fh, self._room(fh, rel, room))
            except (OSError, BadArticle):
                out.append(ScannedFile(self._scan_root, shown, None, -1, None if shown == rel else rel))
                continue
            scanned = ScannedFile(self._scan_root, shown, digest, size, None if shown == rel else rel)
            out.append(scanned)
            if keep is not None and keep(scanned) and (data is not None or size > self.max_bytes):
                self._hold(rel, self._judged(shown, rel, digest.hex(), size, data))
        return out

    def _room(self, fh: BinaryIO, rel: str, room: int) -> int:
        """How many bytes of the file to keep while hashing it: none when it is known to be larger."""
        if room < 0:
            return room
        size = self._size(fh, rel)
        return -1 if size is not None and size > room else room

    @property
    def _scan_root(self) -> str:
        return self.root

    def _hold(self, rel: str, read: Read) -> None:
        self._held[rel] = read
        self._held_bytes += len(read.data or b"")

    def release(self, names: Iterable[str]) -> None:
        """Forget the held bytes of ``names`` (files a run will not parse after all)."""
        for rel in names:
            read = self._held.pop(rel, None)
            if read is not None:
                self._held_bytes -= len(read.data or b"")

    def read(self, rel: str) -> Read:
        """The file ``rel`` read and hashed: from what its scan held, else read now. Never raises:
        an unreadable, oversize or badly named file comes back with its problem."""
        held = self._held.pop(rel, None)
        if held is not None:
            self._held_bytes -= len(held.data or b"")
            return held
        shown = printable(rel)
        try:
            fh = self._open(rel)
        except (OSError, BadArticle) as exc:
            return Read(shown, None, -1, problem=self._unopened(rel, exc))
        try:
            with fh:
                digest, size, data = _digest(fh, self._room(fh, rel, self.max_bytes))
        except OSError as exc:
            return Read(shown, None, -1, problem=self._unopened(rel, exc))
        return self._judged(shown, rel, digest.hex(), size, data)

    def _judged(self, shown: str, rel: str, sha: str, size: int, data: bytes | None) -> Read:
        """A file read whole or hashed: its bytes, or why they are not parsed."""
        if shown != rel:
            return Read(shown, sha, size, problem=BadArticle(
                errors.BAD_NAME, "the file name is not valid UTF-8 (shown with \\x escapes); rename the file"))
        if data is None:
            return Read(shown, sha, size, problem_size=size, problem=BadArticle(
                errors.TOO_LARGE, f"{size} bytes is over the {self.max_bytes}-byte cap"))
        return Read(shown, sha, size, data=data)
