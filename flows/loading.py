"""One run's loading of its input, step by step: plan a chunk of files, ingest a batch and submit
its extraction, collect extracted batches in order into a unit, commit the unit.

The state between the steps lives in `pipeline.run` (the ledger, the copy window, the unit, the
commit points); this module only calls the tasks in order.
"""

from __future__ import annotations

import signal
from collections import deque
from datetime import datetime
from logging import Logger

import pyarrow as pa
from prefect.exceptions import ExternalSignal, TerminationSignal

from flows.tasks import (cluster_events, compact_small_files, extract_batch, ingest_batch, load_last_tables,
                         load_tables, read_listed_elsewhere, read_state, scan_input)
from pipeline.ingest.plan import plan, stale_article_ids
from pipeline import lifetime
from pipeline.warehousing.store import CommitResult, Warehouse
from pipeline.records import Mention, Run, to_arrow
from pipeline.report import top_events
from pipeline.run import (ARTICLES_PER_TASK, CommitPoints, CopyWindow, Part, RunLedger, Sizes, Unit, batches,
                          commit_changes, parts)
from pipeline.sources import ScannedFile, Source, printable


class Loading:
    """Batches ingested here are extracted ``sizes.in_flight`` at a time by the task runner; every
    ``sizes.commit_every`` articles their rows are clustered and committed. A run so holds one
    chunk's file list and one commit's batches, never its whole input, and an interrupted run
    resumes from its last commit."""

    def __init__(self, warehouse: str, source: Source, ledger: RunLedger, sizes: Sizes, *, full: bool,
                 compact: bool, logger: Logger) -> None:
        self.warehouse, self.source, self.ledger, self.sizes = warehouse, source, ledger, sizes
        self.full, self.compact, self.logger = full, compact, logger
        self.window = CopyWindow()
        self.points = CommitPoints(sizes.commit_every, sizes.batch)
        self.pending: deque[tuple[Part, object]] = deque()  # parts submitted for extraction, oldest first
        self.unit = Unit()
        self.top: list[Mention] = []

    def plan_chunk(self, names: list[str], last_chunk: bool) -> tuple[list[ScannedFile], dict, int]:
        """(files to process, their stored states, files examined and skipped) of one chunk of names."""
        files = self.ledger.files
        known = read_state(self.warehouse, self.source.root, [printable(n) for n in names]).value
        scanned = scan_input(self.source, names, known, self.full).value
        chunk = plan(scanned, known, full=self.full)
        self.logger.info("files %d-%d: %d new, %d changed, %d unchanged%s", files["seen"] + 1,
                         files["seen"] + len(scanned), len(chunk.new), len(chunk.changed), len(chunk.unchanged),
                         " (reprocessing all: --full)" if self.full else " (skipped)")
        todo = chunk.to_process
        if last_chunk:
            self.points.last_chunk(files["processed"], len(todo), self.sizes.in_flight)
        self.ledger.planned(len(chunk.new), len(chunk.changed), len(chunk.unchanged), len(todo))
        return todo, known, len(scanned) - len(todo)

    def batches(self, todo: list[ScannedFile], last_chunk: bool):
        """Only the run's end has a tail of finer batches."""
        return batches(todo, self.sizes.batch, self.sizes.in_flight if last_chunk else 0)

    def ingest(self, batch: list[ScannedFile], known: dict, run_id: str, started: datetime) -> None:
        """Read and parse a batch, and submit its new articles for extraction, in parts."""
        articles, rejects, files_rows, stored = ingest_batch(self.source, [f.rel for f in batch], run_id, started,
                                                             self.warehouse, not self.full)
        self.ledger.totals.read += articles.num_rows
        for row in rejects.to_pylist():
            where = f" record {row['source_record']}" if row["source_record"] is not None else ""
            self.logger.warning("rejected %s%s: %s (%s)", row["source_path"], where, row["reason"], row["detail"])
        keep = pa.array(self.window.admit(articles["article_id"].to_pylist(), stored), type=pa.bool_())
        before = {f.source_path: known[f.source_path] for f in batch if f.source_path in known}
        for start, length in parts(articles.num_rows, min(self.sizes.commit_every, ARTICLES_PER_TASK)):
            last = start + length == articles.num_rows
            part = Part(len(batch) if last else 0, before if last else {}, articles.slice(start, length),
                        rejects if last else rejects.slice(0, 0), files_rows if last else files_rows.slice(0, 0))
            # Submitted, not called: the task runner extracts while the run ingests the next batch.
            self.pending.append((part, extract_batch.submit(part.articles.filter(keep.slice(start, length)), run_id)))
            while len(self.pending) > self.sizes.in_flight:
                self.collect_oldest()

    def collect_oldest(self) -> None:
        part, future = self.pending.popleft()
        self.unit.add(part, future.result())
        if self.points.due(part.files_done, self.unit.n_articles) and self.pending:
            self.commit(last=False)
            if self.compact:
                compact_small_files(self.warehouse)  # a commit can add a file to every month: keep the count bounded
            self.unit = Unit()

    def finish(self) -> CommitResult:
        """Collect every batch still extracting and make the run's last commit."""
        while self.pending:
            self.collect_oldest()
        result = self.commit(last=True)
        if self.compact:
            compact_small_files(self.warehouse)
        return result

    def commit(self, last: bool) -> CommitResult:
        """Cluster the unit's mentions with the stored events and commit its rows in one commit."""
        articles, rejects, new, files_rows = self.unit.tables()
        ids = articles["article_id"].to_pylist()
        file_ids = files_rows["file_id"].to_pylist()
        # What these files produce now: their rows list every article, also those committed earlier
        # in parts of a large file; with the uncommitted window, what an edit did not remove.
        current = self.window.ids().union(*files_rows["article_ids"].to_pylist())
        stale = stale_article_ids(self.unit.before.values(), current,
                                  lambda old: read_listed_elsewhere(self.warehouse, old, file_ids))
        replaced = sorted(stale | (set(ids) if self.full else set()))
        clustered = None
        if new.num_rows or replaced:
            clustered = cluster_events(self.warehouse, new, replaced, dict(zip(ids, articles["outlet"].to_pylist())))
        mentions, moved = (clustered.mentions, clustered.moved) if clustered is not None else ([], [])
        tables, replace = commit_changes(articles, rejects, files_rows, replaced, mentions, moved,
                                         clustered.events if clustered is not None else None,
                                         clustered.retired if clustered is not None else [])
        self.ledger.committing(len(stale), len(mentions), rejects["reason"].to_pylist(), len(moved))
        self.top = top_events(self.top + mentions)
        if last:
            result = load_last_tables(self.warehouse, tables, replace, self.ledger)
        else:
            result = load_tables(self.warehouse, tables, replace)
            self.ledger.committed(result)
        self.window.forget(ids)  # committed: the warehouse answers for them from now on
        return result


def record_failure(wh: Warehouse, ledger: RunLedger, exc: BaseException, stop: int | None = None) -> None:
    """Best effort: a failed or stopped run leaves a row saying why; what its earlier commits loaded
    stays. ``stop``: the signal that asked the process to stop, whatever exception it became."""
    if stop is None and isinstance(exc, (TerminationSignal, lifetime.Stopped)):
        stop = getattr(exc, "signum", signal.SIGTERM)
    stopped = stop is not None or isinstance(exc, (KeyboardInterrupt, SystemExit, ExternalSignal))
    try:
        wh.commit({"runs": to_arrow([ledger.failed_row(exc, stop, stopped)], Run)})
    except Exception:  # the original error matters more
        pass
