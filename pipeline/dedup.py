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

An event's row is decided by the weight of its mentions: agent, target, place,
date and modality each by a confidence-weighted vote, so one bad mention
cannot mislabel the event. Its id is a hash of its earliest-reported mention,
so re-running with new articles extends events instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

REAL = {"asserted", "claimed"}
DAY_SLACK = timedelta(days=1)
UNDATED_WINDOW = timedelta(days=3)
BACKGROUND_DAYS = 30  # an event dated this long before its article's publication is background
NEIGHBOURS = 64
PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
NEAR_KM = 25.0  # two places this close can be one event's (a town and its outskirts, two districts)
STATE_SECTORS = {"government", "military", "diplomat", "police"}
SYMMETRIC_TYPES = {"TALKS"}  # both sides act alike: one side's agent is the other's target
# Words that name nobody in particular: an agent written only with them is no key ("the army", "troops").
GENERIC_PARTY = {"the", "a", "an", "its", "their", "his", "her", "some", "two", "both", "other", "army", "armies",
                 "military", "troops", "forces", "force", "soldiers", "fighters", "rebels", "militants", "militia",
                 "militias", "insurgents", "government", "officials", "authorities", "security", "units", "side",
                 "sides", "group", "groups", "enemy", "police", "leaders", "leader", "gunmen", "attackers",
                 "separatists", "jihadists", "extremists", "terrorists", "regime", "junta", "coalition", "alliance",
                 "movement", "it", "they", "he", "she", "them", "who", "which", "that", "local", "pro-government",
                 "government-backed", "armed", "suspected", "joint", "allied", "international", "foreign"}
_WORD = re.compile(r"[\w'-]+")


@dataclass(frozen=True)
class MentionKey:
    """What clustering needs to know about one mention."""

    mention_id: str
    article_id: str
    event_type: str
    modality: str
    agent_id: str | None
    agent_name: str | None
    agent_country: str | None
    place_name: str | None
    place_admin1: str | None
    event_date: date | None
    event_date_end: date | None
    published_date: date | None
    antecedent_id: str | None = None  # the earlier mention of the same article this one refers back to
    agent_sector: str | None = None
    target_id: str | None = None
    target_name: str | None = None
    target_country: str | None = None
    target_sector: str | None = None
    place_country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None


def actor_key(actor_id: str | None, name: str | None, country: str | None, sector: str | None) -> str | None:
    """What makes two actors the same side: a state's organs share its country code, a known group
    keeps its id, an unknown one its name; a generic description ("the army") is no key at all."""
    if actor_id:
        if country and (sector in STATE_SECTORS or actor_id == country or actor_id.endswith("_MIL")):
            return country
        return actor_id
    words = [w.removesuffix("'s") for w in _WORD.findall((name or "").lower().replace("\u2019", "'"))]
    words = [w for w in words if w and w not in ("'s", "s", "'")]
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    if not words or all(w in GENERIC_PARTY for w in words):
        return None
    # word order and shared nouns do not matter: "NATO and Afghan forces" ~ "Afghan and NATO forces"
    return " ".join(sorted({w for w in words if w not in GENERIC_PARTY and w not in ("and", "&")} or set(words)))


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


def _modality_group(modality: str) -> str:
    return "real" if modality in REAL else modality


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
    if a.event_type != b.event_type or _modality_group(a.modality) != _modality_group(b.modality):
        return False
    agent, place, when = _agent_match(a, b), _place_match(a, b), _time_match(a, b)
    if False in (agent, place, when):
        return False
    if agent is True or place is True:
        return True
    # In one article, mentions of what happened (or of a truce or talks) with nothing against it are one
    # event; threats and denials of attacks must share an agent or a place ("airstrikes remain an option"
    # and "Hamas threatens to restart fighting" are two).
    return a.article_id == b.article_id and (_modality_group(a.modality) == "real" or a.event_type != "OFFENSIVE")


def _anchor(m: MentionKey) -> date:
    return m.event_date or m.published_date or date.min


def _blocks(m: MentionKey) -> list[tuple]:
    """Mentions can only match inside a shared block: same type and modality group, plus a shared
    agent country or name, a shared place, or the same article."""
    base = (m.event_type, _modality_group(m.modality))
    keys = [base + ("article", m.article_id)]
    if (agent := _agent(m)) is not None:
        keys.append(base + ("agent", agent))
    if m.place_name:
        keys.append(base + ("place", m.place_admin1 or m.place_name))
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


MODALITY_RANK = {"asserted": 0, "claimed": 1, "proposed": 2, "denied": 3, "hypothetical": 4}


def key_of(m) -> MentionKey:
    """A Mention record -> the fields clustering reads."""
    # A date only the reporting verb or the publication implies says nothing about which event this is.
    start, end = (m.event_date, m.event_date_end) if _stated(m) else (None, None)
    return MentionKey(m.mention_id, m.article_id, m.event_type, m.modality, m.agent_id, m.agent_name,
                      m.agent_country, m.place_name, m.place_admin1, start, end,
                      m.published_date, m.antecedent_id, m.agent_sector, m.target_id, m.target_name,
                      m.target_country, m.target_sector, m.place_country, m.latitude, m.longitude, m.geo_precision)


def _first(mentions: list, field: str):
    for m in mentions:
        value = getattr(m, field)
        if value is not None:
            return value
    return None


def _vote(mentions: list, key, tiebreak=lambda m: 0):
    """The mention that speaks for the winning value: values are weighed by the confidence of the
    mentions giving them; within the winner, the most confident mention (then ``tiebreak``) speaks."""
    weight: Counter = Counter()
    for m in mentions:
        if (k := key(m)) is not None:
            weight[k] += m.confidence
    if not weight:
        return None
    best = max(weight, key=lambda k: (weight[k], str(k)))
    return min((m for m in mentions if key(m) == best), key=lambda m: (tiebreak(m), -m.confidence, m.mention_id))


def _stated(m) -> bool:
    """A date the text gives the event itself, not one implied by the reporting verb or the
    publication (rows written before ``date_basis`` existed only had stated dates)."""
    return m.event_date is not None and m.date_basis in (None, "text")


def _stated_first(mentions: list) -> list:
    """The mentions whose date votes: those with a stated date when there are any."""
    return [m for m in mentions if _stated(m)] or mentions


def event_record(event_id: str, mentions: list, outlets: dict[str, str | None]):
    """Aggregate one cluster of Mention records into an Event record, each field by a vote of its mentions."""
    from pipeline.records import Event

    ranked = sorted(mentions, key=lambda m: (-m.confidence, m.published_date or date.max, m.mention_id))
    agent = _vote(mentions, lambda m: actor_key(m.agent_id, m.agent_name, m.agent_country, m.agent_sector)
                  or (m.agent_name or "").lower() or None, tiebreak=lambda m: m.agent_id is None)
    target = _vote(mentions, lambda m: actor_key(m.target_id, m.target_name, m.target_country, m.target_sector)
                   or (m.target_name or "").lower() or None, tiebreak=lambda m: m.target_id is None)
    place = _vote(mentions, lambda m: m.place_name, tiebreak=lambda m: m.geo_precision or 9)
    when = _vote(_stated_first(mentions), lambda m: (m.event_date, m.event_date_end) if m.event_date else None,
                 tiebreak=lambda m: PRECISION_ORDER.get(m.date_precision, 9))
    modality = _vote(mentions, lambda m: m.modality, tiebreak=lambda m: MODALITY_RANK.get(m.modality, 9))
    best = ranked[0]
    # The kind of attack its mentions name most (a named kind outweighs 'other'), and its codes; the
    # lowest number of killed any mention gives (ACLED's rule when reports differ).
    sub = _vote([m for m in mentions if m.sub_type not in (None, "other")]
                or [m for m in mentions if m.sub_type], lambda m: m.sub_type)
    codes = sub or best
    killed = min((m for m in mentions if m.fatalities is not None),
                 key=lambda m: (m.fatalities, m.mention_id), default=None)
    articles = sorted({m.article_id for m in mentions})
    sources = sorted({outlets.get(a) or "unknown" for a in articles})
    published = [m.published_date for m in mentions if m.published_date]
    confidence = min(0.99, best.confidence + 0.02 * (len(sources) - 1))
    return Event(
        event_id=event_id,
        event_type=best.event_type,
        modality=modality.modality,
        agent_id=agent.agent_id if agent else None,
        agent_name=agent.agent_name if agent else None,
        agent_country=agent.agent_country if agent else None,
        target_id=target.target_id if target else None,
        target_name=target.target_name if target else None,
        target_country=target.target_country if target else None,
        place_name=place.place_name if place else None,
        place_country=place.place_country if place else None,
        place_admin1=place.place_admin1 if place else None,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        geo_precision=place.geo_precision if place else None,
        event_date=when.event_date if when else None,
        event_date_end=when.event_date_end if when else None,
        date_precision=when.date_precision if when else "unknown",
        date_basis=when.date_basis if when else None,
        duration_days=_first(ranked, "duration_days"),
        n_mentions=len(mentions),
        n_articles=len(articles),
        n_sources=len(sources),
        sources=tuple(sources),
        article_ids=tuple(articles),
        first_reported=min(published) if published else None,
        last_reported=max(published) if published else None,
        confidence=round(confidence, 3),
        plover_type=codes.plover_type,
        cameo_code=codes.cameo_code,
        evidence=best.sentence,
        evidence_mention_id=best.mention_id,
        agent_type=agent.agent_type if agent else None,
        target_type=target.target_type if target else None,
        place_admin1_code=place.place_admin1_code if place else None,
        place_admin2=place.place_admin2 if place else None,
        sub_type=sub.sub_type if sub else None,
        fatalities=killed.fatalities if killed else None,
        fatalities_approximate=killed.fatalities_approximate if killed else None,
        plover_mode=codes.plover_mode,
        goldstein=codes.goldstein,
        quad_class=codes.quad_class,
    )


@dataclass
class Reclustered:
    """What a batch of new mentions changes among the stored events it could touch."""

    event_of: dict[str, str]  # mention id -> its event id now, for the stored and new mentions given
    rebuild: dict[str, list[str]]  # event id -> mention ids, for every event whose membership is new
    retired: set[str]  # stored event ids that no longer exist as they were
    moved: list[str]  # stored mention ids whose event id changed
    reread: list[str]  # stored mention ids in rebuilt events: their whole rows are needed


def recluster(stored: list[MentionKey], stored_event: dict[str, str], shrunk: set[str],
              new: list[MentionKey]) -> Reclustered:
    """Cluster new mentions with the stored ones they could join, keeping every stored event whose
    membership comes out the same: only the others are rebuilt, so a commit's work follows what it
    changes, not how many events it had to look at.

    ``stored`` must hold whole events (every current mention of each); ``shrunk`` names stored events
    that lost mentions to replaced articles."""
    everything = stored + new
    mapping = cluster(everything)
    members: dict[str, list[str]] = defaultdict(list)
    for m in everything:
        members[mapping[m.mention_id]].append(m.mention_id)
    size = Counter(stored_event.values())
    rebuild = {}
    for event_id, mids in members.items():
        before = {stored_event.get(m) for m in mids}
        if before == {event_id} and size[event_id] == len(mids) and event_id not in shrunk:
            continue  # the same event, the same mentions
        rebuild[event_id] = mids
    reread = sorted(m for mids in rebuild.values() for m in mids if m in stored_event)
    retired = {stored_event[m] for m in reread} | shrunk
    moved = [m.mention_id for m in stored if mapping[m.mention_id] != stored_event[m.mention_id]]
    return Reclustered(mapping, rebuild, retired, moved, reread)


# The fields a mention can take from the other mentions its article has of the same event, and the
# columns each is made of (the first says whether the mention has it).
SHARED_FIELDS = {
    "agent": ("agent", "agent_id", "agent_name", "agent_country", "agent_sector", "agent_type"),
    "target": ("target", "target_id", "target_name", "target_country", "target_sector", "target_type"),
    "place": ("location", "place_name", "place_country", "place_admin1", "place_admin1_code", "place_admin2",
              "latitude", "longitude", "geo_precision", "geonameid"),
    "date": ("event_date", "event_date_end", "date_precision", "date_text", "date_basis"),
}


def _inside(a, b) -> bool:
    """Is a's place a town or site inside b's region or country?"""
    if a.place_name is None or (a.geo_precision or 3) >= 3 or (b.geo_precision or 0) < 3:
        return False
    if a.place_country != b.place_country:
        return False
    return b.place_admin1 is None or b.place_admin1 in (a.place_admin1, b.place_name) and a.place_admin1 == b.place_admin1


def share_within_articles(mentions: list) -> list:
    """Each mention takes the fields it lacks from the other mentions its article has of the same event
    (by the same confidence-weighted vote as the event row), and lists them in ``inherited``.

    Only a mention's own values are given, and only within one article: what a mention row says
    stays what its article says, and the result does not depend on how commits split the input."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for m in mentions:
        groups[(m.event_id, m.article_id)].append(m)
    out = {}
    for group in groups.values():
        for m in group:
            changes: dict = {}
            inherited = list(m.inherited or ())
            for field, columns in SHARED_FIELDS.items():
                own = [d for d in group if d is not m and field not in (d.inherited or ())]
                if field == "place" and m.place_name is not None:
                    # "southern Afghanistan" in one sentence, "Musa Qala" in the next: the most specific place
                    own = [d for d in own if _inside(d, m)]
                    if not own:
                        continue
                elif field == "date" and m.event_date is not None and not _stated(m):
                    # "said on Tuesday" dates a mention only until another mention states the event's day
                    own = [d for d in own if _stated(d)]
                    if not own:
                        continue
                elif getattr(m, columns[0]) is not None:
                    continue
                donor = _vote(own, lambda d, c=columns[0]: getattr(d, c))
                if donor is not None:
                    changes.update({c: getattr(donor, c) for c in columns})
                    inherited.append(field)
            out[m.mention_id] = replace(m, **changes, inherited=tuple(inherited)) if changes else m
    return [out[m.mention_id] for m in mentions]


def apply(plan: Reclustered, mentions: list, outlets: dict[str, str | None]) -> tuple[dict, list]:
    """Mention records (stored ones in ``plan.reread`` and the new ones) -> those records by id with
    their event ids set and the fields they share with their article's other mentions of the event,
    and one Event per rebuilt cluster."""
    placed = [m if m.event_id == plan.event_of[m.mention_id] else replace(m, event_id=plan.event_of[m.mention_id])
              for m in mentions]
    by_id = {m.mention_id: m for m in share_within_articles(placed)}
    events = [event_record(event_id, [by_id[m] for m in mids], outlets)
              for event_id, mids in sorted(plan.rebuild.items())]
    return by_id, events


def assign_events(mentions: list, outlets: dict[str, str | None]) -> tuple[list, list]:
    """Cluster mentions from scratch: (the mentions with their event_id set, one Event per cluster)."""
    plan = recluster([], {}, set(), [key_of(m) for m in mentions])
    by_id, events = apply(plan, mentions, outlets)
    return [by_id[m.mention_id] for m in mentions], events
