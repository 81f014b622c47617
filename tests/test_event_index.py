"""The stored events a batch of new mentions is clustered with, and what looking them up costs."""

import dataclasses
import json
from datetime import date, timedelta

import pytest

from pipeline import event_index
from pipeline.warehouse.store import Warehouse
from pipeline.records import Mention, to_arrow

DAY = date(2025, 3, 1)


def mention(i: int, *, event_id: str | None, day: date, agent: str, place: str = "Sumy") -> Mention:
    fields = {f.name: None for f in dataclasses.fields(Mention)}
    return Mention(**(fields | dict(
        mention_id=f"m{i}", event_id=event_id, article_id=f"a{i}", source_path=f"{i}.txt", published_date=day,
        event_type="OFFENSIVE", trigger="shelled", trigger_start=0, trigger_end=7, modality="asserted",
        agent_name=agent, agent_country=agent[:3].upper(), place_name=place, event_date=day, date_precision="day",
        sentence="s", sentence_start=0, sentence_end=1, confidence=0.9, extractor="test", run_id="r")))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """20,000 stored mentions over 400 days, one event each; the agents take turns every 400."""
    rows = [mention(i, event_id=f"e{i}", day=DAY + timedelta(days=i % 400), agent=("Russia", "Ukraine")[i // 400 % 2],
                    place=f"Town {i % 50}") for i in range(20_000)]
    wh = Warehouse(tmp_path_factory.mktemp("index") / "wh")
    wh.commit({"event_mentions": to_arrow(rows, Mention)})
    return wh


def test_a_new_mention_finds_the_stored_events_of_its_actor_or_place_within_a_day(stored):
    new = to_arrow([mention(99_999, event_id=None, day=DAY + timedelta(days=10), agent="Russia", place="Nowhere")],
                   Mention)
    near = event_index.neighbourhood(stored, new, [])
    found = set(near.event_of.values())
    # Days 9, 10 and 11 are within a day of day 10; Russia is the agent in every other round of 400.
    want = {f"e{i}" for i in range(20_000) if i // 400 % 2 == 0 and i % 400 in (9, 10, 11)}
    assert found == want and len(want) == 75
    assert {k.mention_id for k in near.keys} == {f"m{e[1:]}" for e in want}


def _build_sides(plan: dict) -> list[dict]:
    """The build (second) child of every inner hash join in a JSON plan."""
    found = [plan["children"][1]] if plan["name"] == "HASH_JOIN" and plan["extra_info"].get(
        "Join Type") == "INNER" else []
    return found + [b for child in plan["children"] for b in _build_sides(child)]


def _reads_parquet(plan: dict) -> bool:
    return plan["name"] == "READ_PARQUET" or any(_reads_parquet(c) for c in plan["children"])


def test_the_lookup_builds_its_hash_table_from_the_batch_not_from_the_stored_mentions(stored):
    """DuckDB underestimates the stored side; built from it, the table grew with the warehouse."""
    new = to_arrow([mention(100_000 + i, event_id=None, day=DAY + timedelta(days=i % 30), agent="Russia")
                    for i in range(4_000)], Mention)
    con = event_index.lookup_connection(stored, new, [])
    try:
        plan = json.loads(con.sql("EXPLAIN (FORMAT JSON) " + event_index._NEARBY_EVENTS).fetchall()[0][1])[0]
    finally:
        con.close()
    builds = _build_sides(plan)
    assert len(builds) == 1 and not _reads_parquet(builds[0])
