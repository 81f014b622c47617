"""The stored events a batch of new mentions is clustered with, what looking them up costs, and that the
lookup (SQL) and clustering (Python) apply the same rules."""

import dataclasses
import json
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.events import neighbours
from pipeline.events.cluster import _blocks, _span, _times_may_match
from pipeline.events.keys import key_of
from pipeline.warehousing.store import Warehouse
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
    near = neighbours.neighbourhood(stored, new, [])
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
    con = neighbours.lookup_connection(stored, new, [])
    try:
        plan = json.loads(con.sql("EXPLAIN (FORMAT JSON) " + neighbours._NEARBY_EVENTS).fetchall()[0][1])[0]
    finally:
        con.close()
    builds = _build_sides(plan)
    assert len(builds) == 1 and not _reads_parquet(builds[0])


# -- one rule, two executions: the SQL lookup finds exactly the stored mentions clustering would compare --

def pair_mention(mid: str, *, etype="OFFENSIVE", modality="asserted", agent=None, place=None, admin1=None,
                 when=None, until=None, basis="text", published=DAY) -> Mention:
    """A mention for the agreement checks; ``agent`` is (id, name, country, sector) or None."""
    agent_id, agent_name, country, sector = agent or (None, None, None, None)
    fields = {f.name: None for f in dataclasses.fields(Mention)}
    return Mention(**(fields | dict(
        mention_id=mid, event_id=f"e-{mid}", article_id=f"a-{mid}", source_path=f"{mid}.txt", published_date=published,
        event_type=etype, trigger="x", trigger_start=0, trigger_end=1, modality=modality, agent_id=agent_id,
        agent_name=agent_name, agent_country=country, agent_sector=sector, place_name=place, place_admin1=admin1,
        event_date=when, event_date_end=until, date_basis=basis if when else None,
        date_precision="day" if when else "unknown", sentence="s", sentence_start=0, sentence_end=1,
        confidence=0.9, extractor="test", run_id="r")))


def clustering_compares(stored: Mention, new: Mention) -> bool:
    """The Python execution: the two share a block other than their article's and pass the time screen."""
    s, n = key_of(stored), key_of(new)
    shared = {b for b in _blocks(s) if b[2] != "article"} & {b for b in _blocks(n) if b[2] != "article"}
    return bool(shared) and _times_may_match(_span(s), _span(n))


def lookup_finds(stored: Mention, new: Mention) -> bool:
    """The SQL execution, on an in-memory DuckDB holding the stored mention and the new one."""
    con = duckdb.connect()
    try:
        con.register("event_mentions", to_arrow([stored], Mention))
        con.register("new_mentions", to_arrow([new], Mention))
        con.register("replaced", pa.table({"id": pa.array([], type=pa.string())}))
        return bool(con.sql(neighbours._NEARBY_EVENTS).fetchall())
    finally:
        con.close()


RUSSIA = ("RUS", "Russia", "RUS", "government")
RUSSIAN_ARMY = ("RUS_MIL", "Russian forces", "RUS", "military")
UKRAINE = ("UKR", "Ukraine", "UKR", "government")
D = timedelta(days=1)
PAIRS = {  # name: (stored, new, whether either execution should pair them)
    "same state, same day": (dict(agent=RUSSIA, when=DAY), dict(agent=RUSSIA, when=DAY), True),
    "a state and its army": (dict(agent=RUSSIAN_ARMY, when=DAY), dict(agent=RUSSIA, when=DAY), True),
    "a day apart": (dict(agent=RUSSIA, when=DAY), dict(agent=RUSSIA, when=DAY + D), True),
    "two days apart": (dict(agent=RUSSIA, when=DAY), dict(agent=RUSSIA, when=DAY + 2 * D), False),
    "a day and a month": (dict(agent=RUSSIA, when=DAY), dict(agent=RUSSIA, when=DAY, until=DAY + 30 * D), False),
    "two overlapping months": (dict(agent=RUSSIA, when=DAY, until=DAY + 30 * D),
                               dict(agent=RUSSIA, when=DAY + 20 * D, until=DAY + 50 * D), True),
    "undated, published 3 days apart": (dict(agent=RUSSIA), dict(agent=RUSSIA, published=DAY + 3 * D), True),
    "undated, published 4 days apart": (dict(agent=RUSSIA), dict(agent=RUSSIA, published=DAY + 4 * D), False),
    "a dated one and an undated one": (dict(agent=RUSSIA, when=DAY - 40 * D), dict(agent=RUSSIA, published=DAY + D),
                                       True),
    "a date only the publication implies is no date": (
        dict(agent=RUSSIA, when=DAY - 9 * D, basis="publication"), dict(agent=RUSSIA, when=DAY, published=DAY + D),
        True),
    "a date written before date_basis existed is stated": (
        dict(agent=RUSSIA, when=DAY - 9 * D, basis=None), dict(agent=RUSSIA, when=DAY), False),
    "asserted and claimed are one group": (dict(agent=RUSSIA, when=DAY),
                                           dict(agent=RUSSIA, when=DAY, modality="claimed"), True),
    "what happened and a proposal": (dict(agent=RUSSIA, when=DAY), dict(agent=RUSSIA, when=DAY, modality="proposed"),
                                     False),
    "two types": (dict(agent=RUSSIA, when=DAY), dict(agent=RUSSIA, when=DAY, etype="TALKS"), False),
    "two sides, two towns": (dict(agent=RUSSIA, place="Sumy", when=DAY), dict(agent=UKRAINE, place="Kursk", when=DAY),
                             False),
    "no agent, the same town": (dict(place="Sumy", when=DAY), dict(place="Sumy", when=DAY), True),
    "a town and its region": (dict(place="Sudzha", admin1="Kursk Oblast", when=DAY),
                              dict(place="Kursk Oblast", when=DAY), True),
    "two towns of one region": (dict(place="Sudzha", admin1="Kursk Oblast", when=DAY),
                                dict(place="Rylsk", admin1="Kursk Oblast", when=DAY), True),
}


@pytest.mark.parametrize("name", PAIRS)
def test_the_lookup_and_clustering_pair_the_same_mentions(name):
    stored, new, paired = PAIRS[name]
    s, n = pair_mention("s", **stored), pair_mention("n", **new)
    assert clustering_compares(s, n) == paired
    assert lookup_finds(s, n) == paired


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_lookup_and_clustering_agree_on_any_pair_of_known_sides(data):
    """Over state actors (or none), places with or without a region, dates stated or not, any modality."""
    def some_mention(mid: str) -> Mention:
        when = data.draw(st.one_of(st.none(), st.integers(0, 8).map(lambda i: DAY + i * D)))
        until = data.draw(st.one_of(st.none(), st.integers(0, 35).map(lambda i: when + i * D))) if when else None
        return pair_mention(
            mid, etype=data.draw(st.sampled_from(["OFFENSIVE", "TALKS"])),
            modality=data.draw(st.sampled_from(["asserted", "claimed", "proposed", "denied", "hypothetical"])),
            agent=data.draw(st.sampled_from([None, RUSSIA, RUSSIAN_ARMY, UKRAINE])),
            place=data.draw(st.sampled_from([None, "Sumy", "Sudzha", "Kursk Oblast"])),
            admin1=data.draw(st.sampled_from([None, "Kursk Oblast"])), when=when, until=until,
            basis=data.draw(st.sampled_from([None, "text", "report", "publication"])),
            published=data.draw(st.one_of(st.none(), st.integers(0, 8).map(lambda i: DAY + i * D))))

    s, n = some_mention("s"), some_mention("n")
    assert lookup_finds(s, n) == clustering_compares(s, n)


def test_the_lookup_finds_more_than_clustering_compares_for_a_generic_agent():
    """Harmless (clustering decides among what the lookup finds): "the army" is no key in clustering,
    and a key as written in the lookup."""
    s, n = (pair_mention(m, agent=(None, "the army", None, None), when=DAY) for m in ("s", "n"))
    assert lookup_finds(s, n) and not clustering_compares(s, n)


@pytest.mark.xfail(strict=True, reason="the lookup's agent key is the name as written; clustering's drops 'the'")
def test_the_lookup_finds_a_stored_event_of_a_group_written_with_and_without_the():
    s = pair_mention("s", agent=(None, "the Taliban", None, None), when=DAY)
    n = pair_mention("n", agent=(None, "Taliban", None, None), when=DAY)
    assert clustering_compares(s, n)
    assert lookup_finds(s, n)
