"""The stored events a batch of new mentions could join: the slice of the warehouse clustering needs.

Re-clustering every stored mention on each load would make memory and time grow
with the whole warehouse. A new mention can only join a stored one that shares
one of its blocks (type, modality group, and an agent or place key, as in
``cluster._blocks``) and passes the time rule; DuckDB finds those with one join
over a few columns. Their whole events come along, with the events that lose
mentions because an article is replaced, as the few columns clustering reads;
whole rows are read only for the events whose membership changes.

The rules are the ones ``keys`` declares (stated dates, modality group, time
window, place key), written here as SQL; ``tests/test_neighbours.py`` checks that
both executions agree. The agent key differs: here it is the country, else the id,
else the name as written in lower case, where ``keys.actor_key`` drops articles,
generic words and word order ("the Taliban" and "Taliban" share a key there, not here).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb
import pyarrow as pa

from pipeline.events.keys import DAY_SLACK, REAL, STATED_BASES, UNDATED_WINDOW, MentionKey
from pipeline.warehousing.store import Warehouse
from pipeline.records import Mention, from_arrow


def _one_of(column: str, values: tuple) -> str:
    """SQL for ``column in values``, where None stands for NULL."""
    listed = ", ".join(repr(v) for v in values if v is not None)
    tests = ([f"{column} IS NULL"] if None in values else []) + ([f"{column} IN ({listed})"] if listed else [])
    return "(" + " OR ".join(tests) + ")"


# Dates clustering reads: only those the text states (keys.stated).
_STATED = _one_of("date_basis", STATED_BASES)
_START = f"CASE WHEN {_STATED} THEN event_date END"
_END = f"CASE WHEN {_STATED} THEN coalesce(event_date_end, event_date) END"
_GROUP = f"CASE WHEN modality IN ({', '.join(repr(m) for m in sorted(REAL))}) THEN 'real' ELSE modality END"
_KEYS = f"""
SELECT mention_id, event_id, event_type, {_GROUP} AS mgroup, {_START} AS event_date,
       {_END} AS date_end, published_date, 'agent' AS kind,
       coalesce(nullif(agent_country, ''), nullif(agent_id, ''), nullif(lower(agent_name), '')) AS key
FROM {{src}} WHERE {{where}}
UNION ALL
SELECT mention_id, event_id, event_type, {_GROUP}, {_START}, {_END},
       published_date, 'place', coalesce(nullif(place_admin1, ''), place_name)
FROM {{src}} WHERE nullif(place_name, '') IS NOT NULL AND {{where}}
"""
_NEARBY_EVENTS = f"""
WITH n AS ({_KEYS.format(src="new_mentions", where="TRUE")}),
     s AS ({_KEYS.format(src="event_mentions", where="article_id NOT IN (SELECT id FROM replaced)")})
SELECT DISTINCT s.event_id FROM s JOIN n
  ON s.event_type = n.event_type AND s.mgroup = n.mgroup AND s.kind = n.kind AND s.key = n.key
WHERE s.key IS NOT NULL AND s.event_id IS NOT NULL AND (
   (s.event_date IS NOT NULL AND n.event_date IS NOT NULL
    AND (s.event_date = s.date_end) = (n.event_date = n.date_end)
    AND s.event_date - {DAY_SLACK.days} <= n.date_end AND n.event_date - {DAY_SLACK.days} <= s.date_end)
OR ((s.event_date IS NULL OR n.event_date IS NULL)
    AND abs(s.published_date - n.published_date) <= {UNDATED_WINDOW.days}))
"""
_SHRUNK_EVENTS = ("SELECT DISTINCT event_id FROM event_mentions "
                  "WHERE article_id IN (SELECT id FROM replaced) AND event_id IS NOT NULL")


_KEY_COLUMNS = ", ".join({"event_date": f"{_START} AS event_date",
                          "event_date_end": f"CASE WHEN {_STATED} THEN event_date_end END AS event_date_end"}
                         .get(f.name, f.name) for f in fields(MentionKey))

# DuckDB builds a hash join's table on the side it estimates smaller. Through the filters and
# the UNION it estimates the stored side at about a fortieth of its size, so it built the table
# over every stored mention: +130 MB for one lookup at 100,000 articles, against +25 MB with the
# batch's new mentions, the small side by construction, kept on the build side as written.
KEEP_WRITTEN_BUILD_SIDE = {"disabled_optimizers": "build_side_probe_side"}


@dataclass
class Neighbourhood:
    """The stored events a batch could touch, as the few columns clustering reads."""

    keys: list[MentionKey]  # every current mention of those events
    event_of: dict[str, str]  # their stored event ids
    shrunk: set[str]  # events that lose mentions because their article is replaced


def lookup_connection(wh: Warehouse, new: pa.Table, replaced_articles: list[str]) -> duckdb.DuckDBPyConnection:
    """A catalog connection with the batch registered, planned so that memory follows the batch."""
    con = wh.connect(settings=KEEP_WRITTEN_BUILD_SIDE, tables=["event_mentions"])
    try:
        con.register("new_mentions", new)
        con.register("replaced", pa.table({"id": pa.array(replaced_articles, type=pa.string())}))
    except BaseException:
        con.close()
        raise
    return con


def neighbourhood(wh: Warehouse, new: pa.Table, replaced_articles: list[str]) -> Neighbourhood:
    """The stored events a batch of new mentions could join or that lose mentions to ``replaced_articles``."""
    if not wh.manifest().files("event_mentions"):
        return Neighbourhood([], {}, set())
    con = lookup_connection(wh, new, replaced_articles)
    try:
        shrunk = {e for (e,) in con.sql(_SHRUNK_EVENTS).fetchall()} if replaced_articles else set()
        events = shrunk | {e for (e,) in con.sql(_NEARBY_EVENTS).fetchall()}
        if not events:
            return Neighbourhood([], {}, set())
        con.register("touched", pa.table({"event_id": pa.array(sorted(events), type=pa.string())}))
        rows = con.sql(f"SELECT {_KEY_COLUMNS}, event_id FROM event_mentions "
                       "WHERE event_id IN (SELECT event_id FROM touched) "
                       "AND article_id NOT IN (SELECT id FROM replaced)").to_arrow_table()
    finally:
        con.close()
    event_of = dict(zip(rows["mention_id"].to_pylist(), rows["event_id"].to_pylist()))
    return Neighbourhood(from_arrow(rows, MentionKey), event_of, shrunk)


def stored_mentions(wh: Warehouse, mention_ids: list[str]) -> tuple[list[Mention], dict[str, str | None]]:
    """Whole stored mention rows, and their articles' outlets: only for events that are rebuilt."""
    if not mention_ids:
        return [], {}
    con = wh.connect(tables=["event_mentions", "articles"])
    try:
        con.register("wanted", pa.table({"id": pa.array(mention_ids, type=pa.string())}))
        rows = con.sql("SELECT * FROM event_mentions WHERE mention_id IN (SELECT id FROM wanted)").to_arrow_table()
        outlets = con.sql("SELECT article_id, outlet FROM articles WHERE article_id IN "
                          "(SELECT article_id FROM event_mentions WHERE mention_id IN (SELECT id FROM wanted))"
                          ).fetchall()
    finally:
        con.close()
    return from_arrow(rows, Mention), dict(outlets)
