"""One writer at a time: the write lock held by each commit, and the run lock held by a whole run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.errors import WarehouseError


@contextmanager
def held(path: Path, timeout: float, *, uri: str, what: str = "writing to") -> Iterator[None]:
    """One holder at a time; another waits up to ``timeout`` seconds, then stops with a clear message."""
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise WarehouseError(
            f"another frontline run is {what} {uri} (lock {path} still held after "
            f"{timeout:.0f} s); try again when it has finished"
        ) from None
    try:
        yield
    finally:
        lock.release()
