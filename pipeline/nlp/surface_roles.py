"""Agent and target read from the words around a trigger, without the parse.

With a blank pipeline (no parser) these rules are all there is; with a parse they fill what the
dependency rules leave open, and read "between X and Y" where news syntax misleads the parser.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.nlp import references
from pipeline.nlp.participants import (ATTACK_PREPS, FORCE_WORDS, PARTY_NOUNS, PREPOSITIONS, TARGET_PREPS, Roles,
                                       participant, spokesmen_of)
from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import in_list
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import PLACE_LABELS, SentenceView, preceding_word
from pipeline.rules import listed_words

# Words that end a clause when searching leftwards for a subject.
CLAUSE_BREAKS = {",", ";", ":", "as", "while", "but", "although", "though", "because", "after", "before",
                 "when", "since", "that", "which", "who", "whereas", "said", "says", "told", "(", ")",
                 "\u2014", "\u2013"}
FORCE_LIKE = FORCE_WORDS | set(listed_words("force_like"))


def _find_word(doc: Doc, start: int, stop: int, words: set[str]) -> int | None:
    for i in range(start, min(stop, len(doc))):
        if doc[i].lower_ in words:
            return i
    return None


def is_oblique(doc: Doc, role: Role, floor: int) -> bool:
    return preceding_word(doc, role.start, floor) in PREPOSITIONS


def clause_floor(doc: Doc, sent: Span, token: int) -> int:
    """The first token of the clause that holds ``token``, scanning left to a clause break."""
    i = token - 1
    while i >= sent.start:
        if doc[i].lower_ in CLAUSE_BREAKS:
            return i + 1
        i -= 1
    return sent.start


def nearest_left_actor(doc: Doc, s: SentenceView, token: int, *, allow_oblique: bool = False) -> Role | None:
    floor = clause_floor(doc, s.span, token)
    best = None
    for role in s.actors:
        if role.end <= token and role.start >= floor and not references.is_place(role):
            if allow_oblique or not is_oblique(doc, role, s.span.start):
                best = role
    return best


def first_actor_after(s: SentenceView, token: int, limit: int | None = None) -> Role | None:
    for role in s.actors:
        if role.start >= token and (limit is None or role.start < limit):
            return role
    return None


def between_roles(doc: Doc, s: SentenceView, trig: Span, sentences: list[SentenceView] | None = None,
                  index: int = 0) -> Roles:
    """'talks between X and Y' -> (X, Y); X and Y may be named or described ('rebel leaders and
    representatives of the government')."""
    b = _find_word(doc, trig.start, min(trig.end + 6, s.span.end), {"between"})
    if b is None:
        return Roles()
    first = first_actor_after(s, b + 1)
    if doc.has_annotation("DEP") and (first is None or first.start > b + 3):
        head = doc[b].head
        x = participant(doc, s, spokesmen_of(head), sentences, index, strict=True)
        if x is not None:
            other = next((c for c in head.children if c.dep_ == "conj"), None)
            y = participant(doc, s, spokesmen_of(other), sentences, index, strict=True) if other is not None else None
            return Roles(x, y or _after_and(doc, s, x.end))
    if first is None:
        return Roles()
    for role in s.actors:
        if role.start > first.end and _find_word(doc, first.end, role.start, {"and", "&"}) is not None:
            return Roles(first, role)
    return Roles(first, None)


def _after_and(doc: Doc, s: SentenceView, end: int) -> Role | None:
    """'between the government and the FARC collapsed': the second party, read from the words when the
    parse hung it elsewhere."""
    if end >= s.span.end or doc[end].lower_ not in ("and", "&"):
        return None
    return first_actor_after(s, end + 1, limit=end + 4)


def passive_agent(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'surrounded by the Russian military', 'attacked by drones' -> the by-phrase actor."""
    by = trig.end - 1 if trig[-1].lower_ == "by" else _find_word(doc, trig.end, min(trig.end + 3, s.span.end), {"by"})
    if by is None:
        return None
    return first_actor_after(s, by + 1, limit=by + 5)


def compound_owner(doc: Doc, s: SentenceView, role: Role) -> Role:
    """'US-Ukrainian' reads as one agent, named by its first part."""
    for other in s.actors:
        if other.end <= role.start and doc[other.end:role.start].text in ("-", "\u2013"):
            return Role(doc[other.start:role.end].text, other.id, other.start, role.end, other.label)
    return role


def proposal_owner(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'a US-Ukrainian proposal for a pause', 'Russia's ceasefire offer', 'Qatar proposed a truce'."""
    anchors = [c for c in s.cues_of("PROPOSAL") if abs(c.start - trig.start) <= 6]
    anchors.append(trig)
    for anchor in anchors:
        i = anchor.start - 1  # the owner is written right before: adjective, compound or possessive
        while i >= s.span.start and (doc[i].text in ("-", "'s", "\u2019s") or doc[i].lower_ in {"the", "a", "an"}
                                     or doc[i].like_num or doc[i].lower_ in {"day", "week", "month"}):
            i -= 1
        for role in s.actors:
            if role.start <= i < role.end:
                return compound_owner(doc, s, role)
        adjectival = anchor.start > s.span.start and doc[anchor.start - 1].lower_ in {"a", "an", "the"}
        if anchor is not trig and not adjectival and doc[anchor.start].lower_ in {"proposed", "offered",
                                                                                   "suggested", "urged"}:
            subj = nearest_left_actor(doc, s, anchor.start)
            if subj is not None:
                return subj
    return None


def surface_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
                  sentences: list[SentenceView] | None = None, index: int = 0) -> Roles:
    between = between_roles(doc, s, trig, sentences, index)
    if between:
        return between
    if (agent := passive_agent(doc, s, trig)) is not None:
        return Roles(agent, nearest_left_actor(doc, s, trig.start, allow_oblique=True))
    if demand is not None:
        return Roles(nearest_left_actor(doc, s, demand.start), first_actor_after(s, demand.end, limit=trig.start))
    if spec.default_modality == "proposed":
        return Roles(proposal_owner(doc, s, trig), None)
    agent = nearest_left_actor(doc, s, trig.start) or _phrase_before(doc, s, trig)
    target = None
    # "Russia and Ukraine held talks": the first named is the agent, the other the target.
    if agent is not None and spec.symmetric:
        for role in s.actors:  # "Revolutionary Armed Forces of Colombia [FARC]": the name and its short form
            if role.end <= agent.start and role.id and role.id == agent.id and all(
                    t.is_punct for t in doc[role.end:agent.start]):
                agent = Role(doc[role.start:agent.end].text, agent.id, role.start, agent.end, agent.label)
        for role in s.actors:
            if role.end <= agent.start and [t.lower_ for t in doc[role.end:agent.start]
                                            if t.lower_ not in ("the", "a", "an")] in (["and"], ["&"]):
                agent, target = role, agent
    preps = TARGET_PREPS if spec.symmetric or spec.default_modality == "proposed" else ATTACK_PREPS
    if target is None:
        for role in s.actors:
            if role.start < trig.end:
                continue
            if any(t.lower_ in CLAUSE_BREAKS for t in doc[trig.end:role.start]):
                break  # "gained control of the town as the rebels moved towards ... Sri Lanka": another clause
            if preceding_word(doc, role.start, s.span.start) in preps:
                if not (role.label in PLACE_LABELS and doc[role.start - 1].lower_ in {"in", "near", "at"}):
                    target = role
                    break
    if target is None and spec.name == "OFFENSIVE" and trig.root.tag_.startswith("VB"):
        target = _phrase_after(doc, s, trig)
    return Roles(agent, target)


REPORTED_SUBJECT_REACH = 5


def reported_subject(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'an official said troops overpowered the militants and regained control of X': the subject of
    what was said, read from the words right after the reporting verb (the parse often takes the
    first verb for an adjective and hangs the second from 'said')."""
    if not trig.root.tag_.startswith("VB"):
        return None
    cues = [c for c in s.cues_of("REPORT") if c.end <= trig.start]
    if not cues:
        return None
    i = cues[-1].end
    while i < trig.start and (doc[i].lower_ in {"that", "on", ","} or any(d.start <= i < d.end for d in s.dates)):
        i += 1
    if (role := first_actor_after(s, i, limit=trig.start)) is not None and role.start == i:
        return None if references.is_place(role) else role
    for j in range(i, min(trig.start, i + REPORTED_SUBJECT_REACH)):
        word = doc[j]
        if not word.is_alpha:
            return None
        if word.lower_ in FORCE_WORDS or word.lower_ in PARTY_NOUNS:
            return Role(doc[i:j + 1].text, None, i, j + 1, "NP")
    return None


def _phrase_before(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'Government warplanes bombed ...': the noun phrase right before an attack verb, read from the words
    when the parse lost it, if its head names a party or a force."""
    if not trig.root.tag_.startswith("VB"):
        return None
    end = trig.start
    while end > s.span.start and doc[end - 1].lower_ in {"have", "has", "had", "also", "then", "reportedly"}:
        end -= 1
    start = end
    while start > s.span.start and (doc[start - 1].is_alpha and not doc[start - 1].tag_.startswith("VB")
                                    and doc[start - 1].lower_ not in CLAUSE_BREAKS | PREPOSITIONS | {"that"}):
        start -= 1
    head = doc[end - 1] if end > start else None
    if head is None or (head.lower_ not in PARTY_NOUNS and head.lower_ not in FORCE_LIKE):
        return None
    return Role(doc[start:end].text, None, start, end, "NP")


SETTLEMENTS = {"town", "towns", "city", "cities", "village", "villages", "area", "areas", "territory", "district",
               "region", "province", "hamlets", "outskirts", "neighbourhood", "neighborhood"}


def _phrase_after(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'bombed rebel positions outside Orsk': the noun phrase right after an attack verb."""
    i = trig.end
    while i < s.span.end and doc[i].lower_ in {"the", "a", "an", "several", "two", "three"}:
        i += 1
    j = i
    while j < s.span.end and doc[j].is_alpha and doc[j].lower_ not in PREPOSITIONS and not doc[j].tag_.startswith("VB"):
        j += 1
    if j == i or any(d.start < j and i < d.end for d in s.dates):
        return None
    head = doc[j - 1]
    if head.lower_ in SETTLEMENTS:
        return None  # a town taken is where it happened; whom it was taken from is the target
    if head.lower_ in PARTY_NOUNS or in_list(head, "target_nouns"):
        return Role(doc[trig.end:j].text, None, trig.end, j, "NP")
    return None
