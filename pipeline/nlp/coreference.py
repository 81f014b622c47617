"""One event, one story: later references join the event an article already reported.

News reports an event once and then refers back to it: "the offensive", "the
truce", "in the shelling", "the talks". Such a mention starts no new event: it is
linked to the latest earlier mention of the same type whose agent, place and
date are compatible (its *antecedent*), and the mentions of one chain share
what each of them knows: a date given only in the second sentence ("the attack
took place Thursday") dates the first. Each keeps its own modality: "should the
talks fail" refers to real talks but says something hypothetical about them.

Pure: a list of drafts in, the same drafts with ``antecedent`` and
``inherited`` set, out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from pipeline.nlp.senses import word_list
from pipeline.normalize.dates import Period
from pipeline.normalize.places import Place

SLACK = timedelta(days=1)
# What a mention can take from the others of its chain: (the name in ``inherited``, the draft's fields)
SHARED = (("agent", ("agent", "agent_ref")), ("target", ("target", "target_ref")),
          ("place", ("location", "place")), ("date", ("period", "date_text", "date_basis")))


def _actor_key(draft, which: str) -> tuple[str | None, str | None, str | None]:
    ref = getattr(draft, f"{which}_ref")
    role = getattr(draft, which)
    if role is None:
        return None, None, None
    return (ref.id if ref else None, ref.country if ref else None, role.text.lower().removeprefix("the "))


def actors_compatible(a, b, which: str = "agent") -> bool:
    (ida, ca, ta), (idb, cb, tb) = _actor_key(a, which), _actor_key(b, which)
    if ta is None or tb is None:
        return True
    if ida and idb:
        return ida == idb or (ca is not None and ca == cb)
    return ta == tb or ta in tb or tb in ta or (ca is not None and ca == cb)


BROAD_KINDS = ("country", "region", "area", "world_region")  # places that hold others


def places_compatible(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return True
    if a.name == b.name:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    # a country or region and a place inside it ("Helmand" and "Marjah"), or two places of one region
    return a.kind in BROAD_KINDS or b.kind in BROAD_KINDS or (
        a.admin1 is not None and a.admin1 == b.admin1)


def periods_compatible(a: Period | None, b: Period | None) -> bool:
    if a is None or b is None:
        return True
    return a.start - SLACK <= b.end and b.start - SLACK <= a.end


def _kind(draft) -> str | None:
    """What sort of attack a trigger names (capture, strike), or None for an umbrella word."""
    words = draft.trigger.lower().split()
    for kind in ("capture", "strike"):
        if any(w in word_list(f"{kind}_words") or w.rstrip("s") in word_list(f"{kind}_words") for w in words):
            return kind
    return None


def compatible(a, b) -> bool:
    """Same type, compatible agents, places and dates; and for attacks, the same kind ("killed in air
    strikes" is not the tanks' seizure of the crossing), unless one is an umbrella word ("the attack")."""
    if a.event_type != b.event_type:
        return False
    if a.event_type == "OFFENSIVE" and None not in (ka := _kind(a), kb := _kind(b)) and ka != kb:
        return False
    return actors_compatible(a, b) and places_compatible(a.place, b.place) and periods_compatible(a.period, b.period)


RECENT = timedelta(days=7)  # a reference dated this close to publication is about the news of the day


def _antecedent(drafts: list, k: int, published: date | None) -> int | None:
    """The latest earlier compatible mention. A reference with a date of its own joins an undated mention
    only when that date is recent: "the attack took place Thursday" elaborates on the bombing just reported,
    "the October 7 attack" of two years before is another event."""
    ref = drafts[k]
    background = ref.period is not None and (published is None or ref.period.end < published - RECENT)
    fitting = [j for j in range(k - 1, -1, -1)
               if compatible(drafts[j], ref) and not (background and drafts[j].period is None)]
    # "the offensive" refers to the offensive, not to the shelling reported in between
    same_word = [j for j in fitting if _head_word(drafts[j]) == _head_word(ref)]
    return (same_word or fitting or [None])[0]


def _head_word(draft) -> str:
    return draft.trigger.split()[-1].lower().rstrip("s")


def _root(links: dict[int, int], k: int) -> int:
    while k in links:
        k = links[k]
    return k


def _fill(draft, donors: list) -> object:
    """Fill a draft's empty fields from the other mentions of its chain, nearest first."""
    changes: dict = {}
    inherited = list(draft.inherited)
    for field, attrs in SHARED:
        if getattr(draft, attrs[0]) is not None:
            continue
        donor = next((d for d in donors if getattr(d, attrs[0]) is not None), None)
        if donor is None:
            continue
        changes.update({a: getattr(donor, a) for a in attrs})
        inherited.append(field)
    return replace(draft, **changes, inherited=tuple(inherited)) if changes else draft


def link_references(drafts: list, published: date | None = None) -> list:
    """Set each reference's antecedent, then share fields along each chain."""
    links: dict[int, int] = {}
    out = list(drafts)
    for k, draft in enumerate(out):
        if not draft.reference:
            continue
        j = _antecedent(out, k, published)
        if j is None:
            continue
        links[k] = j
        out[k] = replace(draft, antecedent=j)
    chains: dict[int, list[int]] = {}
    for k in range(len(out)):
        chains.setdefault(_root(links, k), []).append(k)
    linked = list(out)
    for members in chains.values():
        if len(members) < 2:
            continue
        for k in members:
            out[k] = _fill(linked[k], [linked[j] for j in sorted(members, key=lambda j: abs(j - k)) if j != k])
    return out
