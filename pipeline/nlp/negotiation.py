"""Who negotiates with whom, where the sentence does not say it all.

Talks whose sentence names nobody but marks them as the next stage of the negotiation: "a second round
of talks will be held in Havana", "the negotiations are expected to resume next week". An article about
talks between two parties names them once and then reports rounds, venues and dates; such talks take the
parties of the talks it last named with both sides, and record them among their ``inherited`` fields.
Talks with no such mark ("his talks with ...", "readiness for negotiations") are left as they are.
A bloc meeting by itself ("NATO leaders meeting in Wales") is an internal meeting, not talks; an owned
proposal ("the army's offer to extend the truce") is made to whoever accepts or rejects it."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span

from pipeline.nlp.opponents import side_of
from pipeline.nlp.role_mention import Role
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


def _both_sides(role) -> bool:
    """'The delegations will meet again', 'the two sides': an unnamed plural that is both parties at once."""
    return role is not None and role.id is None and role.text.split()[-1].lower() in word_list("both_sides_nouns")


def bloc_gathering(doc: Doc, trig: Span, agent: Role | None, target: Role | None) -> bool:
    """A bloc's own summit ('the NATO summit') or its members' meeting ('EU leaders meeting in Brussels'),
    with no other party named. A bloc's envoy offering to mediate is not such a gathering."""
    if agent is None or target is not None:
        return False
    ids = {agent.id} | {t.ent_id_ for t in doc[agent.start:agent.end]}
    if not any(i and i.lower() in word_list("bloc_ids") for i in ids):
        return False
    if not any(t.lower_ in word_list("meeting_words") for t in trig):
        return False
    words = {doc[agent.end - 1].lower_, doc[agent.end].lower_ if agent.end < len(doc) else ""}
    return bool(words & word_list("bloc_members")) or any(t.lower_ in ("summit", "summits") for t in trig)


def _owned_by(doc: Doc, trig: Span, agent: Role) -> bool:
    """Is the agent named inside the proposal's own phrase ("the army's offer", "Egypt's truce plan",
    "a Qatari-brokered truce"), not as the subject of a verb such as 'agreed'?"""
    phrase = trig.root.head if trig.root.dep_ == "compound" else trig.root
    return any(phrase.i == t.i or phrase in t.ancestors for t in doc[agent.start:agent.end]) \
        if doc.has_annotation("DEP") else False


def _same_party(a: Role, b: Role) -> bool:
    return ((a.id is not None and a.id == b.id) or a.text == b.text
                              or (b.start <= a.start and a.end <= b.end))


def answerer_of_owned_proposal(doc: Doc, trig: Span, agent: Role | None, responder: Role | None) -> Role | None:
    """"The rebels rejected the army's offer of a truce": an owned proposal was made to whoever answers it."""
    if agent is None or responder is None or _same_party(responder, agent) or not _owned_by(doc, trig, agent):
        return None
    return responder
