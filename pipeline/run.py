"""The run ledger: what a run holds between its tasks, as plain objects testable without Prefect.

A run reads its input in batches, extracts them ahead of committing, and commits about every
``commit_every`` articles. What it must remember on the way lives here: the batches not committed
yet (``Unit``), the ids of the articles read but not committed (``CopyWindow``, so a copy is
extracted once), how the input is cut into batches (``batches``, ``parts``), which stored rows each
commit replaces (``commit_changes``), and the run's own `runs` row (``RunLedger``).
"""

from __future__ import annotations

import copy
import json
import signal
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyarrow as pa

from pipeline.warehousing.store import CommitResult
from pipeline.records import Article, Event, FileState, Mention, Reject, Run, to_arrow
from pipeline.runs import NOTHING_TO_DO

ARTICLES_PER_TASK = 500  # a file of many records is extracted (and committed) in parts of at most this many


@dataclass(frozen=True)
class Sizes:
    """How much a run reads, extracts and commits at a time."""

    batch: int
    max_bytes: int
    commit_every: int
    in_flight: int
    chunk_files: int


def tail_start(n_files: int, batch_size: int, in_flight: int) -> int:
    """Where the last ``in_flight`` batches' worth of files begins."""
    return max(0, n_files - batch_size * in_flight)


def batches(todo: list, batch_size: int, in_flight: int) -> Iterator[list]:
    """Batches of ``batch_size`` files, the last ``in_flight`` batches' worth cut four times finer:
    parallel workers then finish within a small batch of each other instead of a large one."""
    tail_from = tail_start(len(todo), batch_size, in_flight)
    start = 0
    while start < len(todo):
        end = min(start + batch_size, tail_from) if start < tail_from else start + max(1, batch_size // 4)
        yield todo[start:end]
        start = end


def parts(n: int, size: int) -> list[tuple[int, int]]:
    """(start, length) slices of ``n`` rows of at most ``size`` each; one empty slice for none."""
    return [(start, min(size, n - start)) for start in range(0, n, size)] or [(0, 0)]


@dataclass
class CommitPoints:
    """When a run commits: every ``commit_every`` articles collected, and on reaching the tail of
    its input too, so that the last commit, which nothing overlaps, is small."""

    commit_every: int
    batch: int
    tail_from: int | None = None  # where, in files collected, the last chunk's tail begins
    finished: int = 0  # files whose batch has been collected

    def last_chunk(self, processed_before: int, n_todo: int, in_flight: int) -> None:
        """The run's last chunk has ``n_todo`` files to process after ``processed_before`` others."""
        self.tail_from = processed_before + tail_start(n_todo, self.batch, in_flight)

    def due(self, files_done: int, unit_articles: int) -> bool:
        """Whether to commit once a part completing ``files_done`` files is collected into a unit
        now holding ``unit_articles`` articles."""
        collected, self.finished = self.finished, self.finished + files_done
        at_tail = self.tail_from is not None and collected < self.tail_from <= self.finished \
            and unit_articles >= self.batch
        return unit_articles >= self.commit_every or at_tail


class CopyWindow:
    """Article ids read in batches not committed yet. With the committed ones (looked up in the
    warehouse) they decide what is extracted, and which ids of an edited file's old version another
    file still produces: a run keeps no set of every id it has read."""

    def __init__(self) -> None:
        self._reads: Counter = Counter()

    def admit(self, ids: Iterable[str], stored: set[str]) -> list[bool]:
        """For each id read, whether to extract it: neither stored nor read before in this window."""
        keep = []
        for i in ids:
            keep.append(i not in stored and i not in self._reads)
            self._reads[i] += 1
        return keep

    def forget(self, ids: Iterable[str]) -> None:
        """Take a committed unit's article ids out of the window: the warehouse answers for them now."""
        for i in ids:
            self._reads[i] -= 1
            if self._reads[i] <= 0:
                del self._reads[i]

    def ids(self) -> set[str]:
        return set(self._reads)


@dataclass
class Part:
    """A slice of one ingested batch on its way to a commit. A file of many records is extracted in
    parts, and commits may fall between them; its files row, rejects and former state travel with
    the last part, so the file counts as processed only once all its articles are committed."""

    files_done: int  # input files this part completes
    before: dict[str, FileState]  # stored states of those files
    articles: pa.Table
    rejects: pa.Table
    files: pa.Table


@dataclass
class Unit:
    """Batches extracted but not yet committed: one commit's worth."""

    files: list[pa.Table] = field(default_factory=list)  # their files rows, as read
    before: dict[str, FileState] = field(default_factory=dict)  # stored states of those files
    articles: list[pa.Table] = field(default_factory=list)
    rejects: list[pa.Table] = field(default_factory=list)
    mentions: list[pa.Table] = field(default_factory=list)
    n_articles: int = 0

    def add(self, part: Part, mentions: pa.Table) -> None:
        self.files.append(part.files)
        self.before.update(part.before)
        self.articles.append(part.articles)
        self.rejects.append(part.rejects)
        self.mentions.append(mentions)
        self.n_articles += part.articles.num_rows

    def tables(self) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
        """(articles, rejects, new mentions, files rows), each one table."""
        def joined(tables: list[pa.Table], record: type) -> pa.Table:
            return pa.concat_tables(tables) if tables else to_arrow([], record)

        return (joined(self.articles, Article), joined(self.rejects, Reject), joined(self.mentions, Mention),
                joined(self.files, FileState))


def commit_changes(articles: pa.Table, rejects: pa.Table, files: pa.Table, replaced: list[str],
                   mentions: list[Mention], moved: list[Mention],
                   events: list[Event] | None, retired: list[str]) -> tuple[dict[str, pa.Table], dict]:
    """The tables a commit adds to and the stored rows it replaces, by the key of each table: an
    edited article's old version, its files' old rejects and state, stored mentions whose id moved,
    and every event whose membership changed (rebuilt from its current mentions)."""
    file_ids = files["file_id"].to_pylist()
    tables = {
        "articles": articles,
        "event_mentions": to_arrow(mentions + moved, Mention),
        "rejects": rejects,
        "files": files,
    }
    replace = {
        "articles": ("article_id", replaced),
        "event_mentions": [("article_id", replaced), ("mention_id", [m.mention_id for m in moved])],
        "rejects": ("file_id", file_ids),
        "files": ("file_id", file_ids),
    }
    if events is not None:
        tables["events"] = to_arrow(events, Event)
        replace["events"] = ("event_id", retired)
    return tables, replace


@dataclass
class Totals:
    """What the run did, summed over its commits, for its runs row."""

    read: int = 0
    articles_new: int = 0
    articles_removed: int = 0
    mentions_new: int = 0
    mentions_removed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    events: int | None = None

    def count(self, result: CommitResult, changed: int) -> None:
        self.articles_new += result.added.get("articles", 0)
        self.mentions_removed += result.removed.get("event_mentions", 0) - changed
        for mine, theirs in ((self.added, result.added), (self.removed, result.removed)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        if "events" in result.rows:
            self.events = result.rows["events"]


class RunLedger:
    """One run's counts of files and rows, and its `runs` row.

    The completed row is published by the run's last commit, in the same atomic commit, so it counts
    what that commit did: ``Warehouse.commit`` calls ``completed_rows`` with the commit's result
    before publishing. A retried commit calls it again; it counts from the totals as they were
    before the commit, so the row is the same."""

    def __init__(self, run_id: str, started: datetime, input_where: str, full: bool) -> None:
        self.run_id, self.started, self.input_where, self.full = run_id, started, input_where, full
        self.files = Counter()  # seen, new, changed, unchanged, processed
        self.totals = Totals()
        self.pending_moved = 0  # stored mentions moved by the commit in progress
        self.completed: tuple[Run, Totals] | None = None

    def planned(self, new: int, changed: int, unchanged: int, to_process: int) -> None:
        self.files["new"] += new
        self.files["changed"] += changed
        self.files["unchanged"] += unchanged
        self.files["seen"] += new + changed + unchanged
        self.files["processed"] += to_process

    def committing(self, stale: int, mentions: int, reasons: Iterable[str], moved: int) -> None:
        """What a commit about to be made brings, known before it is made."""
        self.totals.articles_removed += stale
        self.totals.mentions_new += mentions
        for r in reasons:
            self.totals.reasons[r] = self.totals.reasons.get(r, 0) + 1
        self.pending_moved = moved

    def committed(self, result: CommitResult) -> None:
        """What a commit that was not the last did, once made."""
        self.totals.count(result, self.pending_moved)

    def completed_rows(self, result: CommitResult) -> dict[str, pa.Table]:
        """The run's own row, counted from what its commits did, for the last commit to publish."""
        t = copy.deepcopy(self.totals)  # a retried commit calls this again: count from the same start
        t.count(result, self.pending_moved)
        files = self.files
        run = Run(
            run_id=self.run_id, started_at=self.started, finished_at=datetime.now(timezone.utc),
            status="completed", input_dir=self.input_where, full=self.full, files_seen=files["seen"],
            files_new=files["new"], files_changed=files["changed"], files_unchanged=files["unchanged"],
            articles_read=t.read, articles_new=t.articles_new,
            articles_removed=t.articles_removed, rejects=sum(t.reasons.values()),
            rejects_by_reason=json.dumps(t.reasons, sort_keys=True),
            mentions_new=t.mentions_new, mentions_removed=t.mentions_removed, events=t.events,
            message=None if files["processed"] else NOTHING_TO_DO,
        )
        self.completed = (run, t)
        return {"runs": to_arrow([run], Run)}

    def summary(self, last: CommitResult) -> dict:
        """What the flow returns: the completed row's values, the rejects by reason and the rows
        added and removed per table."""
        run, totals = self.completed
        totals.added["runs"] = last.added.get("runs", 0)
        values = {k: v for k, v in run.__dict__.items() if not isinstance(v, datetime)}
        return values | {"rejects_by_reason": totals.reasons, "added": totals.added, "removed": totals.removed}

    def failed_row(self, exc: BaseException, stop: int | None, stopped: bool) -> Run:
        """The row of a run that failed, or was stopped (by the signal ``stop``, when one asked)."""
        if stop == signal.SIGINT or (stop is None and isinstance(exc, KeyboardInterrupt)):
            message = "stopped by Ctrl-C (SIGINT)"
        elif stop is not None:
            message = f"stopped by {signal.Signals(stop).name}"
        else:
            message = f"{type(exc).__name__}: {exc}"
        return Run(run_id=self.run_id, started_at=self.started, finished_at=datetime.now(timezone.utc),
                   status="interrupted" if stopped else "failed",
                   input_dir=self.input_where, full=self.full, files_seen=0, files_new=0, files_changed=0,
                   files_unchanged=0, articles_read=0, articles_new=0, articles_removed=0, rejects=0,
                   rejects_by_reason="{}", mentions_new=0, mentions_removed=0, events=None,
                   message=message[:2000])
