"""One event's row, decided by the weight of its mentions.

Agent, target, place, date and modality are each chosen by a confidence-weighted vote,
so one bad mention cannot mislabel the event.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from pipeline.events.keys import actor_key, stated

PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}


def _first(mentions: list, field: str):
    for m in mentions:
        value = getattr(m, field)
        if value is not None:
            return value
    return None


def vote(mentions: list, key, tiebreak=lambda m: 0):
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


def _stated_first(mentions: list) -> list:
    """The mentions whose date votes: those with a stated date when there are any."""
    return [m for m in mentions if stated(m)] or mentions


def event_record(event_id: str, mentions: list, outlets: dict[str, str | None]):
    """Aggregate one cluster of Mention records into an Event record, each field by a vote of its mentions."""
    from pipeline.records import Event

    ranked = sorted(mentions, key=lambda m: (-m.confidence, m.published_date or date.max, m.mention_id))
    agent = vote(mentions, lambda m: actor_key(m.agent_id, m.agent_name, m.agent_country, m.agent_sector)
                 or (m.agent_name or "").lower() or None, tiebreak=lambda m: m.agent_id is None)
    target = vote(mentions, lambda m: actor_key(m.target_id, m.target_name, m.target_country, m.target_sector)
                  or (m.target_name or "").lower() or None, tiebreak=lambda m: m.target_id is None)
    place = vote(mentions, lambda m: m.place_name, tiebreak=lambda m: m.geo_precision or 9)
    when = vote(_stated_first(mentions), lambda m: (m.event_date, m.event_date_end) if m.event_date else None,
                tiebreak=lambda m: PRECISION_ORDER.get(m.date_precision, 9))
    modality = vote(mentions, lambda m: m.modality)  # the value decides; which of its mentions speaks does not
    best = ranked[0]
    # The kind of attack its mentions name most (a named kind outweighs 'other'), and its codes; the
    # lowest number of killed any mention gives (ACLED's rule when reports differ).
    sub = vote([m for m in mentions if m.sub_type not in (None, "other")]
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

