"""Agent and target read from the dependency parse of a trigger's sentence.

Subject and object of the event verb, passive "by"-agents, "X's proposal", "talks with X", the
subject of a light verb such as "mounted an offensive".
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from pipeline.nlp import references
from pipeline.nlp.clause_subjects import NOMINAL, OBJECT_DEPS, PROPOSAL_NOUNS, addressee, co_subjects, subject_of
from pipeline.nlp.participants import (ATTACK_PREPS, FORCE_WORDS, MODIFIER_DEPS, PASSIVE_SUBJECT_DEPS, POSSESSOR_DEPS,
                                       SUBJECT_DEPS, TARGET_PREPS, Roles, case_marker, child_by_dep, held_by, participant,
                                       spokesmen_of)
from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import in_list, word_list
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import SentenceView
from pipeline.nlp.surface_roles import compound_owner

AGENT_DEPS = {"obl:agent", "agent"}


def _together(doc: Doc, s: SentenceView, subject: Token | None, agent: Role | None,
              sentences: list[SentenceView], index: int) -> Role | None:
    """'NATO and Afghan forces launched ...', 'Somali government and African Union forces seized ...': a
    coalition acts as one agent, written whole and named by its members, not by the first alone."""
    if subject is None or agent is None:
        return agent
    heads = [subject] + [c for c in subject.children if c.dep_ in {"compound", "amod", "nmod:poss"}]
    siblings = co_subjects(subject)  # the parse may give "X and Y agreed" two subjects
    # "NATO and Afghan forces", parsed with NATO as a compound of 'forces' and 'Afghan' as its conjunct
    listed = [h for h in heads[1:] if h.dep_ == "compound" and any(c.dep_ == "conj" for c in h.children)]
    joined = [(c, m) for c in [c for h in heads for c in h.children if c.dep_ == "conj"] + siblings + listed
              if (m := participant(doc, s, c, sentences, index)) is not None and m != agent]
    members = [agent] + [m for _, m in joined]
    if len(members) < 2:
        return agent
    # "Somali clan militias": the member's whole phrase, not only the name inside it
    start, end = min(m.start for m in members), max([m.end for m in members] + [c.i + 1 for c, _ in joined])
    while end < s.span.end and doc[end].lower_ in FORCE_WORDS:
        end += 1  # "NATO and Afghan forces": the noun they share
    if end - start > 12 or any(t.pos_ in ("VERB", "AUX") or t.text in (",", ";") and t.i > agent.end
                               for t in doc[start:end]):
        return agent  # the parse joined more than a list of names
    return Role(doc[start:end].text, None, start, end, "NP")


def _claims_responsibility(verb: Token, root: Token) -> bool:
    """'claimed responsibility for the bombing', 'took credit for the attack': the claimer did it."""
    if verb.lemma_.lower() not in ("claim", "take", "admit", "accept") and not verb.lower_.startswith(("claim", "took")):
        return False
    token = root
    while token != verb and token.head != token:
        if token.lower_ in ("responsibility", "credit"):
            return True
        token = token.head
    return False


def _holder(s: SentenceView, verb: Token, sentences: list[SentenceView], index: int) -> Role | None:
    """Who held what was captured: 'captured the area from al-Shabab', 'took the Taliban-held town'."""
    if not in_list(verb, "capture_verbs") and not in_list(verb, "retake_verbs"):
        return None
    doc = s.span.doc
    for child in verb.children:
        if child.dep_ == "obl" and case_marker(child) == "from":
            found = participant(doc, s, child, sentences, index, strict=True)
            if found is not None:
                return found
    obj = child_by_dep(verb, OBJECT_DEPS)
    if obj is not None:
        for marked in held_by(doc, obj.subtree):  # "the Taliban-held town of Musa Qala", "the rebel-controlled city"
            if (owner := s.actor_at(marked)) is not None:
                return owner
    return None


def noun_owner(s: SentenceView, noun: Token) -> Role | None:
    """'Israel's offensive', 'the Russian offensive', 'US-Ukrainian proposal'; never a place ('the
    Pahalgam attack' happened in Pahalgam, nobody there carried it out)."""
    for child in noun.children:
        if child.dep_ in POSSESSOR_DEPS | MODIFIER_DEPS and (role := s.actor_at(child)) is not None:
            if not references.is_place(role):
                return role
    return None


def _possessor(noun: Token, party) -> Role | None:
    """"the army's proposal", "the junta's offensive": a possessor that is a party, named or not."""
    owner = child_by_dep(noun, POSSESSOR_DEPS)
    if owner is None or owner.pos_ == "PRON":
        return None  # 'its operation' in reported speech: the parse's nearest party is too often the speaker
    return party(owner)


def _governing_verb(root: Token, s: SentenceView | None = None, symmetric: bool = False) -> Token | None:
    """The verb a noun trigger hangs from: 'mounted a counteroffensive', 'called for a truce', 'ready for a truce'.

    A trigger in an adverbial phrase ('withdrew in the face of the onslaught', 'lost ground during an
    offensive') is a circumstance of the verb, not its deed: only a light verb ('took part in') or a verb
    that is itself an act of the kind ('seized the town in an incursion') counts."""
    head, hops, through_phrase = root, 0, False
    while head.dep_ in {"obj", "obl", "nmod", "compound", "nsubj:pass", "xcomp"} and head.head != head and hops < 3:
        through_phrase = through_phrase or (head.dep_ in {"obl", "nmod"} and case_marker(head) not in {"for", None})
        head = head.head
        hops += 1
        if head.pos_ in ("VERB", "AUX", "ADJ"):
            light = head.lemma_.lower() in word_list("light_verbs")
            act = s is not None and any(t.start <= head.i < t.end for t in s.triggers)
            # "agreed to a truce after talks in Minsk": who agrees at talks took part in them
            present = symmetric and case_marker(root) in {"after", "during", "at", "in", "following"}
            agreeing = head.lemma_.lower() in word_list("proposer_verbs")  # "agreed to a truce", "called for a ceasefire"
            return head if not through_phrase or light or act or present or agreeing else None
    return None


def _involving(s: SentenceView, root: Token, sentences: list[SentenceView], index: int) -> Role | None:
    """'an offensive involving African Union forces', 'a campaign led by the army': who carries it out."""
    for child in root.children:
        if child.dep_ in {"acl", "acl:relcl"} and child.lemma_.lower() in {"involve", "lead", "conduct", "launch"}:
            for grand in child.children:
                if grand.dep_ in {"obj", "obl:agent", "obl", "agent"}:
                    found = participant(s.span.doc, s, grand, sentences, index)
                    if found is not None:
                        return found
    return None


def _named_opponent(s: SentenceView, heads: list[Token]) -> Role | None:
    """'restart fighting with Israel', 'clashed with the RSF': 'with' a named party is whom the fighting
    is against; 'with drones', 'with artillery' is the means, and names no party."""
    for head in heads:
        for child in head.children:
            if child.dep_ in {"obl", "nmod"} and case_marker(child) == "with":
                role = s.actor_at(child)
                if role is not None and role.id and not references.is_place(role) and role.label != "PERSON":
                    return role
    return None


def _gerund_modifier(root: Token) -> bool:
    """'kept shelling army positions': the parser often reads the -ing verb as a noun modifying its
    object. Its head is then what was hit, not a kind of shelling ('shelling attacks' is not matched,
    as 'attacks' is no target noun)."""
    return root.dep_ in ("compound", "amod") and root.lower_.endswith("ing") and root.head.pos_ == "NOUN" \
        and root.head.i > root.i


def clause_author(noun: Token, part) -> Role | None:
    """'the truce that the president declared on Friday': the subject of a clause that proposes,
    declares or brokers the event noun it describes is the event's author."""
    for clause in noun.children:
        if clause.dep_ in ("acl", "acl:relcl") and clause.pos_ == "VERB" and in_list(clause, "proposer_verbs"):
            subject = subject_of(clause)
            if subject is not None and subject.lower_ not in ("that", "which", "who") and subject.i > noun.i:
                return part(subject)
    return None


def dependency_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
                     sentences: list[SentenceView], index: int) -> Roles:
    """Agent and target read off the parse; ``decided`` says the structure left no gap to fill."""
    part = lambda tok: participant(doc, s, tok, sentences, index)
    # An attack's target may be a party or what it hits ("targets in Lebanon", "a van"); talks' only a party.
    party = lambda tok: participant(doc, s, tok, sentences, index, strict="target" if spec.name == "OFFENSIVE" else True)
    preps = TARGET_PREPS if spec.symmetric or spec.default_modality == "proposed" else ATTACK_PREPS
    root = trig.root
    if root.pos_ == "VERB" and root.head.i in range(trig.start, trig.end) and root.head.lower_ in PROPOSAL_NOUNS:
        root = root.head  # "the army's proposal to extend the truce": the proposal is the event, its owner proposes
    if demand is not None:
        verb = demand.root
        agent = part(subject_of(verb))
        target = party(child_by_dep(verb, OBJECT_DEPS))
        if target is None:  # "called on government soldiers to surrender"
            target = next((party(c) for c in verb.children if c.dep_ == "obl" and case_marker(c) in {"on", "upon"}), None)
        if target is None:  # "called for troops to surrender": the subject of the surrender clause
            target = party(child_by_dep(root, SUBJECT_DEPS)) or party(child_by_dep(root, OBJECT_DEPS))
        return Roles(agent, target, decided=agent is not None)
    if root.pos_ in ("VERB", "AUX") or (root.tag_.startswith("VB") and root.pos_ not in NOMINAL):
        passive = child_by_dep(root, PASSIVE_SUBJECT_DEPS)
        by_agent = child_by_dep(root, AGENT_DEPS)
        if passive is not None or by_agent is not None or any(c.dep_ == "aux:pass" for c in root.children):
            # "hit by a missile": a weapon is no agent; "shelled by RSF artillery" names one.
            return Roles(party(by_agent), party(passive), decided=True)
        subject = spokesmen_of(subject_of(root)) if spec.symmetric else subject_of(root)
        target = _holder(s, root, sentences, index) or party(child_by_dep(root, OBJECT_DEPS))
        if target is None:  # "launched an attack against a police station": the attack's own phrase
            inner = [t for t in trig if t.i != root.i and t.pos_ == "NOUN"]
            for noun in inner:
                for child in noun.children:
                    if child.dep_ in {"nmod", "obl"} and case_marker(child) in preps and (role := party(child)):
                        target = role
                        break
        if target is None:
            for child in root.children:
                if child.dep_ == "obl" and case_marker(child) in preps and (role := party(child)):
                    target = role
                    break
        if target is None:
            target = _named_opponent(s, [root, *(t for t in trig if t.i != root.i)])
        if target is None and spec.default_modality == "proposed" and not spec.symmetric:
            target = addressee(root, party)
        agent = part(subject)
        if target is None and spec.symmetric and subject is not None:  # "Russia and Ukraine exchanged ..."
            target = next((p for c in co_subjects(subject) if (p := part(c)) is not None), None)
        elif not spec.symmetric:
            agent = _together(doc, s, subject, agent, sentences, index)
        return Roles(agent, target, decided=subject is not None)
    # A noun trigger: "counteroffensive", "talks", "ceasefire".
    for child in root.children:
        if child.dep_ in {"nmod", "obl"} and case_marker(child) == "between":
            first = part(child)
            second = next((part(c) for c in child.children if c.dep_ == "conj"), None)
            if first is not None:
                return Roles(first, second, decided=True)
    agent = noun_owner(s, root) or _possessor(root, party) or _involving(s, root, sentences, index) \
        or clause_author(root, part)
    target = None
    # "a ceasefire deal with the government": the phrase may hang on the noun the trigger qualifies
    nouns = [root] + ([root.head] if root.dep_ == "compound" and root.head.lower_ in PROPOSAL_NOUNS else [])
    for noun in nouns:
        for child in noun.children:
            if child.dep_ in {"nmod", "obl"} and case_marker(child) in preps and (role := party(child)):
                target = role
                break
        if target is not None:
            break
    if target is None and _gerund_modifier(root) and (target := party(root.head)) is not None \
            and target.start <= root.i < target.end:
        # "continued bombing rebel hideouts", parsed as a compound: the hideouts, without the verb
        target = replace(target, text=doc[root.i + 1:target.end].text, start=root.i + 1)
    if target is None:
        target = _named_opponent(s, [root, *(t for t in trig if t.i != root.i)])
    head = root
    # "Qatar's proposal for a truce", "a call for a ceasefire": the proposal noun's owner proposes.
    while agent is None and head.dep_ in {"nmod", "compound", "obl"} and head.head != head:
        head = head.head
        if head.lower_ in PROPOSAL_NOUNS or head.lemma_ in PROPOSAL_NOUNS:
            agent = noun_owner(s, head)
            break
    if agent is not None:
        return Roles(compound_owner(doc, s, agent), target, decided=True)
    verb = _governing_verb(root, s, spec.symmetric)
    proposal = spec.default_modality == "proposed"
    if verb is not None and proposal and verb.lemma_.lower() not in word_list("proposer_verbs"):
        verb = None  # "held talks on a proposed ceasefire": whoever holds talks does not propose it
    if verb is not None and not proposal and _claims_responsibility(verb, root):
        return Roles(part(subject_of(verb)), target, decided=True)  # "the Taliban claimed responsibility for a bombing"
    if verb is not None and not proposal and verb.lemma_.lower() in word_list("speech_verbs"):
        return Roles(None, target, decided=True)  # "Guterres condemned an attack": the condemner did not attack
    if verb is not None and (proposal or verb.lemma_.lower() not in word_list("speech_verbs")):
        # "Russia has mounted a counteroffensive", "Ukraine and Russia held talks", "European leaders called for a truce".
        subj = spokesmen_of(subject_of(verb)) if spec.symmetric else subject_of(verb)
        agent = part(subj)
        if not spec.symmetric:
            agent = _together(doc, s, subj, agent, sentences, index)
        if agent is not None and target is None and spec.symmetric and subj is not None:
            target = next((p for c in co_subjects(subj) if (p := part(c)) is not None), None)
        if target is None:
            for child in verb.children:
                if child.dep_ == "obl" and case_marker(child) in preps and (role := party(child)):
                    target = role
                    break
        if target is None and proposal and not spec.symmetric:
            target = addressee(verb, party)
        return Roles(agent, target, decided=agent is not None)
    return Roles(None, target)
