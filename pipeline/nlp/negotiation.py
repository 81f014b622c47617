"""Talks whose sentence names nobody but marks them as the next stage of the negotiation: "a second round
of talks will be held in Havana", "the negotiations are expected to resume next week". An article about
talks between two parties names them once and then reports rounds, venues and dates; such talks take the
parties of the talks it last named with both sides, and record them among their ``inherited`` fields.
Talks with no such mark ("his talks with ...", "readiness for negotiations") are left as they are."""

from __future__ import annotations

from dataclasses import replace

from pipeline.nlp.opponents import side_of
from pipeline.nlp.senses import word_list

REACH = 4  # words before the trigger a continuation mark may stand: "a second phase of negotiations"


def add_negotiating_parties(drafts: list) -> list:
    """TALKS drafts with neither agent nor target take both from the latest earlier TALKS draft with both."""
    out, last = [], None
    for d in drafts:
        if d.event_type == "TALKS":
            if d.agent is not None and d.target is not None:
                last = d
            elif d.agent is None and d.target is None and last is not None and _continues(d):
                d = replace(d, agent=last.agent, agent_ref=last.agent_ref, target=last.target,
                            target_ref=last.target_ref, inherited=tuple(d.inherited) + ("agent", "target"))
            elif d.target is None and last is not None and _continues(d) and not _both_sides(d.agent):
                # "his side would engage in further talks": with the other party of the talks named before
                other = _other_party(d, last)
                if other is not None:
                    d = replace(d, target=other[0], target_ref=other[1], inherited=tuple(d.inherited) + ("target",))
        out.append(d)
    return out


def _continues(d) -> bool:
    """Does the sentence mark these talks as a further stage, just before or in the trigger?"""
    before = d.sentence[:d.trigger_start - d.sentence_start].lower().split()[-REACH:]
    words = before + d.trigger.lower().split() + d.sentence[d.trigger_end - d.sentence_start:].lower().split()[:2]
    return any(w.strip(".,;:") in word_list("continuation_words") for w in words)


def _other_party(d, last) -> tuple | None:
    """Of the earlier talks' two parties, the one that is not on this agent's side."""
    mine = side_of(d.agent_ref.id if d.agent_ref else None) or (d.agent.text.lower() if d.agent else None)
    for role, ref in ((last.target, last.target_ref), (last.agent, last.agent_ref)):
        theirs = side_of(ref.id if ref else None) or role.text.lower()
        if theirs != mine:
            return role, ref
    return None


BOTH = {"delegations", "sides", "parties", "leaders", "negotiators", "governments", "countries", "ministers"}


def _both_sides(role) -> bool:
    """'The delegations will meet again', 'the two sides': an unnamed plural that is both parties at once."""
    return role is not None and role.id is None and role.text.split()[-1].lower() in BOTH
