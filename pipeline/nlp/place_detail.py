"""The most specific place the text gives for one operation, when a sentence names only a broad one.

News leads with the broad place and details it at once: "forces launched an offensive in southern
X" and, in the next sentences, "troops surrounded the town of Y" or "the attack took place at a
base in Z province". (Within one sentence the place was already chosen among all it names.) When that nearby attack by a compatible side lies inside the broad
place (same country; same first-level area when the broad place is one), the lead's place is the
specific one. It is listed among the lead's ``inherited`` fields: its own sentence does not give it.

Likewise a truce the parties agreed, with no venue in its sentence, was made at the talks the next
sentence places ("they agreed to a truce" ... "they reached the deal during talks in X").

Pure: a list of drafts in, the same drafts out.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.nlp.coreference import actors_compatible
from pipeline.rules import listed_words
from pipeline.normalize.places import WORLD_REGION, Place

REACH = 2  # sentences after the broad one in which the detail may come (the next paragraph's lead)
# How broad a kind of place is: a town or a district inside a region, a region inside a country.
BREADTH = {"town": 0, "district": 0, "area": 1, "region": 1, "country": 2, WORLD_REGION: 3}
DETAILED_TYPES = ("OFFENSIVE",)
AGREEMENT_REACH = 1  # the talks that made a truce are placed in the sentence after it at most


def inside(small: Place, big: Place) -> bool:
    """Is ``small`` a more specific place within ``big``, by the gazetteer's country and admin1?"""
    if BREADTH.get(small.kind, 0) >= BREADTH.get(big.kind, 0) or big.kind == WORLD_REGION:
        return False
    if small.country is None or small.country != big.country:
        return False
    return big.kind == "country" or (big.admin1 is not None and small.admin1 == big.admin1)


def _known_apart(a, b, which: str) -> bool:
    """Both sides resolved to different actors of different states, and neither is named in the
    other's sentence ('NATO and Afghan forces launched ...' then 'NATO forces surrounded ...')."""
    ra, rb = getattr(a, f"{which}_ref"), getattr(b, f"{which}_ref")
    if ra is None or rb is None or not ra.id or not rb.id or ra.id == rb.id:
        return False
    if a.sentence_start != b.sentence_start and (getattr(b, which).text in a.sentence
                                                 or getattr(a, which).text in b.sentence):
        return False
    return ra.country is None or ra.country != rb.country


def _same_operation(a, b) -> bool:
    """Sides that do not contradict: attackers not known to differ ('government forces', 'troops'),
    or the same attacked party when both are named."""
    if not _known_apart(a, b, "agent"):
        return True
    return a.target is not None and b.target is not None and actors_compatible(a, b, "target")


def specific_places(drafts: list) -> list:
    """Broad places detailed by the attacks of the next sentences (see the module's docstring)."""
    out = list(drafts)
    for k, d in enumerate(drafts):
        if d.event_type not in DETAILED_TYPES or d.place is None or BREADTH.get(d.place.kind, 0) < 1:
            continue
        here = d.sentence_index
        details = [e for e in drafts if e is not d and e.event_type == d.event_type and e.place is not None
                   and here < e.sentence_index <= here + REACH and inside(e.place, d.place) and _same_operation(d, e)]
        if details:
            e = min(details, key=lambda e: (e.sentence_index, abs(e.trigger_start - d.trigger_start)))
            out[k] = replace(d, location=e.location, place=e.place, inherited=tuple(d.inherited) + ("place",))
    return out


def _agreed(d) -> bool:
    """'agreed to', 'signed', 'reached a deal': the sentence says the parties made it together."""
    words = set(listed_words("agreement_words"))
    return any(w in words or w.removesuffix("d") in words or w.removesuffix("ed") in words
               for w in re.findall(r"[a-z]+", d.sentence.lower()))


def venues_of_agreements(drafts: list) -> list:
    """An agreed truce with no place of its own takes the venue of the talks in the next sentence."""
    out = list(drafts)
    for k, d in enumerate(drafts):
        if d.event_type != "CEASEFIRE_PROPOSAL" or d.location is not None or not _agreed(d):
            continue
        here = d.sentence_index
        talks = [e for e in drafts if e.event_type == "TALKS" and e.location is not None and "place" not in e.inherited
                 and here < e.sentence_index <= here + AGREEMENT_REACH]
        if talks:
            e = talks[0]
            out[k] = replace(d, location=e.location, place=e.place, inherited=tuple(d.inherited) + ("place",))
    return out
