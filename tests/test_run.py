"""The run ledger (`pipeline.run`): what a run holds between its tasks, without Prefect."""

import json
import signal

from pipeline.warehousing.store import CommitResult
from pipeline.records import Article, FileState, Mention, Reject, Run, from_arrow, to_arrow
from pipeline.run import CommitPoints, CopyWindow, Part, RunLedger, Unit, batches, commit_changes, parts, tail_start

from conftest import NOW


def test_batches_cut_the_tail_finer_and_parts_cover_every_row():
    todo = list(range(23))
    cut = list(batches(todo, 5, 2))
    assert [len(b) for b in cut] == [5, 5, 3] + [1] * 10
    assert [x for b in cut for x in b] == todo and tail_start(23, 5, 2) == 13
    assert [len(b) for b in batches(todo, 5, 0)] == [5, 5, 5, 5, 3]
    assert parts(7, 3) == [(0, 3), (3, 3), (6, 1)] and parts(0, 3) == [(0, 0)]


def test_the_copy_window_extracts_an_article_once_until_its_commit():
    window = CopyWindow()
    assert window.admit(["a", "b", "a"], stored={"b"}) == [True, False, False]
    assert window.admit(["a", "c"], stored=set()) == [False, True]
    window.forget(["a", "b", "a"])
    assert window.ids() == {"a", "c"}  # the second read of "a" is not committed yet
    window.forget(["a", "c"])
    assert window.ids() == set() and window.admit(["a"], stored=set()) == [True]


def test_commit_points_fall_every_commit_every_articles_and_at_the_tail():
    points = CommitPoints(commit_every=10, batch=2)
    points.last_chunk(processed_before=0, n_todo=8, in_flight=2)  # tail begins at file 4
    assert points.tail_from == 4
    assert [points.due(2, n) for n in (2, 4)] == [False, True]  # files 0-3 collected: the tail is reached
    assert points.due(2, 1) is False  # inside the tail, only a full unit commits
    assert points.due(2, 10) is True


def test_a_unit_joins_its_parts_and_a_commit_replaces_by_each_tables_key():
    unit = Unit()
    empty = to_arrow([], Article)
    state = FileState("f1", "/in", "a.txt", "00", 3, ("x",), 0, "r0", NOW)
    part = Part(1, {"a.txt": state}, empty, to_arrow([], Reject), to_arrow([state], FileState))
    unit.add(part, to_arrow([], Mention))
    articles, rejects, mentions, files = unit.tables()
    assert (articles.num_rows, mentions.num_rows, files.num_rows, unit.before) == (0, 0, 1, {"a.txt": state})
    tables, replace = commit_changes(articles, rejects, files, ["old"], [], [], None, [])
    assert set(tables) == {"articles", "event_mentions", "rejects", "files"}
    assert replace["articles"] == ("article_id", ["old"]) and replace["files"] == ("file_id", ["f1"])
    tables, replace = commit_changes(articles, rejects, files, [], [], [], [], ["e1"])
    assert replace["events"] == ("event_id", ["e1"]) and tables["events"].num_rows == 0


def test_the_completed_row_counts_the_last_commit_the_same_when_retried():
    ledger = RunLedger("r1", NOW, "/in", full=False)
    ledger.planned(new=2, changed=1, unchanged=4, to_process=3)
    ledger.totals.read = 3
    ledger.committing(stale=1, mentions=5, reasons=["bad_date"], moved=1)
    ledger.committed(CommitResult(added={"articles": 2, "event_mentions": 5}, removed={"event_mentions": 2}))
    ledger.committing(stale=0, mentions=2, reasons=[], moved=0)
    last = CommitResult(added={"articles": 1, "event_mentions": 2, "runs": 1}, rows={"events": 6})
    first = from_arrow(ledger.completed_rows(last)["runs"], Run)[0]
    retried = from_arrow(ledger.completed_rows(last)["runs"], Run)[0]
    assert first.finished_at <= retried.finished_at
    for run in (first, retried):
        assert (run.files_seen, run.files_new, run.files_changed, run.files_unchanged) == (7, 2, 1, 4)
        assert (run.articles_read, run.articles_new, run.articles_removed, run.rejects) == (3, 3, 1, 1)
        assert (run.mentions_new, run.mentions_removed, run.events, run.message) == (7, 1, 6, None)
        assert json.loads(run.rejects_by_reason) == {"bad_date": 1}
    summary = ledger.summary(last)
    assert summary["added"] == {"articles": 3, "event_mentions": 7, "runs": 1} and summary["files_seen"] == 7


def test_a_run_with_nothing_to_process_says_so_and_a_failed_one_says_why():
    from pipeline.runs import NOTHING_TO_DO

    ledger = RunLedger("r2", NOW, "/in", full=True)
    ledger.planned(new=0, changed=0, unchanged=2, to_process=0)
    [run] = from_arrow(ledger.completed_rows(CommitResult())["runs"], Run)
    assert run.message == NOTHING_TO_DO and run.full is True
    assert ledger.failed_row(RuntimeError("disk gone"), None, stopped=False).message == "RuntimeError: disk gone"
    stopped = ledger.failed_row(KeyboardInterrupt(), signal.SIGTERM, stopped=True)
    assert (stopped.status, stopped.message) == ("interrupted", "stopped by SIGTERM")
    assert ledger.failed_row(KeyboardInterrupt(), None, stopped=True).message == "stopped by Ctrl-C (SIGINT)"
