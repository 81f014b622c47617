"""One event per real-world event: cluster mentions across sentences and articles.

Two mentions are the same event when all of these hold:

1. same event type, and the same kind of modality (things that happened -
   asserted or claimed - never merge with proposals, denials or hypotheticals);
2. compatible agents: the same actor key, where a state's government, army and
   officials share the country's key (Russia, its army and its president launch
   the same offensive), a non-state group keeps its own (the RSF is not Sudan's
   army), and a name the dictionary does not know is compared as a name - it is
   no wildcard; a missing or generic agent ("the army", "troops") is compatible
   with anything;
3. compatible places: the same place, a place and the region or country it is
   in, or two places within 25 km of each other; two distinct towns are two
   events;
4. compatible times: their date periods overlap (a day widened by one day
   either side), and a day is never matched with a longer period from
   another article ("last August" does not say which of August's attacks
   it means); when either is undated, the articles were published within
   three days of each other;
5. and a positive match on agent or place, or both in one article (two bare
   "attack" mentions of the same day never merge on type and date alone).

A mention that refers back to one its article already reported ("the truce",
``antecedent_id``) joins that mention's event whatever its own modality.

Links alone would chain: daily reports of "Russia attacked" link day to day,
and single linkage made one event of two years of them. So an event is held
together as a whole, not just link by link: the date periods of all its
mentions share a day (widened by the slack), its undated mentions were
published within three days of every other mention, its known agents share
one key, its specific places lie within 25 km of each other, and no side is
both its agent and its target. Links are taken in a fixed order (earliest
mention first, nearest candidate first), so the same mentions always give the
same events, whatever order they arrive in, and an event's size is bounded by
what a few days of news say about one actor, not by the size of the warehouse.

An event's id is a hash of its earliest-reported mention, so re-running with
new articles extends events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pipeline.events.keys import DAY_SLACK, UNDATED_WINDOW, MentionKey, actor_key, modality_group, place_key

BACKGROUND_DAYS = 30  # an event dated this long before its article's publication is background
NEIGHBOURS = 64
NEAR_KM = 25.0  # two places this close can be one event's (a town and its outskirts, two districts)
SYMMETRIC_TYPES = {"TALKS"}  # both sides act alike: one side's agent is the other's target


def _agent(m: MentionKey) -> str | None:
    return actor_key(m.agent_id, m.agent_name, m.agent_country, m.agent_sector)


def _target(m: MentionKey) -> str | None:
    return actor_key(m.target_id, m.target_name, m.target_country, m.target_sector)


def _keys_agree(a: str, b: str) -> bool:
    """Equal keys; a member of a coalition matches the coalition ('NATO' ~ 'afghan nato'); an unknown
    person's surname matches the full name ('clinton' ~ 'clinton hillary')."""
    if a == b:
        return True
    x, y = set(a.lower().split()), set(b.lower().split())
    return x <= y or y <= x


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _specific(m: MentionKey) -> bool:
    """A town or a place near one, with coordinates: not a region's or a country's centroid."""
    return m.latitude is not None and m.longitude is not None and (m.geo_precision or 3) < 3


def _agent_match(a: MentionKey, b: MentionKey) -> bool | None:
    """True/False when both name an agent, None when one does not (or only describes it: 'the army')."""
    ka, kb = _agent(a), _agent(b)
    if ka is None or kb is None:
        return None
    return _keys_agree(ka, kb)


def _place_match(a: MentionKey, b: MentionKey) -> bool | None:
    if not a.place_name or not b.place_name:
        return None
    if a.place_country and b.place_country and a.place_country != b.place_country:
        return False
    if a.place_name == b.place_name:
        return True
    # "Kursk" (a town in the Kursk region) and "Kursk" (the region) are one place.
    if (a.place_admin1 and a.place_admin1 == b.place_name) or (b.place_admin1 and b.place_admin1 == a.place_name):
        return True
    if _specific(a) and _specific(b):
        return _km(a.latitude, a.longitude, b.latitude, b.longitude) <= NEAR_KM
    if a.place_country and a.place_country == b.place_country and not (_specific(a) and _specific(b)):
        return None  # a region or a country and a place that may lie in it: time and agent decide
    return False


def _is_day(m: MentionKey) -> bool:
    return m.event_date_end is None or m.event_date_end == m.event_date


_Span = tuple[bool, int | None, int | None, bool, int | None]  # dated, start, end, is_day, published (day numbers)


def _span(m: MentionKey) -> _Span:
    """What the time rule reads of a mention, as day numbers: clustering computes it once per
    mention, since it screens every neighbour with it."""
    published = m.published_date.toordinal() if m.published_date else None
    if m.event_date:
        return True, m.event_date.toordinal(), (m.event_date_end or m.event_date).toordinal(), _is_day(m), published
    return False, None, None, False, published


def _time_rule(a: _Span, b: _Span, same_article: bool) -> bool | None:
    """True when both periods share a day (with the slack), None when time says nothing against
    one event, False when it rules one out."""
    if a[0] and b[0]:
        if a[3] != b[3] and not same_article:
            return False  # "last August" does not say which of August's attacks it means
        return a[1] - DAY_SLACK.days <= b[2] and b[1] - DAY_SLACK.days <= a[2]
    if same_article:
        # an article's undated mention is its news; one dated weeks before publication is background
        dated = a if a[0] else b if b[0] else None
        if dated is not None and dated[4] is not None and dated[2] < dated[4] - BACKGROUND_DAYS:
            return False
        return None
    if a[4] is not None and b[4] is not None:
        return None if abs(a[4] - b[4]) <= UNDATED_WINDOW.days else False
    return False


def _time_match(a: MentionKey, b: MentionKey) -> bool | None:
    return _time_rule(_span(a), _span(b), a.article_id == b.article_id)


def _times_may_match(a: _Span, b: _Span) -> bool:
    """The screen clustering puts before the full comparison, for mentions of different articles:
    most neighbours in a busy block are days apart."""
    return _time_rule(a, b, False) is not False


def same_event(a: MentionKey, b: MentionKey) -> bool:
    if a.event_type != b.event_type or modality_group(a.modality) != modality_group(b.modality):
        return False
    agent, place, when = _agent_match(a, b), _place_match(a, b), _time_match(a, b)
    if False in (agent, place, when):
        return False
    if agent is True or place is True:
        return True
    # In one article, mentions of what happened (or of a truce or talks) with nothing against it are one
    # event; threats and denials of attacks must share an agent or a place ("airstrikes remain an option"
    # and "Hamas threatens to restart fighting" are two).
    return a.article_id == b.article_id and (modality_group(a.modality) == "real" or a.event_type != "OFFENSIVE")


def _anchor(m: MentionKey) -> date:
    return m.event_date or m.published_date or date.min


def _blocks(m: MentionKey) -> list[tuple]:
    """Mentions can only match inside a shared block: same type and modality group, plus a shared
    agent country or name, a shared place, or the same article."""
    base = (m.event_type, modality_group(m.modality))
    keys = [base + ("article", m.article_id)]
    if (agent := _agent(m)) is not None:
        keys.append(base + ("agent", agent))
    if (place := place_key(m)) is not None:
        keys.append(base + ("place", place))
    return keys


@dataclass
class _Extent:
    """What an event must keep consistent as it grows: its dated mentions' latest start and earliest
    end, its publication dates (all, and of undated mentions), its agent and target keys, and the
    coordinates of its specific places."""

    latest_start: date | None
    earliest_end: date | None
    first_published: date | None
    last_published: date | None
    first_undated: date | None
    last_undated: date | None
    agent: str | None
    target: str | None
    symmetric: bool
    places: tuple[tuple[float, float], ...]

    @classmethod
    def of(cls, m: MentionKey) -> _Extent:
        undated = m.published_date if m.event_date is None else None
        places = ((m.latitude, m.longitude),) if _specific(m) else ()
        return cls(m.event_date, m.event_date_end or m.event_date, m.published_date, m.published_date,
                   undated, undated, _agent(m), _target(m), m.event_type in SYMMETRIC_TYPES, places)

    def merged(self, other: _Extent) -> _Extent | None:
        """The extent of both as one event, or None when they cannot be one."""
        if self.agent and other.agent and not _keys_agree(self.agent, other.agent):
            return None
        agent, target = self.agent or other.agent, self.target or other.target
        if not self.symmetric and agent and target and _keys_agree(agent, target):
            return None  # one side cannot be both the attacker and the attacked
        if any(_km(a, b, c, d) > NEAR_KM for a, b in self.places for c, d in other.places):
            return None
        out = _Extent(_pick(max, self.latest_start, other.latest_start),
                      _pick(min, self.earliest_end, other.earliest_end),
                      _pick(min, self.first_published, other.first_published),
                      _pick(max, self.last_published, other.last_published),
                      _pick(min, self.first_undated, other.first_undated),
                      _pick(max, self.last_undated, other.last_undated), agent, target, self.symmetric,
                      self.places + tuple(p for p in other.places if p not in self.places)[:8])
        if out.latest_start and out.latest_start - out.earliest_end > DAY_SLACK:
            return None
        if out.first_undated and (out.last_published - out.first_undated > UNDATED_WINDOW
                                  or out.last_undated - out.first_published > UNDATED_WINDOW):
            return None
        return out


def _pick(choose, a: date | None, b: date | None) -> date | None:
    """min or max of the dates that are known."""
    return b if a is None else a if b is None else choose(a, b)


def cluster(mentions: list[MentionKey], neighbours: int = NEIGHBOURS) -> dict[str, str]:
    """mention_id -> event_id for every mention. Cost grows linearly: each mention is compared with
    at most ``neighbours`` earlier mentions of each block it is in."""
    order = sorted(mentions, key=lambda m: (_anchor(m), m.mention_id))
    parent = {m.mention_id: m.mention_id for m in order}
    extent = {m.mention_id: _Extent.of(m) for m in order}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in order:  # "the truce" joins the truce its article reported, whatever its own modality
        if m.antecedent_id in parent:
            a, b = find(m.antecedent_id), find(m.mention_id)
            joined = extent[a].merged(extent[b]) if a != b else None
            if joined is not None:
                parent[b] = a
                extent[a] = joined
    span = {m.mention_id: _span(m) for m in order}
    blocks: dict[tuple, list[MentionKey]] = defaultdict(list)
    for m in order:  # each mention against the earlier ones, nearest in time first
        candidates = {}
        mine = span[m.mention_id]
        for key in _blocks(m):
            group = blocks[key]
            for other in group[-neighbours:]:
                if other.article_id == m.article_id or _times_may_match(mine, span[other.mention_id]):
                    candidates[other.mention_id] = other
            group.append(m)
        for other in sorted(candidates.values(), key=lambda o: (_anchor(m) - _anchor(o), o.mention_id)):
            a, b = find(other.mention_id), find(m.mention_id)
            if a == b or not same_event(other, m):
                continue
            joined = extent[a].merged(extent[b])
            if joined is not None:
                parent[b] = a
                extent[a] = joined
    members: dict[str, list[MentionKey]] = defaultdict(list)
    for m in mentions:
        members[find(m.mention_id)].append(m)
    mapping: dict[str, str] = {}
    for group in members.values():
        first = min(group, key=lambda m: (m.published_date or date.max, m.mention_id))
        event_id = "ev_" + hashlib.sha256(first.mention_id.encode()).hexdigest()[:24]
        for m in group:
            mapping[m.mention_id] = event_id
    return mapping
