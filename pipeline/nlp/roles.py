"""Who did what to whom, where and when: agent, target, location, date and duration of one trigger.

Agent and target come from the dependency parse when the pipeline has one
(subject and object of the event verb, passive "by"-agents, "X's proposal",
"talks between X and Y", "talks with X", the subject of a light verb such as
"mounted an offensive"). Where the parse gives no actor, surface rules over
the same sentence fill the gap; with a blank pipeline (no parser) they are
all there is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from pipeline.nlp.patterns import EventType
from pipeline.nlp.sentence import PLACE_LABELS, Role, SentenceView, distance, preceding_word
from pipeline.normalize.dates import Period, resolve_date

# A name right after one of these is inside a prepositional phrase: not a subject.
PREPOSITIONS = {"in", "into", "of", "near", "at", "to", "for", "from", "against", "on", "with", "across",
                "toward", "towards", "outside", "inside", "around", "over", "through", "between", "by",
                "about", "under", "within", "beyond", "along", "behind", "upon", "among", "amid"}
LOCATIVE = {"in", "into", "near", "at", "outside", "inside", "around", "across", "toward", "towards", "of",
            "on", "over", "through", "within", "along", "from"}
TARGET_PREPS = {"against", "on", "into", "at", "toward", "towards", "with"}
# Words that end a clause when searching leftwards for a subject.
CLAUSE_BREAKS = {",", ";", ":", "as", "while", "but", "although", "though", "because", "after", "before",
                 "when", "since", "that", "which", "who", "whereas", "said", "says", "told", "(", ")",
                 "\u2014", "\u2013"}
LOCATION_WINDOW = 10  # tokens between trigger and place, unless the type takes the sentence's place
SUBJECT_DEPS = {"nsubj", "csubj"}
PASSIVE_SUBJECT_DEPS = {"nsubj:pass", "nsubjpass"}
AGENT_DEPS = {"obl:agent", "agent"}
OBJECT_DEPS = {"obj", "dobj", "iobj"}
POSSESSOR_DEPS = {"nmod:poss", "poss"}
MODIFIER_DEPS = {"amod", "compound", "nmod:desc"}
# Nouns that carry a proposal whose owner is the ceasefire's agent: "Qatar's proposal for a truce".
PROPOSAL_NOUNS = {"proposal", "plan", "offer", "initiative", "call", "bid", "push", "demand", "appeal", "deal"}


@dataclass(frozen=True)
class Roles:
    agent: Role | None = None
    target: Role | None = None

    def __bool__(self) -> bool:
        return self.agent is not None or self.target is not None


# -- surface rules ---------------------------------------------------------------

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
        if role.end <= token and role.start >= floor:
            if allow_oblique or not is_oblique(doc, role, s.span.start):
                best = role
    return best


def first_actor_after(s: SentenceView, token: int, limit: int | None = None) -> Role | None:
    for role in s.actors:
        if role.start >= token and (limit is None or role.start < limit):
            return role
    return None


def between_roles(doc: Doc, s: SentenceView, trig: Span) -> Roles:
    """'talks between X and Y' -> (X, Y)."""
    b = _find_word(doc, trig.start, min(trig.end + 6, s.span.end), {"between"})
    if b is None:
        return Roles()
    first = first_actor_after(s, b + 1)
    if first is None:
        return Roles()
    for role in s.actors:
        if role.start > first.end and _find_word(doc, first.end, role.start, {"and", "&"}) is not None:
            return Roles(first, role)
    return Roles(first, None)


def passive_agent(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'surrounded by the Russian military', 'attacked by drones' -> the by-phrase actor."""
    by = trig.end - 1 if trig[-1].lower_ == "by" else _find_word(doc, trig.end, min(trig.end + 3, s.span.end), {"by"})
    if by is None:
        return None
    return first_actor_after(s, by + 1, limit=by + 5)


def _compound_owner(doc: Doc, s: SentenceView, role: Role) -> Role:
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
                return _compound_owner(doc, s, role)
        adjectival = anchor.start > s.span.start and doc[anchor.start - 1].lower_ in {"a", "an", "the"}
        if anchor is not trig and not adjectival and doc[anchor.start].lower_ in {"proposed", "offered",
                                                                                   "suggested", "urged"}:
            subj = nearest_left_actor(doc, s, anchor.start)
            if subj is not None:
                return subj
    return None


def surface_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None) -> Roles:
    between = between_roles(doc, s, trig)
    if between:
        return between
    if (agent := passive_agent(doc, s, trig)) is not None:
        return Roles(agent, nearest_left_actor(doc, s, trig.start, allow_oblique=True))
    if demand is not None:
        return Roles(nearest_left_actor(doc, s, demand.start), first_actor_after(s, demand.end, limit=trig.start))
    if spec.default_modality == "proposed":
        return Roles(proposal_owner(doc, s, trig), None)
    agent = nearest_left_actor(doc, s, trig.start)
    target = None
    # "Russia and Ukraine held talks": the first named is the agent, the other the target.
    if agent is not None and spec.name == "TALKS":
        for role in s.actors:
            if role.end <= agent.start and doc[role.end:agent.start].text.strip() in ("and", "&"):
                agent, target = role, agent
    if target is None:
        for role in s.actors:
            if role.start >= trig.end and preceding_word(doc, role.start, s.span.start) in TARGET_PREPS:
                if not (role.label in PLACE_LABELS and doc[role.start - 1].lower_ in {"in", "near", "at"}):
                    target = role
                    break
    return Roles(agent, target)


# -- dependency rules -------------------------------------------------------------

def _case(token: Token) -> str | None:
    for child in token.children:
        if child.dep_ == "case":
            return child.lower_
    return None


def _actor(s: SentenceView, token: Token | None) -> Role | None:
    """The actor a token names: itself, or a name attached to it ('the envoy Steve Witkoff')."""
    if token is None:
        return None
    if (role := s.actor_at(token)) is not None:
        return role
    for child in token.children:
        if child.dep_ in {"flat", "appos", "compound", "nmod:desc"} | POSSESSOR_DEPS and (role := s.actor_at(child)):
            return role
    return None


def _child(token: Token, deps: set[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _subject(token: Token) -> Token | None:
    """The subject of a verb, or of the verb it shares one with ('sought to attack', 'attacked and seized').

    Adverbial clauses do not inherit: their subject is too often mis-attached in news syntax.
    """
    seen = 0
    while token is not None and seen < 4:
        subj = _child(token, SUBJECT_DEPS)
        if subj is not None:
            return subj
        if token.dep_ in {"xcomp", "conj"} and token.head is not token:
            token = token.head
            seen += 1
            continue
        return None
    return None


def _noun_owner(s: SentenceView, noun: Token) -> Role | None:
    """'Israel's offensive', 'the Russian offensive', 'US-Ukrainian proposal'."""
    for child in noun.children:
        if child.dep_ in POSSESSOR_DEPS | MODIFIER_DEPS and (role := s.actor_at(child)) is not None:
            return role
    return None


def dependency_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None) -> Roles:
    root = trig.root
    agent = target = None
    if demand is not None:
        verb = demand.root
        agent = _actor(s, _subject(verb))
        target = _actor(s, _child(verb, OBJECT_DEPS))
        if target is None:  # "called for troops to surrender": the obl/advcl object
            for t in trig.root.ancestors:
                if t.i < demand.start:
                    break
                if t.dep_ in OBJECT_DEPS | PASSIVE_SUBJECT_DEPS | {"obl", "nsubj"} and (role := s.actor_at(t)):
                    target = role
                    break
            if target is None:
                target = _actor(s, _child(root, SUBJECT_DEPS | OBJECT_DEPS))
        return Roles(agent, target)
    if root.pos_ in ("VERB", "AUX") or root.tag_.startswith("VB"):
        passive = _child(root, PASSIVE_SUBJECT_DEPS)
        by_agent = _child(root, AGENT_DEPS)
        if passive is not None or by_agent is not None:
            return Roles(_actor(s, by_agent), _actor(s, passive))
        agent = _actor(s, _subject(root))
        target = _actor(s, _child(root, OBJECT_DEPS))
        if target is None:
            for child in root.children:
                if child.dep_ == "obl" and _case(child) in TARGET_PREPS and (role := _actor(s, child)):
                    target = role
                    break
        return Roles(agent, target)
    # A noun trigger: "counteroffensive", "talks", "ceasefire".
    for child in root.children:
        if child.dep_ in {"nmod", "obl"} and _case(child) == "between":
            first = _actor(s, child)
            second = next((_actor(s, c) for c in child.children if c.dep_ == "conj"), None)
            if first is not None:
                return Roles(first, second)
    agent = _noun_owner(s, root)
    for child in root.children:
        if child.dep_ in {"nmod", "obl"} and _case(child) in TARGET_PREPS and (role := _actor(s, child)):
            target = role
            break
    head = root
    # "Qatar's proposal for a truce", "a call for a ceasefire": the proposal noun's owner proposes.
    while agent is None and head.dep_ in {"nmod", "compound", "obl"} and head.head is not head:
        head = head.head
        if head.lower_ in PROPOSAL_NOUNS or head.lemma_ in PROPOSAL_NOUNS:
            agent = _noun_owner(s, head)
            break
    if agent is not None:
        agent = _compound_owner(doc, s, agent)
    if agent is None and root.dep_ in OBJECT_DEPS | {"obl"} and root.head.pos_ == "VERB":
        # "Russia has mounted a counteroffensive", "Ukraine and Russia held talks".
        subj = _subject(root.head)
        agent = _actor(s, subj)
        if agent is not None and target is None and spec.name == "TALKS" and subj is not None:
            target = next((_actor(s, c) for c in subj.children if c.dep_ == "conj"), None)
        if target is None:
            for child in root.head.children:
                if child.dep_ == "obl" and _case(child) in TARGET_PREPS and (role := _actor(s, child)):
                    target = role
                    break
    return Roles(agent, target)


def find_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None) -> Roles:
    """Dependency roles first; surface rules for what the parse leaves open."""
    surface = surface_roles(doc, s, trig, spec, demand)
    if not doc.has_annotation("DEP"):
        return surface
    parsed = dependency_roles(doc, s, trig, spec, demand)
    agent = parsed.agent or surface.agent
    target = parsed.target or surface.target
    if target is not None and agent is not None and (target.start, target.end) == (agent.start, agent.end):
        target = surface.target if surface.target != agent else None
    return Roles(agent, target)


# -- place, date, duration --------------------------------------------------------

def location(doc: Doc, s: SentenceView, trig: Span, spec: EventType, used: list[Role | None]) -> Role | None:
    used_spans = {(r.start, r.end) for r in used if r is not None}
    candidates = [
        p for p in s.places
        if (p.start, p.end) not in used_spans and preceding_word(doc, p.start, s.span.start) in LOCATIVE
    ]
    if not spec.location_in_sentence:
        candidates = [p for p in candidates if distance(p, trig.start, trig.end) <= LOCATION_WINDOW]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (abs(p.start - trig.start), p.start < trig.start))


def event_date(s: SentenceView, anchors: list[Span], published: date | None) -> tuple[Period | None, str | None]:
    """The date expression nearest the trigger (or the demand verb), resolved against publication."""
    best: tuple[int, Period, str] | None = None
    for d in s.dates:
        period = resolve_date(d.text, published)
        if period is None:
            continue
        dist = min(distance(a, d.start, d.end) for a in anchors)
        if best is None or dist < best[0]:
            best = (dist, period, d.text)
    return (best[1], best[2]) if best else (None, None)


_DURATION = re.compile(r"(\d+)\s*-?\s*(hour|day|week|month)s?\b", re.IGNORECASE)
_UNIT_DAYS = {"hour": None, "day": 1, "week": 7, "month": 30}


def duration_days(doc: Doc, s: SentenceView, trig: Span) -> int | None:
    """'a 30-day ceasefire', 'a 72-hour truce' (hours are not whole days: NULL)."""
    window = doc[max(s.span.start, trig.start - 6):trig.end].text
    matches = list(_DURATION.finditer(window))
    if not matches:
        return None
    m = matches[-1]
    per = _UNIT_DAYS[m[2].lower()]
    return int(m[1]) * per if per else None
