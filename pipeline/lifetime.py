"""Child processes that do not outlive frontline, and SIGTERM taken like Ctrl-C.

`frontline run` without a configured Prefect server starts a temporary one (a uvicorn process of
about 240 MB; `pipeline.prefect_api`). It is stopped when the interpreter exits normally, but
SIGTERM's default action and SIGKILL skip every clean-up, so each stopped run used to leave one running. Here SIGTERM (and
Ctrl-C) raises ``Stopped`` (a KeyboardInterrupt) wherever the run is, so the run records itself
and exits through the normal clean-ups; and the server is started with the kernel's
parent-death signal (prctl PR_SET_PDEATHSIG, Linux), so it is stopped even when frontline is
killed outright.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1
_LIBC = None
if sys.platform.startswith("linux"):
    try:
        _LIBC = ctypes.CDLL(None, use_errno=True)  # loaded before any fork: the child only calls it
    except OSError:  # pragma: no cover - not glibc/musl
        _LIBC = None


class Stopped(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM); raised where it was, like Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def dies_with(parent: int) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets SIGTERM when ``parent`` (the thread that started it) dies,
    and exits at once if it already has. A no-op where prctl does not exist."""

    def arm() -> None:
        if _LIBC is not None:
            _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return arm


_requested: list[int] = []  # the stop signals received inside ``stop_signals``
_depth = 0


def stop_requested() -> int | None:
    """The signal that asked this process to stop, if one did. Needed because DuckDB turns an
    exception raised by a signal handler during a query into ``RuntimeError('Query interrupted')``."""
    return _requested[0] if _requested else None


@contextmanager
def stop_signals() -> Iterator[None]:
    """Within this block SIGTERM and SIGINT raise ``Stopped`` in the main thread (and are remembered,
    see ``stop_requested``) instead of ending the process unannounced. The flow body installs it
    too: Prefect's own SIGTERM handler is active during a flow run otherwise, and the exception it
    raises can be swallowed by a DuckDB query like any other."""
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        _requested.append(signum)
        raise Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if not _depth:
            _requested.clear()
