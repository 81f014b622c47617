"""Who an attack is against, when its sentence names only a place: the side the article sets against the attacker.

War reporting names a dyad once and then reports its moves: "NATO troops launched an offensive in
Helmand, a Taliban stronghold", "Iraqi forces launch an offensive on Mosul", "the army recaptured
Kilinochchi". The target of such an attack is the opposing armed side the article names (the
Taliban, the Islamic State, the LTTE), not the town. An attack whose sentence names the party it
hits keeps it; one that hits a thing ("a van", "the presidential palace") keeps the thing.

The opponent is the armed actor the article names most, on the other side of the attacker: not the
attacker itself, not a member of its coalition, not an organ of the same state. The mention records
"target" among its ``inherited`` fields: it does not come from its own sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pipeline.nlp import references
from pipeline.nlp.participants import case_marker, held_by
from pipeline.nlp.patterns import actor_country, armed_actor
from pipeline.nlp.role_mention import Role
from pipeline.nlp.senses import word_list
from pipeline.nlp.sentence import PERSON_LABELS, SentenceView
from pipeline.normalize.actors import normalise
from pipeline.rules import load_actors

STATE_SECTORS = {"government", "military", "police", "diplomat"}


def side_of(actor_id: str | None) -> str | None:
    """A state's organs are one side (its country); a group is its own."""
    if not actor_id:
        return None
    actor = load_actors().get(actor_id)
    if actor_id.endswith("_MIL") or (len(actor_id) == 3 and actor_id.isupper()):
        return actor_country(actor_id)
    if actor is not None and actor.sector in STATE_SECTORS and actor.country:
        return actor.country
    return actor_id


def _armed_named(sentences: list[SentenceView]) -> Counter:
    """Side -> how often the article names an armed actor of it, with the latest mention of each."""
    counts: Counter = Counter()
    for s in sentences:
        for r in s.actors:
            if armed_actor(r.id):
                counts[side_of(r.id)] += 1
    return counts


def _last_mention(sentences: list[SentenceView], side: str, before: int) -> Role | None:
    found = None
    for k, s in enumerate(sentences):
        for r in s.actors:
            if armed_actor(r.id) and r.label not in PERSON_LABELS and side_of(r.id) == side \
                    and (found is None or k <= before):
                found = r
        if k >= before and found is not None:
            break
    return found


def _short_form(sentences: list[SentenceView], role: Role) -> Role:
    """The shortest name the article gives this actor ('LTTE' for 'Liberation Tigers of Tamil Eelam'):
    a target taken from elsewhere in the article is named as briefly as the article names it."""
    if not role.id:
        return role
    same = [r for s in sentences for r in s.actors if r.id == role.id and r.text.strip()]
    return min(same, key=lambda r: (len(r.text), r.start), default=role)


def _attacker_sides(draft) -> set[str]:
    sides = set()
    if draft.agent_ref is not None and draft.agent_ref.id:
        sides.add(side_of(draft.agent_ref.id))
    if draft.agent is not None and draft.agent.id:
        sides.add(side_of(draft.agent.id))
    return {s for s in sides if s}


def add_opponents(drafts: list, sentences: list[SentenceView], published) -> list:
    """Attacks with a known attacker and no party as target take the article's opposing armed side."""
    counts = _armed_named(sentences)
    out = []
    for d in drafts:
        if d.event_type != "OFFENSIVE" or d.agent is None:
            out.append(d)
            continue
        if not _needs_target(d):
            generic = d.target.text.split()[-1].lower() in word_list("generic_targets")
            held = _holder_of_place(d, sentences[d.sentence_index], _attacker_sides(d)) if generic else None
            out.append(d if held is None else
                       replace(d, target=held, target_ref=normalise(held.text, held.id, published=published)))
            continue
        mine = _attacker_sides(d) | _coalition_sides(d, sentences)
        here = _in_sentence_opponent(d, sentences[d.sentence_index], mine) \
            or _holder_of_place(d, sentences[d.sentence_index], mine) or _fought_with(d, sentences, mine)
        if here is not None:
            span = sentences[d.sentence_index].span
            elsewhere = ("target",) if not span.start <= here.start < span.end else ()  # the next sentence's fight
            out.append(replace(d, target=here, target_ref=normalise(here.text, here.id, published=published),
                               inherited=tuple(d.inherited) + elsewhere))
            continue
        if not mine or not counts:
            out.append(d)
            continue
        near = _sides_near(sentences, d.sentence_index)
        others = [(n, side) for side, n in counts.items() if side not in mine and side in near] \
            or [(n, side) for side, n in counts.items() if side not in mine]
        if not others:
            out.append(d)
            continue
        n, side = max(others)
        if sum(1 for m, _ in others if m == n) > 1:
            out.append(d)  # two sides as likely: say nothing
            continue
        role = _last_mention(sentences, side, d.sentence_index)
        if role is None:
            out.append(d)
            continue
        role = _short_form(sentences, role)
        out.append(replace(d, target=role, target_ref=normalise(role.text, role.id, published=published),
                           inherited=tuple(d.inherited) + ("target",)))
    return out


NEAR = 3  # sentences either side: a bulletin's next story has its own war


def _sides_near(sentences: list[SentenceView], index: int) -> set[str]:
    """The armed sides named close to an event: in a bulletin of several stories the opponent is the
    one named around this story, not the one the whole text names most."""
    lo, hi = max(0, index - NEAR), min(len(sentences), index + NEAR + 1)
    return {side_of(r.id) for s in sentences[lo:hi] for r in s.actors if armed_actor(r.id)}


def _in_sentence_opponent(d, s: SentenceView, mine: set[str]) -> Role | None:
    """'troops overpowered al-Shabab militants and regained control of the town', 'liberated ten towns
    in an offensive against al-Shabab': an armed actor of another side in the attack's own sentence is
    whom the place was taken from, even when the attacker is only 'troops'."""
    if "agent" in d.inherited or d.agent is None:
        return None
    trigger = d.trigger_start
    doc = s.span.doc
    found = [r for r in s.actors if armed_actor(r.id) and side_of(r.id) not in mine
             and r.label not in PERSON_LABELS and _attacked(doc[r.start:r.end].root)
             and not (d.agent.start <= r.start and r.end <= d.agent.end)
             and r.id != d.attribution_id and r.id != d.agent.id
             and (d.agent_ref is None or r.id != d.agent_ref.id)]
    return min(found, key=lambda r: abs(doc[r.start].idx - trigger), default=None)


def _holder_of_place(d, s: SentenceView, mine: set[str]) -> Role | None:
    """'shelling targets near the rebel-held city', 'strikes on Houthi-controlled ports': the side that holds
    the place hit is whom the attack is against, named or only described."""
    doc = s.span.doc
    for owner in held_by(doc, doc[s.span.start + 2:s.span.end]):
        role = s.actor_at(owner)
        if role is not None:
            if armed_actor(role.id) and side_of(role.id) not in mine and role.id != (d.agent.id if d.agent else None):
                return role
        elif owner.lower_ in word_list("holder_descriptions") \
                and not (d.agent is not None and owner.lower_ in d.agent.text.lower()):
            return Role(owner.text, None, owner.i, owner.i + 1, "NP")
    return None


def _fought_with(d, sentences: list[SentenceView], mine: set[str]) -> Role | None:
    """'rebels seized two hamlets following gunbattles with forces loyal to the colonel': whom the attacker
    fought there, in the attack's sentence or the next or last one that has the same attacker as subject."""
    k = d.sentence_index
    for index in (k, k + 1, k - 1):
        if not 0 <= index < len(sentences) or (index != k and not _subject_again(sentences[index], d.agent)):
            continue
        s = sentences[index]
        doc = s.span.doc
        for tok in s.span:
            if tok.lower_ not in word_list("fight_nouns"):
                continue
            for other in tok.children:
                if other.dep_ not in ("nmod", "obl") or case_marker(other) != "with":
                    continue
                named = [r for r in s.actors if other.left_edge.i <= r.start < other.right_edge.i + 1]
                if any(side_of(r.id) in mine for r in named if r.id):
                    continue  # 'fighting alongside' its own side, parsed as 'with'
                start = next(t.i for t in other.subtree if t.dep_ != "case")
                end = next((t.i for t in doc[start:other.right_edge.i + 1] if t.text in (",", ";", "(")),
                           other.right_edge.i + 1)  # 'forces loyal to the colonel, who ...': the phrase only
                phrase = doc[start:end]
                armed = next((r for r in named if armed_actor(r.id) and r.label not in PERSON_LABELS), None)
                return Role(phrase.text, armed.id if armed else None, phrase.start, phrase.end, "NP")
    return None


def _subject_again(s: SentenceView, agent: Role) -> bool:
    """Is the attacker, named or described the same way ('rebels'), a subject of this sentence?"""
    head = agent.text.split()[-1].lower() if agent.text.split() else ""
    return any(t.dep_ in ("nsubj", "nsubj:pass") and (t.lower_ == head or (agent.id and t.ent_id_ == agent.id))
               for t in s.span)


NOT_ACTED_ON = {"nsubj", "nsubj:pass", "nsubjpass", "csubj", "appos", "obl:agent", "agent"}


def _attacked(root) -> bool:
    """Not named as one who acts or speaks: a subject, an apposition ('its political wing, the X
    Alliance'), or a passive's agent is on its own side of the sentence, not whom the place was taken
    from. (The parser misreads 'overpowered X militants and retook ...' too often to ask for an object.)"""
    while root.dep_ in ("compound", "amod", "flat") and root.head is not root:
        root = root.head  # 'al-Shabab militants': the phrase's head takes the relation
    return root.dep_ not in NOT_ACTED_ON


SETTLEMENT_HEADS = {"town", "towns", "city", "village", "villages", "area", "territory", "district", "region"}


def _needs_target(d) -> bool:
    """No target, or only a place (the town is where it happened, not whom it was against)."""
    if d.target is None or references.is_place(d.target):
        return True
    return d.target.text.split()[-1].lower() in SETTLEMENT_HEADS


def _coalition_sides(d, sentences: list[SentenceView]) -> set[str]:
    """The members of a coalition agent ('NATO and Afghan forces') are all the attacker's side."""
    if d.agent is None or d.agent.id is not None:
        return set()
    s = sentences[d.sentence_index]
    return {side for r in s.actors if d.agent.start <= r.start and r.end <= d.agent.end
            if (side := side_of(r.id)) is not None}
