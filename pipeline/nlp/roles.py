"""Who did what to whom: the agent and target of one trigger.

Agent and target come from the dependency parse when the pipeline has one
(subject and object of the event verb, passive "by"-agents, "X's proposal",
"talks between X and Y", "talks with X", the subject of a light verb such as
"mounted an offensive"). Where the parse gives no actor, surface rules over
the same sentence fill the gap; with a blank pipeline (no parser) they are
all there is.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.nlp import references
from pipeline.nlp.dependency_roles import clause_author, dependency_roles, noun_owner
from pipeline.nlp.participants import ATTACK_PREPS, PREPOSITIONS, Roles, case_marker
from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import word_list
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import SentenceView, preceding_word
from pipeline.nlp.surface_roles import between_roles, reported_subject, surface_roles

def reference_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType,
                    sentences: list[SentenceView] | None = None, index: int = 0) -> Roles:
    """'the Israeli strikes', 'the talks between X and Y': what a reference says of its own parties. It
    takes nobody from around it ('militants killed in the airstrikes', 'mediators for the talks'): its
    parties are those of the event it refers back to."""
    between = between_roles(doc, s, trig, sentences, index)
    if between:
        return between
    root = trig.root
    target = None
    for child in root.children:
        if child.dep_ in {"nmod", "obl"} and case_marker(child) in ATTACK_PREPS and (role := s.actor_at(child)):
            target = role
    # "the truce that the president declared": the clause names the author of the truce referred to
    return Roles(noun_owner(s, root) or clause_author(root, s.actor_at), target, decided=True)


BROKER_REACH = 6


def broker_of(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'the French-brokered peace plan calling for a ceasefire', 'a truce brokered by Qatar': the
    named party that arranged it, within a few words of the trigger."""
    lo, hi = max(s.span.start, trig.start - BROKER_REACH), min(s.span.end, trig.end + BROKER_REACH)
    for i in range(lo, hi):
        if doc[i].lower_ not in word_list("broker_words"):
            continue
        if i >= 2 and doc[i - 1].text in ("-", "\u2013") and (owner := s.actor_at(doc[i - 2])) is not None:
            return owner  # 'Egyptian-brokered', 'Cairo-brokered'
        if i + 2 < s.span.end and doc[i + 1].lower_ == "by" and i > trig.start \
                and (owner := s.actor_at(doc[i + 2])) is not None:
            return owner  # 'a truce brokered by Qatar'
    return None


def find_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
               sentences: list[SentenceView] | None = None, index: int = 0, reference: bool = False) -> Roles:
    """Dependency roles first; surface rules fill what the parse leaves open.

    "between X and Y" right after the trigger is read from the words: it is reliable, and news
    syntax ("a meeting Thursday between ...") often misleads the parser there.
    """
    if spec.broker_is_agent and (broker := broker_of(doc, s, trig)) is not None:
        return Roles(broker, None, decided=True)
    if reference and doc.has_annotation("DEP"):
        return reference_roles(doc, s, trig, spec, sentences, index)
    if spec.requires_cue == "DEMAND" and demand is None:
        # "If they lay down their arms, they will be spared": who would surrender is the target; the
        # one making the offer is the speaker, if anyone
        found = _find_roles(doc, s, trig, spec, demand, sentences, index)
        return Roles(None, found.target or found.agent, decided=True)
    return _find_roles(doc, s, trig, spec, demand, sentences, index)


def _find_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
                sentences: list[SentenceView] | None, index: int) -> Roles:
    surface = surface_roles(doc, s, trig, spec, demand, sentences, index)
    surface = Roles(_agent_or_none(doc, surface.agent), surface.target)
    if not doc.has_annotation("DEP") or (demand is None and between_roles(doc, s, trig).agent is not None):
        return surface
    if spec.symmetric and surface.agent is not None and surface.target is not None and surface.target.end <= trig.start:
        return surface  # "X and Y held talks": coordination read from the words; long subjects trip the parser
    parsed = dependency_roles(doc, s, trig, spec, demand, sentences or [s], index)
    parsed = Roles(_agent_or_none(doc, _ally_holder(doc, s, parsed.agent)), parsed.target, parsed.decided)
    surface = Roles(_ally_holder(doc, s, surface.agent), surface.target)
    agent = parsed.agent if parsed.decided else (parsed.agent or reported_subject(doc, s, trig) or surface.agent)
    target = parsed.target or (None if parsed.decided and parsed.agent is None else surface.target)
    if target is not None and agent is not None and (target.start, target.end) == (agent.start, agent.end):
        target = None
    return Roles(agent, target)


def _ally_holder(doc: Doc, s: SentenceView, role: Role | None) -> Role | None:
    """'The coalition backing the government carried out strikes', 'a militia loyal to the general
    attacked': the party named after 'backing'/'loyal to' qualifies the subject; the subject acts."""
    if role is None:
        return None
    i = role.start - 1
    while i > s.span.start and doc[i].lower_ in ("the", "a", "an", "to", "with", "by"):
        i -= 1
    if i <= s.span.start or doc[i].lower_ not in word_list("ally_words"):
        return role
    j = i  # "Wagner fighters allied with ...": the name, then the noun it qualifies
    while j > s.span.start and doc[j - 1].pos_ == "NOUN" and i - j < 2:
        j -= 1
    before = [r for r in s.actors if r.end in (i, j) and not references.is_place(r)]
    return before[0] if before else role


def _in_phrase(doc: Doc, role: Role) -> bool:
    """Is this name the object of a preposition, or a conjunct or apposition of one ('to Jerusalem,
    Ramallah and Cairo', 'in Gabon's capital, Libreville')?"""
    if role.start > 0 and doc[role.start - 1].lower_ in PREPOSITIONS:
        return True
    token = doc[role.end - 1]
    if token.dep_ not in ("conj", "appos"):
        return False  # the parse's own prepositions are too often misattached to trust them alone
    named_again = False  # 'capital, Libreville': the phrase's preposition may stand before a possessor
    while token.dep_ in ("conj", "appos") and token.head != token:
        named_again = named_again or token.dep_ == "appos"
        token = token.head
    return preceding_word(doc, token.i, 0) in PREPOSITIONS or any(
        c.dep_ == "case" and c.lower_ in PREPOSITIONS and (named_again or c.i == token.i - 1) for c in token.children)


def _agent_or_none(doc: Doc, role: Role | None) -> Role | None:
    """A place ('Rafah', 'the Central African Republic' in 'rebels in the CAR') or a thing ('the
    proposal', 'a measure') never carries out an event."""
    if role is None or references.is_place(role):
        return None
    if role.label == "GPE" and _in_phrase(doc, role):
        return None  # "in Moscow", "to Jerusalem, Ramallah and Cairo": a capital in a phrase is the place
    head = doc[role.end - 1]
    if role.id is None and (head.lower_ in word_list("non_parties") or head.lemma_.lower() in word_list("non_parties")):
        return None
    return role
