"""An undated event stays undated: no view about time places it at its publication date, date filters
match an event's own period, and undated events are listed only on request."""

import json
import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.query import EventFilter, events_query, run_sql

from conftest import ROOT
from loaded import load_folder

DEV = ROOT / "tests" / "data" / "dev" / "articles"
# Almaty talks (2024-05-11): day, week and month-precision events, and undated ones published that day;
# the Kursk seed (2025-03-15): day-precise events; an article with no date at all.
ARTICLES = ("008_caucasus_monitor_2024-05-11_almaty_talks.txt", "000_etv_bharat_2025-03-15_kursk.txt",
            "039_undated_pokrovsk.txt")


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    for name in ARTICLES:
        shutil.copy(DEV / name, src / name)
    return load_folder(src, tmp_path_factory.mktemp("wh") / "wh")


def rows(wh, sql, params=None):
    return run_sql(wh, sql, params).to_pylist()


@pytest.fixture(scope="module")
def undated(wh):
    """Events with no date of their own whose articles were published on a known day."""
    found = rows(wh, "select * from events where event_date is null and first_reported is not null")
    assert len(found) >= 2 and {e["date_precision"] for e in found} == {"unknown"}
    return found


def test_the_timeline_holds_dated_events_only_each_at_its_own_period(wh, undated):
    on_timeline = rows(wh, "select sum(events) n from timeline")[0]["n"]
    dated = rows(wh, "select count(*) n from events where event_date is not null "
                     "and modality in ('asserted', 'claimed', 'proposed')")[0]["n"]
    assert on_timeline == dated
    assert rows(wh, "select count(*) n from timeline where event_date is null")[0]["n"] == 0
    month = rows(wh, "select * from timeline where date_precision = 'month' and event_date = '2024-02-01'")
    assert [(str(r["event_date_end"]), r["event_type"]) for r in month] == [("2024-02-29", "TALKS")]
    # The Almaty article's publication day holds only the talks dated that day, not its undated events.
    day = rows(wh, "select event_type, events from timeline where event_date = '2024-05-11'")
    assert day == [{"event_type": "TALKS", "events": 1}]


def test_talks_and_truces_carry_their_own_date_and_precision(wh, undated):
    talks = {r["event_id"]: r for r in rows(wh, "select * from talks")}
    for e in undated:
        if e["event_type"] == "TALKS":
            assert talks[e["event_id"]]["event_date"] is None
            assert talks[e["event_id"]]["date_precision"] == "unknown"
    week = [r for r in talks.values() if r["date_precision"] == "week"]
    assert [(str(r["event_date"]), str(r["event_date_end"])) for r in week] == [("2024-05-13", "2024-05-19")]
    cols = run_sql(wh, "select * from ceasefire_tracker limit 0").column_names
    assert {"event_date", "event_date_end", "date_precision"} <= set(cols) and "proposed_on" not in cols


def test_actor_activity_never_counts_an_undated_event_in_its_publication_month(wh, undated):
    actor = next(e["agent_name"] for e in undated if e["event_type"] == "TALKS" and e["agent_name"])
    got = rows(wh, "select month, as_agent from actor_activity where actor_name = ? and event_type = 'TALKS'",
               [actor])
    assert got == [{"month": None, "as_agent": 1}]
    # A month-precision event counts in its month, and an event dated in one month in that month.
    assert rows(wh, "select month from actor_activity where actor_name = 'Russia' and event_type = 'OFFENSIVE' "
                    "and month = '2024-08'") == [{"month": "2024-08"}]


def ids(wh, f: EventFilter) -> set[str]:
    sql, params = events_query(f)
    return {r["event_id"] for r in rows(wh, sql, params)}


def test_date_filters_use_the_events_own_period_and_list_undated_only_on_request(wh, undated):
    undated_ids = {e["event_id"] for e in undated}
    may = ids(wh, EventFilter(since=date(2024, 5, 1), until=date(2024, 5, 31), limit=1000))
    assert may and not may & undated_ids  # published in May 2024, but not dated in it
    overlapping = {r["event_id"] for r in rows(wh, "select event_id, event_date, event_date_end from events")
                   if r["event_date"] and r["event_date"] <= date(2024, 5, 31)
                   and (r["event_date_end"] or r["event_date"]) >= date(2024, 5, 1)}
    assert overlapping == may
    # A period overlapping the filter matches: September 2023 (month precision) has 15-16 September.
    september = sorted(ids(wh, EventFilter(since=date(2023, 9, 15), until=date(2023, 9, 16))))
    periods = rows(wh, "select date_precision, event_date from events where list_contains(?, event_id)", [september])
    assert len(periods) == 2 and {(r["date_precision"], str(r["event_date"])) for r in periods} == {
        ("month", "2023-09-01")}
    assert ids(wh, EventFilter(since=date(2024, 5, 1), until=date(2024, 5, 31), undated=True, limit=1000)) == may | {
        r["event_id"] for r in rows(wh, "select event_id from events where event_date is null")}
    everything = ids(wh, EventFilter(undated=True, limit=1000))
    assert everything == {r["event_id"] for r in rows(wh, "select event_id from events")}
    assert not ids(wh, EventFilter(limit=1000)) & undated_ids


def test_events_command_lists_undated_events_last_and_only_with_undated(wh, undated):
    base = ["events", "--warehouse", str(wh.root), "--format", "jsonl", "--limit", "1000"]
    plain = [r for r in CliRunner().invoke(main, base).output.splitlines() if r]
    assert all('"event_date": null' not in r for r in plain)
    out = CliRunner().invoke(main, base + ["--undated"])
    assert out.exit_code == 0, out.output
    listed = [json.loads(r) for r in out.output.splitlines() if r]
    dates = [r["event_date"] for r in listed]
    n_dated = sum(d is not None for d in dates)
    assert n_dated == len(plain) and all(d is None for d in dates[n_dated:])  # the undated ones come last
    assert n_dated < len(listed)
    assert {e["event_id"] for e in undated} <= {r["event_id"] for r in listed}


def test_the_events_table_says_how_many_undated_events_it_leaves_out(wh):
    n = rows(wh, "select count(*) n from events where event_date is null")[0]["n"]
    out = CliRunner().invoke(main, ["events", "--warehouse", str(wh.root), "--limit", "1000"])
    assert out.exit_code == 0, out.output
    assert f"({n} undated not listed: add --undated)" in out.output
    out = CliRunner().invoke(main, ["events", "--warehouse", str(wh.root), "--limit", "1000", "--undated"])
    assert "undated not listed" not in out.output
