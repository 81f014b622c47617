"""Which input files a run must process, and what an edited file's new version replaces.

A file is new when no earlier run processed its path, changed when its content
hash differs from the one recorded then, unchanged otherwise. Modification
times are not trusted: copies and checkouts change them without changing
content, and some editors keep them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import pyarrow as pa

from pipeline.ingest.ids import file_id
from pipeline.warehousing.store import Warehouse
from pipeline.records import FileState, from_arrow
from pipeline.sources import FileRead, ScannedFile

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"

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


def chunks(names: Iterable[str], size: int) -> Iterator[tuple[list[str], bool]]:
    """Lists of up to ``size`` names, each with whether it is the last: a run plans its input a
    chunk at a time, so what it holds per file does not grow with the input."""
    it = iter(names)
    chunk = list(islice(it, size))
    while chunk:
        following = list(islice(it, size))
        yield chunk, not following
        chunk = following


def status(f: ScannedFile, known: dict[str, FileState]) -> str:
    """NEW, CHANGED or UNCHANGED: ``f`` against the state earlier runs recorded for it."""
    before = known.get(f.source_path)
    if before is None:
        return NEW
    if f.content_sha256 is None or before.content_sha256 != f.content_sha256:
        return CHANGED
    return UNCHANGED


def to_be_read(known: dict[str, FileState], *, full: bool = False) -> Callable[[ScannedFile], bool]:
    """Whether a scanned file will be parsed by the run: its bytes are then held by the scan."""
    return lambda f: full or status(f, known) != UNCHANGED


def plan(scanned: list[ScannedFile], known: dict[str, FileState], *, full: bool = False) -> Plan:
    result = Plan(full=full)
    groups = {NEW: result.new, CHANGED: result.changed, UNCHANGED: result.unchanged}
    for f in scanned:
        groups[status(f, known)].append(f)
    return result


def file_states(
    reads: Iterable[FileRead], article_sources: Iterable[tuple[str, str]], reject_paths: Iterable[str], *,
    root: str, run_id: str, now: datetime
) -> list[FileState]:
    """What each file read produced, from (source_path, article_id) pairs and the source paths of
    rejects, with the hash of the bytes that were read: recorded so the next run can tell what changed."""
    ids: dict[str, list[str]] = {}
    for path, article in article_sources:
        ids.setdefault(path, []).append(article)
    n_rejects: dict[str, int] = {}
    for path in reject_paths:
        n_rejects[path] = n_rejects.get(path, 0) + 1
    return [
        FileState(
            file_id=file_id(root, f.source_path),
            input_root=root,
            source_path=f.source_path,
            content_sha256=f.content_sha256 or "",  # nothing read: the next run processes the file again
            size_bytes=f.size_bytes,
            article_ids=tuple(ids.get(f.source_path, ())),
            n_rejects=n_rejects.get(f.source_path, 0),
            run_id=run_id,
            processed_at=now,
        )
        for f in reads
    ]


def stale_article_ids(before: Iterable[FileState], current: Iterable[str],
                      listed_elsewhere: Callable[[set[str]], set[str]]) -> set[str]:
    """Articles that the earlier versions of reprocessed files produced (``before``) and that no
    file produces any more: neither an article read now (``current``) nor one another file's
    stored state lists (``listed_elsewhere`` says which of the ids it is given are)."""
    old = {i for state in before for i in state.article_ids} - set(current)
    return old - listed_elsewhere(old) if old else set()


def stored_states(wh: Warehouse, root: str, paths: list[str]) -> dict[str, FileState]:
    """What earlier runs recorded for these input files of the input folder ``root``, by path."""
    rows = wh.rows("files", "file_id", [file_id(root, p) for p in paths])
    return {f.source_path: f for f in from_arrow(rows, FileState)}


def listed_elsewhere(wh: Warehouse, ids: set[str], file_ids: list[str]) -> set[str]:
    """Which of ``ids`` the stored state of a file other than ``file_ids`` lists."""
    if not ids or not wh.manifest().files("files"):
        return set()
    con = wh.connect(tables=["files"])
    try:
        con.register("wanted", pa.table({"id": pa.array(sorted(ids), type=pa.string())}))
        con.register("excluded", pa.table({"file_id": pa.array(file_ids, type=pa.string())}))
        return {i for (i,) in con.sql(
            "SELECT DISTINCT id FROM (SELECT file_id, unnest(article_ids) AS id FROM files) "
            "WHERE id IN (SELECT id FROM wanted) AND file_id NOT IN (SELECT file_id FROM excluded)").fetchall()}
    finally:
        con.close()
