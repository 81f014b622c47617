"""`frontline serve --watch DIR`: one long-running flow run that loads new and changed files within
about a second of their arrival.

A scheduled run pays a process start, a model load and a Prefect start-up before it reads anything.
The watching flow pays them once: it loads the model, holds its Prefect API connection, and then runs
the ETL flow (as a subflow run per batch, each with its own `runs` row and atomic commits) on exactly
the files it was told about, as soon as it is told. Files that arrive while a batch runs form the
next batch, so a burst makes fewer, larger commits rather than a queue. Small Parquet files are
merged by a background thread between commits, so a day of streaming does not leave thousands of
files. SIGTERM or Ctrl-C stops it cleanly: a batch in progress is recorded as interrupted (what it
committed stays), the threads are stopped, and the next start catches up on what was missed.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from prefect import flow, get_run_logger
from prefect.exceptions import TerminationSignal

from flows.etl import etl
from pipeline import lifetime, watch
from pipeline.locations import check_locations
from pipeline.runs import COMPACT_AFTER_FILES
from pipeline.settings import RUN_LOCK_TIMEOUT
from pipeline.sources import open_source
from pipeline.warehousing.store import Warehouse

DEFAULT_BATCH_FILES = 500  # files per ETL run at most; the rest wait for the next one
IDLE_WAIT = 0.5  # seconds the loop sleeps on the change queue when there is nothing to do
READY = "frontline watch: ready"  # printed once the catch-up run is done and changes are being followed


@dataclass
class Counts:
    runs: int = 0
    files: int = 0
    mentions: int = 0
    compactions: int = 0
    errors: list[str] = field(default_factory=list)


class Compactor(threading.Thread):
    """Merges small Parquet files whenever a commit asks for it, off the loading loop's thread. A merge
    holds the warehouse's write lock like a commit, so the two take turns; neither changes rows."""

    def __init__(self, warehouse: str, counts: Counts) -> None:
        super().__init__(name="frontline-compactor", daemon=True)
        self.warehouse, self.counts = warehouse, counts
        self.wanted, self.stopping = threading.Event(), threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            if not self.wanted.wait(IDLE_WAIT):
                continue
            self.wanted.clear()
            try:
                report = Warehouse(self.warehouse).compact(min_small_files=COMPACT_AFTER_FILES)
                if any(before != after for before, after in report.values()):
                    self.counts.compactions += 1
            except Exception as exc:  # a failed merge leaves the snapshot as it was; the next one tries again
                self.counts.errors.append(f"compaction: {type(exc).__name__}: {exc}")

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)


def changes(input_dir: str, stop: threading.Event, poll: float | None) -> Iterator[set[str]]:
    """Notifications for a local folder unless ``poll`` seconds are given; polling for object storage."""
    if poll is None and watch.can_notify(input_dir):
        return watch.notified_changes(input_dir, stop)
    return watch.polled_changes(input_dir, stop, poll or watch.DEFAULT_POLL_SECONDS)


def _feed(source: Iterator[set[str]], out: queue.Queue, stop: threading.Event) -> None:
    try:
        for found in source:
            out.put(found)
            if stop.is_set():
                return
    except Exception as exc:  # the loop reports it and stops
        out.put(exc)


WARM_UP_TEXT = "Government forces launched an offensive near the town of Kharkiv on Monday, officials said."


def _warm_up() -> None:
    """Load the model and everything extraction reads lazily (gazetteer, actors, rules) once, here:
    the first file to arrive would otherwise wait for them."""
    from pipeline.nlp.build import load_nlp
    from pipeline.nlp.extract import extract_events

    extract_events(load_nlp()(WARM_UP_TEXT), None, WARM_UP_TEXT)


def _no_heartbeat():
    """Batch runs send no heartbeat of their own (the watching run does): ending a run waits for its
    heartbeat thread, which sleeps in one-second steps, and that second was a third of a small batch."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def _announce(line: str) -> None:
    """To the process's standard output whatever the log level (the flow's prints become log records)."""
    sys.__stdout__.write(line + "\n")
    sys.__stdout__.flush()


def _present(input_dir: str, names: list[str]) -> list[str]:
    """Drop local files deleted since they were announced (an editor's temporary file): a run would
    record them as unreadable."""
    return open_source(input_dir).present(names)


@flow(name="frontline-watch", log_prints=True)
def watch_flow(input_dir: str, warehouse: str, poll: float | None = None,
               batch_files: int = DEFAULT_BATCH_FILES, lock_timeout: float = RUN_LOCK_TIMEOUT) -> dict:
    """Follow ``input_dir`` until stopped, loading new and changed files as they arrive."""
    logger = get_run_logger()
    check_locations(input_dir, warehouse)
    _warm_up()
    counts = Counts()
    stop = threading.Event()
    arrived: queue.Queue = queue.Queue()
    compactor = Compactor(warehouse, counts)
    feeder = None
    try:
        with lifetime.stop_signals():
            # Follow first, then catch up: a file written during the catch-up run is seen by one or the other.
            start = watch.signatures(input_dir) if poll is not None or not watch.can_notify(input_dir) else None
            source = (watch.polled_changes(input_dir, stop, poll or watch.DEFAULT_POLL_SECONDS, start)
                      if start is not None else changes(input_dir, stop, None))
            feeder = threading.Thread(target=_feed, args=(source, arrived, stop), name="frontline-watcher",
                                      daemon=True)
            feeder.start()
            compactor.start()
            summary = etl(input_dir=input_dir, warehouse=warehouse, lock_timeout=lock_timeout, compact=False)
            counts.runs += 1
            counts.mentions += summary["mentions_new"]
            compactor.wanted.set()
            _announce(f"{READY} ({'polling every %ss' % (poll or watch.DEFAULT_POLL_SECONDS) if start is not None else 'notifications'}"
                      f" on {input_dir}; caught up: {summary['files_new']} new, {summary['files_changed']} changed files)")
            pending: set[str] = set()
            while True:
                try:
                    got = arrived.get_nowait() if pending else arrived.get(timeout=IDLE_WAIT)
                except queue.Empty:
                    got = None
                while got is not None:
                    if isinstance(got, Exception):
                        raise got
                    pending |= got
                    try:
                        got = arrived.get_nowait()
                    except queue.Empty:
                        got = None
                if not pending:
                    continue
                batch = sorted(pending)[:batch_files]
                pending.difference_update(batch)
                batch = _present(input_dir, batch)
                if not batch:
                    continue
                with _no_heartbeat():
                    summary = etl(input_dir=input_dir, warehouse=warehouse, lock_timeout=lock_timeout,
                                  only=batch, compact=False)
                counts.runs += 1
                counts.files += len(batch)
                counts.mentions += summary["mentions_new"]
                compactor.wanted.set()
    except (lifetime.Stopped, TerminationSignal) as exc:  # ours, or Prefect's between subflow runs
        logger.info("stopping on %s", getattr(exc, "signum", "a signal"))
    finally:
        stop.set()
        if feeder is not None:
            feeder.join(timeout=5)
        if compactor.is_alive():
            compactor.stop()
    for error in counts.errors:
        logger.warning(error)
    return {"runs": counts.runs, "files": counts.files, "mentions_new": counts.mentions,
            "compactions": counts.compactions, "errors": counts.errors}

