"""Which input files a run must process, and what an edited file's new version replaces.

A file is new when no earlier run processed its path, changed when its content
hash differs from the one recorded then, unchanged otherwise. Modification
times are not trusted: copies and checkouts change them without changing
content, and some editors keep them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import storage
from pipeline.ingest import discover_relative
from pipeline.records import FileState

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass(frozen=True, slots=True)  # slots, one shared root and a raw digest: a run holds one per input file
class ScannedFile:
    root: str  # the input folder or bucket prefix the file was found under
    source_path: str  # relative to root, as stored
    digest: bytes | None  # SHA-256 of the content; None when the file could not be read
    size_bytes: int

    @property
    def path(self) -> str:
        """Where to read the file: a local path, or the object's path on its filesystem."""
        return os.path.join(self.root, self.source_path)

    @property
    def content_sha256(self) -> str | None:
        return self.digest.hex() if self.digest is not None else None


@dataclass
class Plan:
    new: list[ScannedFile] = field(default_factory=list)
    changed: list[ScannedFile] = field(default_factory=list)
    unchanged: list[ScannedFile] = field(default_factory=list)
    full: bool = False

    @property
    def to_process(self) -> list[ScannedFile]:
        todo = self.new + self.changed + (self.unchanged if self.full else [])
        return sorted(todo, key=lambda f: f.source_path)


def stream_digest(fh) -> tuple[bytes, int]:
    """(SHA-256, bytes read) of a binary stream, read in chunks: a huge file costs time, not memory."""
    digest, size = hashlib.sha256(), 0
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return digest.digest(), size


def scan(input_dir: str | Path, relative: Iterable[str] | None = None) -> list[ScannedFile]:
    """Every file under ``input_dir`` (or the ``relative`` paths given), hashed."""
    root = os.fspath(input_dir)
    out = []
    for rel in discover_relative(root) if relative is None else relative:
        try:
            with open(os.path.join(root, rel), "rb", opener=_regular_only) as fh:
                digest, size = stream_digest(fh)
        except OSError:
            size, digest = -1, None  # ingest will reject it with the reason
        out.append(ScannedFile(root, rel, digest, size))
    return out


def _regular_only(path: str, flags: int) -> int:
    """Open without following a symlink, and only a regular file: ingest decides about the rest."""
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"not hashed: {path} is not a regular file")
    return fd


def scan_objects(input_uri: str) -> list[ScannedFile]:
    """Object storage: every object is downloaded once to hash it (ETags are not content hashes
    for multipart uploads, so they cannot stand in for one)."""
    loc = storage.location(input_uri)
    out = []
    for path in storage.list_files(loc):
        try:
            with loc.fs.open_input_stream(path) as fh:
                digest, size = stream_digest(fh)
        except OSError:
            size, digest = -1, None
        out.append(ScannedFile(loc.path, loc.relative(path), digest, size))
    return out


def scan_input(input_uri: str) -> list[ScannedFile]:
    """Every input file of a local folder or an ``s3://`` prefix, hashed."""
    if storage.is_remote(input_uri):
        return scan_objects(input_uri)
    return scan(input_uri)


def plan(scanned: list[ScannedFile], known: dict[str, FileState], *, full: bool = False) -> Plan:
    result = Plan(full=full)
    for f in scanned:
        before = known.get(f.source_path)
        if before is None:
            result.new.append(f)
        elif f.content_sha256 is None or before.content_sha256 != f.content_sha256:
            result.changed.append(f)
        else:
            result.unchanged.append(f)
    return result


def file_states(
    processed: list[ScannedFile], article_sources: Iterable[tuple[str, str]], reject_paths: Iterable[str], *,
    run_id: str, now: datetime
) -> list[FileState]:
    """What each processed file produced, from (source_path, article_id) pairs and the source paths of
    rejects: recorded so the next run can tell what changed."""
    ids: dict[str, list[str]] = {}
    for path, article in article_sources:
        ids.setdefault(path, []).append(article)
    n_rejects: dict[str, int] = {}
    for path in reject_paths:
        n_rejects[path] = n_rejects.get(path, 0) + 1
    return [
        FileState(
            source_path=f.source_path,
            content_sha256=f.content_sha256 or "",
            size_bytes=f.size_bytes,
            article_ids=tuple(ids.get(f.source_path, ())),
            n_rejects=n_rejects.get(f.source_path, 0),
            run_id=run_id,
            processed_at=now,
        )
        for f in processed
    ]


def stale_article_ids(reprocessed_files: Iterable[ScannedFile], known: dict[str, FileState],
                      current: Iterable[str]) -> set[str]:
    """Articles of earlier versions of the reprocessed files that no current file version produces any more
    (files not reprocessed yet still count as producing what they produced before)."""
    reprocessed = {f.source_path for f in reprocessed_files}
    old = {i for path in reprocessed if path in known for i in known[path].article_ids}
    if not old:
        return set()
    still_produced = set(current)
    still_produced |= {i for path, state in known.items() if path not in reprocessed for i in state.article_ids}
    return old - still_produced
