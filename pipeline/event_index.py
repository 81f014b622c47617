"""The slice of the warehouse that clustering a batch of new mentions needs.

Re-clustering every stored mention on each load would make memory and time grow
with the whole warehouse. A new mention can only join a stored one that shares
one of its blocks (type, modality group, and an agent or place key, as in
``dedup._blocks``) and passes the time rule; DuckDB finds those with one join
over a few columns. Their whole events come along, with the events that lose
mentions because an article is replaced, so the re-clustered set is closed:
every event it touches is rebuilt from all of its current mentions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from pipeline.dedup import DAY_SLACK, REAL, UNDATED_WINDOW
from pipeline.load import Warehouse
from pipeline.records import Mention, from_arrow

_GROUP = f"CASE WHEN modality IN ({', '.join(repr(m) for m in sorted(REAL))}) THEN 'real' ELSE modality END"
_KEYS = f"""
SELECT mention_id, event_id, event_type, {_GROUP} AS mgroup, event_date,
       coalesce(event_date_end, event_date) AS date_end, published_date, 'agent' AS kind,
       coalesce(nullif(agent_country, ''), nullif(agent_id, ''), nullif(lower(agent_name), '')) AS key
FROM {{src}} WHERE {{where}}
UNION ALL
SELECT mention_id, event_id, event_type, {_GROUP}, event_date, coalesce(event_date_end, event_date),
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
    AND s.event_date - {DAY_SLACK.days} <= n.date_end AND n.event_date - {DAY_SLACK.days} <= s.date_end)
OR ((s.event_date IS NULL OR n.event_date IS NULL)
    AND abs(s.published_date - n.published_date) <= {UNDATED_WINDOW.days}))
UNION
SELECT DISTINCT event_id FROM event_mentions WHERE article_id IN (SELECT id FROM replaced) AND event_id IS NOT NULL
"""


@dataclass
class Neighbourhood:
    """Stored mentions to re-cluster with the new ones, and every event id they belonged to."""

    mentions: list[Mention]
    event_ids: list[str]
    outlets: dict[str, str | None]


def neighbourhood(wh: Warehouse, new: pa.Table, replaced_articles: list[str]) -> Neighbourhood:
    """The stored events a batch of new mentions could join or that lose mentions to ``replaced_articles``."""
    if not wh.manifest().files("event_mentions"):
        return Neighbourhood([], [], {})
    con = wh.connect()
    try:
        con.register("new_mentions", new)
        con.register("replaced", pa.table({"id": pa.array(replaced_articles, type=pa.string())}))
        events = [e for (e,) in con.sql(_NEARBY_EVENTS).fetchall()]
        if not events:
            return Neighbourhood([], [], {})
        con.register("touched", pa.table({"event_id": pa.array(events, type=pa.string())}))
        rows = con.sql("SELECT * FROM event_mentions WHERE event_id IN (SELECT event_id FROM touched) "
                       "AND article_id NOT IN (SELECT id FROM replaced)").to_arrow_table()
        outlets = con.sql("SELECT article_id, outlet FROM articles WHERE article_id IN "
                          "(SELECT DISTINCT article_id FROM event_mentions WHERE event_id IN "
                          "(SELECT event_id FROM touched))").fetchall()
    finally:
        con.close()
    return Neighbourhood(from_arrow(rows, Mention), events, dict(outlets))
