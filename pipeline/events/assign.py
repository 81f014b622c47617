"""A batch's events: which events new mentions join or change, and the rows that follow.

A commit re-clusters only the stored events its new mentions could touch (found by
``neighbours``) and rebuilds only those whose membership changes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from pipeline.events.cluster import cluster
from pipeline.events.event_row import event_record, vote
from pipeline.events.keys import MentionKey, key_of, stated


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


def _place_for_party(m) -> bool:
    """A target that is only the place attacked or taken ('the capture of the town'), not a party."""
    if m.target_id is not None:
        return False
    return m.target in (m.location, m.place_name) or (m.place_name is not None and m.target_name == m.place_name)


def _briefest_names(mentions: list) -> dict[tuple[str, str], str]:
    """(article, actor id) -> the shortest name the article's mentions give that actor."""
    names: dict[tuple[str, str], str] = {}
    for m in mentions:
        for actor_id, text in ((m.agent_id, m.agent), (m.target_id, m.target)):
            if actor_id and text:
                key = (m.article_id, actor_id)
                names[key] = min(names.get(key, text), text, key=lambda v: (len(v), v))
    return names


def share_within_articles(mentions: list) -> list:
    """Each mention takes the fields it lacks from the other mentions its article has of the same event
    (by the same confidence-weighted vote as the event row), and lists them in ``inherited``. A target
    that is only the place taken or hit yields to a party another mention names as the target, and one
    the article inferred yields to one another mention's sentence states.

    Only a mention's own values are given (save whom a truce is offered to: inferred once from the
    article, it holds for every mention of that truce), and only within one article: what a mention row says
    stays what its article says, and the result does not depend on how commits split the input."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for m in mentions:
        groups[(m.event_id, m.article_id)].append(m)
    brief = _briefest_names(mentions)
    out = {}
    for group in groups.values():
        for m in group:
            changes: dict = {}
            inherited = list(m.inherited or ())
            for field, columns in SHARED_FIELDS.items():
                own = [d for d in group if d is not m and field not in (d.inherited or ())]
                if field == "target" and m.event_type == "CEASEFIRE_PROPOSAL" and m.target is None \
                        and not any(d.target is not None for d in own):
                    # whom the whole truce is offered to, inferred once from the article
                    own = [d for d in group if d is not m and d.antecedent_id is None]
                if field == "place" and m.place_name is not None:
                    # "southern Afghanistan" in one sentence, "Musa Qala" in the next: the most specific place
                    own = [d for d in own if _inside(d, m)]
                    if not own:
                        continue
                elif field == "date" and m.event_date is not None and not stated(m):
                    # "said on Tuesday" dates a mention only until another mention states the event's day
                    own = [d for d in own if stated(d)]
                    if not own:
                        continue
                elif field == "target" and m.target is not None and _place_for_party(m):
                    # "the recapture of the town" here, "the attack on the rebels" there: the side it was taken from
                    own = [d for d in own if d.target_id is not None]
                    if not own:
                        continue
                elif field == "target" and m.target is not None and field in inherited:
                    # inferred from the article ("the other side"), while another mention's sentence names it
                    if not own:
                        continue
                elif getattr(m, columns[0]) is not None:
                    continue
                if field in ("agent", "target") and any(getattr(d, f"{field}_id") for d in own):
                    # a named party before a description of one ('the SLA' over 'the military')
                    own = [d for d in own if getattr(d, f"{field}_id")]
                donor = vote(own, lambda d, c=columns[0]: getattr(d, c))
                if donor is not None:
                    changes.update({c: getattr(donor, c) for c in columns})
                    if field in ("agent", "target") and (actor_id := getattr(donor, f"{field}_id")):
                        # named as briefly as the article names it: 'LTTE' rather than the full name
                        changes[field] = brief.get((m.article_id, actor_id), getattr(donor, field))
                    if field not in inherited:
                        inherited.append(field)
            out[m.mention_id] = replace(m, **changes, inherited=tuple(inherited)) if changes else m
    return [out[m.mention_id] for m in mentions]


def mentions_and_events(plan: Reclustered, mentions: list, outlets: dict[str, str | None]) -> tuple[dict, list]:
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
    by_id, events = mentions_and_events(plan, mentions, outlets)
    return [by_id[m.mention_id] for m in mentions], events
