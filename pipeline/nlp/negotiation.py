"""Talks whose sentence names nobody but marks them as the next stage of the negotiation: "a second round
of talks will be held in Havana", "the negotiations are expected to resume next week". An article about
talks between two parties names them once and then reports rounds, venues and dates; such talks take the
parties of the talks it last named with both sides, and record them among their ``inherited`` fields.
Talks with no such mark ("his talks with ...", "readiness for negotiations") are left as they are."""

from __future__ import annotations

from dataclasses import replace

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
        out.append(d)
    return out


def _continues(d) -> bool:
    """Does the sentence mark these talks as a further stage, just before or in the trigger?"""
    before = d.sentence[:d.trigger_start - d.sentence_start].lower().split()[-REACH:]
    words = before + d.trigger.lower().split() + d.sentence[d.trigger_end - d.sentence_start:].lower().split()[:2]
    return any(w.strip(".,;:") in word_list("continuation_words") for w in words)
