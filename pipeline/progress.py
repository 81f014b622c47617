"""Progress callbacks: the CLI draws a bar, a scheduled run reports nothing. Module-level so a flow
running in the caller's thread reaches the caller's reporter without passing it as a parameter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Reporter = Callable[[int, int], None]  # (files done, files total)
_reporter: Reporter | None = None


def report(done: int, total: int) -> None:
    if _reporter is not None:
        _reporter(done, total)


@contextmanager
def reporting(callback: Reporter) -> Iterator[None]:
    global _reporter
    previous, _reporter = _reporter, callback
    try:
        yield
    finally:
        _reporter = previous
