"""Which input files appeared or changed: file-system notifications for a folder, polling otherwise.

Both sources yield sets of paths relative to the input, as ``Source.names`` spells them
(hidden names skipped). They only say where to look: what is new or changed is still decided by the
content hash the flow records, so a notification for a half-written file costs a read, not a wrong row
(the write that completes it sends another).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from pipeline.sources import open_source

DEBOUNCE_MS = 50  # notifications this close together arrive as one set
STEP_MS = 25
DEFAULT_POLL_SECONDS = 1.0


def _visible(rel: str) -> bool:
    return bool(rel) and not any(part.startswith(".") for part in rel.split("/"))


def _files_under(root: str, folder: str) -> set[str]:
    found = set()
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            rel = os.path.relpath(os.path.join(here, name), root).replace(os.sep, "/")
            if _visible(rel):
                found.add(rel)
    return found


def notified_changes(folder: str, stop: threading.Event, debounce_ms: int = DEBOUNCE_MS) -> Iterator[set[str]]:
    """Sets of files under ``folder`` that were created or written, as the kernel reports them (inotify
    on Linux, through ``watchfiles``), until ``stop`` is set."""
    from watchfiles import Change, watch

    root = os.path.realpath(folder)
    for changes in watch(root, stop_event=stop, debounce=debounce_ms, step=STEP_MS, rust_timeout=500,
                         yield_on_timeout=False, raise_interrupt=False, recursive=True):
        found = set()
        for change, path in changes:
            if change == Change.deleted:
                continue
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if not _visible(rel) or rel.startswith("../"):
                continue
            if os.path.isfile(path):
                found.add(rel)
            elif os.path.isdir(path):
                # A folder made after the watch began: files written into it before the kernel watched
                # it send no notification of their own, so what it holds is listed once.
                found |= _files_under(root, path)
        if found:
            yield found


def signatures(input_uri: str) -> dict[str, tuple[int, int]]:
    """(size, modification time in ns) of every visible input file, by relative path: one listing."""
    return open_source(input_uri).signatures()


def changed_since(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    """Paths that are new in ``after`` or whose size or modification time differs."""
    return {rel for rel, sig in after.items() if before.get(rel) != sig}


def polled_changes(input_uri: str, stop: threading.Event, interval: float = DEFAULT_POLL_SECONDS,
                   start: dict[str, tuple[int, int]] | None = None) -> Iterator[set[str]]:
    """Sets of files new or changed since the previous listing, every ``interval`` seconds, until
    ``stop`` is set: for object storage, which sends no notifications, and folders where they fail.
    The first listing is taken now (or is ``start``), not when the first set is asked for."""
    return _polling(input_uri, stop, interval, signatures(input_uri) if start is None else start)


def _polling(input_uri: str, stop: threading.Event, interval: float,
             seen: dict[str, tuple[int, int]]) -> Iterator[set[str]]:
    while not stop.wait(interval):
        now = signatures(input_uri)
        found = changed_since(seen, now)
        seen = now
        if found:
            yield found


def can_notify(input_uri: str) -> bool:
    """A local folder on a system whose notifications ``watchfiles`` can read."""
    folder = open_source(input_uri).folder_here
    if folder is None or not Path(folder).is_dir():
        return False
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        return False
    return True
