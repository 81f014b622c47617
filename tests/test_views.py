"""The ready-made views (schemas/views.sql), each on known rows."""

import dataclasses
from datetime import date, datetime, timezone

import pytest

from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql
from pipeline.records import Event, Mention, to_arrow

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def blank(record_type, **values):
    fields = {f.name: None for f in dataclasses.fields(record_type)}
    return record_type(**(fields | values))


def event(event_id, event_type, day, *, agent=None, target=None, place=None, modality="asserted", sources=("A",),
          n_mentions=1, duration=None):
    return blank(Event, event_id=event_id, event_type=event_type, modality=modality, agent_name=agent,
                 agent_id=agent.upper()[:3] if agent else None, target_name=target,
                 target_id=target.upper()[:3] if target else None, place_name=place,
                 event_date=day, date_precision="day" if day else "unknown", duration_days=duration,
                 n_mentions=n_mentions, n_articles=len(sources), n_sources=len(sources), sources=tuple(sources),
                 article_ids=tuple(f"a{i}" for i in range(len(sources))), first_reported=day or date(2025, 3, 20),
                 last_reported=day or date(2025, 3, 20), confidence=0.9, evidence="...", evidence_mention_id="m")


def mention(mention_id, event_id, event_type, published, **values):
    base = dict(mention_id=mention_id, event_id=event_id, article_id="a" + mention_id, source_path="x.txt",
                published_date=published, event_type=event_type, trigger="t", trigger_start=0, trigger_end=1,
                modality="asserted", date_precision="unknown", sentence="s", sentence_start=0, sentence_end=1,
                confidence=0.9, extractor="test", run_id="r")
    return blank(Mention, **(base | values))


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    d1, d2 = date(2025, 3, 14), date(2025, 3, 15)
    events = [
        event("e1", "OFFENSIVE", d1, agent="Russia", target="Ukraine", place="Kharkiv", sources=("A", "B"),
              n_mentions=3),
        event("e2", "OFFENSIVE", d1, agent="Russia", place="Sumy", sources=("A",)),
        event("e3", "OFFENSIVE", d2, agent="Ukraine", target="Russia", sources=("C",)),
        event("e4", "OFFENSIVE", d2, agent="Russia", modality="hypothetical"),  # talk of an attack: not on the timeline
        event("e5", "CEASEFIRE_PROPOSAL", d1, agent="Qatar", target="Hamas", modality="proposed", duration=30,
              sources=("A", "B")),
        event("e6", "TALKS", d2, agent="Armenia", target="Azerbaijan", place="Almaty"),
    ]
    mentions = [
        mention("m1", "e5", "CEASEFIRE_PROPOSAL", d1, modality="proposed"),
        mention("m2", "e5", "CEASEFIRE_PROPOSAL", d2, modality="proposed", response="accepted", responder="Hamas"),
        mention("m3", "e5", "CEASEFIRE_PROPOSAL", date(2025, 3, 16), modality="proposed", response="violated"),
        mention("m4", "e6", "TALKS", d2, outcome="productive, no breakthrough"),
        mention("m5", "e6", "TALKS", d2, outcome="productive"),
    ]
    warehouse = Warehouse(tmp_path_factory.mktemp("views") / "wh")
    warehouse.commit({"events": to_arrow(events, Event), "event_mentions": to_arrow(mentions, Mention)})
    return warehouse


def test_timeline_counts_real_events_by_day_and_type_with_top_sources(wh):
    rows = run_sql(wh, "select event_date, event_date_end, date_precision, event_type, events, mentions, articles, "
                       "top_sources from timeline").to_pylist()
    assert all(r["event_date_end"] == r["event_date"] and r["date_precision"] == "day" for r in rows)
    by_key = {(str(r["event_date"]), r["event_type"]): r for r in rows}
    off = by_key[("2025-03-14", "OFFENSIVE")]
    assert (off["events"], off["mentions"], off["articles"]) == (2, 4, 3)
    assert off["top_sources"] == ["A", "B"]
    assert by_key[("2025-03-15", "OFFENSIVE")]["events"] == 1  # the hypothetical one is left out
    assert by_key[("2025-03-14", "CEASEFIRE_PROPOSAL")]["events"] == 1


def test_actor_activity_counts_agent_and_target_roles_by_month(wh):
    rows = run_sql(wh, "select actor_name, event_type, month, as_agent, as_target from actor_activity "
                       "where actor_name in ('Russia', 'Ukraine') and event_type = 'OFFENSIVE'").to_pylist()
    got = {(r["actor_name"], r["month"]): (r["as_agent"], r["as_target"]) for r in rows}
    assert got == {("Russia", "2025-03"): (3, 1), ("Ukraine", "2025-03"): (1, 1)}


def test_ceasefire_tracker_lists_proposer_duration_and_responses(wh):
    [row] = run_sql(wh, "select * from ceasefire_tracker").to_pylist()
    assert (row["proposed_by"], row["proposed_to"], row["duration_days"]) == ("Qatar", "Hamas", 30)
    assert (str(row["event_date"]), row["date_precision"]) == ("2025-03-14", "day")
    assert [(r["response"], r["responder"]) for r in row["responses"]] == [("accepted", "Hamas"), ("violated", None)]
    assert (row["accepted"], row["rejected"], row["violated"]) == (True, False, True)


def test_talks_view_gives_parties_place_date_and_outcome(wh):
    [row] = run_sql(wh, "select party_a, party_b, place, event_date, outcome from talks").to_pylist()
    assert (row["party_a"], row["party_b"], row["place"], str(row["event_date"])) == ("Armenia", "Azerbaijan", "Almaty",
                                                                               "2025-03-15")
    assert set(row["outcome"].split("; ")) == {"productive", "productive, no breakthrough"}


def test_views_work_in_the_duckdb_cli_too(wh):
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).parent / "duckdb"
    for view in ("timeline", "actor_activity", "ceasefire_tracker", "talks"):
        out = subprocess.run([str(cli), "-csv", "frontline.duckdb", "-c", f"select count(*) n from {view}"],
                             capture_output=True, text=True, timeout=60, cwd=wh.root)
        assert out.returncode == 0, out.stderr
        assert int(out.stdout.split()[1]) >= 1
