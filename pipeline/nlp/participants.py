"""Who takes part: the agent/target pair, and the actor or noun phrase a parsed token stands for.

Shared by the surface and dependency rules: the word lists both read, and the reading of one
subject or object token as a participant (a named actor, a resolved pronoun or a noun phrase).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from pipeline.nlp import references
from pipeline.nlp.senses import word_list
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import PERSON_LABELS, PLACE_LABELS, SentenceView
from pipeline.normalize.gazetteer import gazetteer
from pipeline.rules import listed_words

# A name right after one of these is inside a prepositional phrase: not a subject.
PREPOSITIONS = {"in", "into", "of", "near", "at", "to", "for", "from", "against", "on", "with", "across",
                "toward", "towards", "outside", "inside", "around", "over", "through", "between", "by",
                "about", "under", "within", "beyond", "along", "behind", "upon", "among", "amid"}
TARGET_PREPS = {"against", "on", "into", "at", "toward", "towards", "with"}
FORCE_WORDS = set(listed_words("force_words"))
ATTACK_PREPS = {"against", "on", "at", "upon", "of"}  # "strikes on X", "shelling of X"; "with 300 drones" is the means
SUBJECT_DEPS = {"nsubj", "csubj"}
PASSIVE_SUBJECT_DEPS = {"nsubj:pass", "nsubjpass"}
POSSESSOR_DEPS = {"nmod:poss", "poss"}
MODIFIER_DEPS = {"amod", "compound", "nmod:desc"}
# Nouns that are never the agent or target of an event, even in subject position.
NOT_PARTICIPANTS = {"decision", "setback", "war", "conflict", "situation", "move", "announcement", "deal",
                    "agreement", "statement", "report", "reports", "news", "fighting", "violence", "talks",
                    "meeting", "ceasefire", "truce", "attack", "attacks", "offensive", "strike", "strikes",
                    "incursion", "operation", "campaign", "assault", "people", "civilians", "residents", "town",
                    "city", "village", "area", "region", "territory", "side", "part", "parts", "time", "day",
                    "week", "month", "year", "hours", "days", "weeks", "months", "years", "total", "number"}
# Heads of unnamed noun phrases that name a party to an event ("Ukrainian units", "the two sides").
PARTY_NOUNS = set(listed_words("party_heads"))


@dataclass(frozen=True)
class Roles:
    agent: Role | None = None
    target: Role | None = None
    decided: bool = False  # the parse settled the agent: surface rules must not override it

    def __bool__(self) -> bool:
        return self.agent is not None or self.target is not None


def case_marker(token: Token) -> str | None:
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
    # "Yemen's Ansar Allah movement": the name it carries before its owner's
    for deps in ({"flat", "appos", "compound", "nmod:desc"}, POSSESSOR_DEPS):
        for child in token.children:
            if child.dep_ in deps and (role := s.actor_at(child)):
                return role
    return None


def _complementizer(that: Token, head: Token) -> bool:
    """'that' opening a clause, not pointing at a thing: the parser may call it a determiner, but a
    plural head ('that rebel forces') or a verb or date right before it ('said on Monday that') gives it away."""
    if that.tag_ == "IN" or head.tag_ in ("NNS", "NNPS"):
        return True
    before = that.doc[that.i - 1] if that.i > 0 else None
    return before is not None and (before.pos_ == "VERB" or before.ent_type_ == "DATE" or before.dep_.startswith("obl"))


def noun_phrase(doc: Doc, token: Token) -> Role:
    """'Israeli tanks', 'the two sides', 'junta aircraft': the head noun with its left modifiers."""
    start = token.i
    for child in token.lefts:
        if child.dep_ in {"det", "amod", "compound", "nummod", "nmod:poss", "flat", "case"} | MODIFIER_DEPS:
            start = min(start, child.left_edge.i)
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in {"flat", "compound"}:
            end = max(end, child.right_edge.i + 1)
    while start < token.i and (doc[start].dep_ == "case" or (doc[start].lower_ == "that" and _complementizer(doc[start], token))):
        start += 1  # 'said that government troops': the conjunction is not part of the phrase
    return Role(doc[start:end].text, None, start, end, "NP")


def participant(doc: Doc, s: SentenceView, token: Token | None, sentences: list[SentenceView] | None = None,
                index: int = 0, *, strict: bool | str = False) -> Role | None:
    """Who a subject or object token stands for: a named actor, a resolved pronoun, or the noun phrase.

    Unnamed agents matter to analysts ("the army", "Israeli tanks", "the two sides"); they are kept as
    written, without an id. ``strict`` keeps only noun phrases that name a party (talks are held with
    parties, not with "details"); ``strict="target"`` also keeps what an attack hits ("a van", "the
    presidential palace", "opposition strongholds"), never a number, a date or a weapon.
    """
    if token is not None and token.i < s.body_start:
        # "NAIROBI - Kenya and Somalia launched ...", parsed with the dateline as the subject: the name after it
        token = next((c for c in token.children if c.dep_ == "appos" and c.i >= s.body_start), None)
    if token is None or any(d.start <= token.i < d.end for d in s.dates):
        return None  # "on Monday" is when, never who
    if (role := _actor(s, token)) is not None:
        if role.id is None and role.refers_to is None and (
                force := references.named_force(doc, sentences or [s], index if sentences else 0, role)) is not None:
            return replace(role, id=force.id, refers_to=force.text)  # "4,000 Marines" after "U.S. Marines"
        return role
    if token.lower_ in {"which", "who", "that"} and token.head.dep_ == "acl:relcl":
        return participant(doc, s, token.head.head, sentences, index, strict=strict)  # "Oman, which hosted talks"
    if token.pos_ == "PRON":
        # In reported speech the speaker comes first: in "The M23 said they had taken Goma", they = the M23.
        speaker = _speaker_of_report(s, token)
        if speaker is not None:
            return speaker
        return references.resolve_pronoun(sentences or [s], index if sentences else 0, token)
    if strict == "target" and token.pos_ == "NOUN" and token.lemma_.lower() in word_list("settlement_nouns"):
        if (place := _named_settlement(s, token)) is not None:
            return place
    if token.lower_ in ("side", "camp") and (owner := next((c for c in token.children if c.dep_ in ("nmod:poss", "poss")
                                                            and c.pos_ == "PRON"), None)) is not None:
        return participant(doc, s, owner, sentences, index, strict=strict)  # "his side": whoever 'his' is
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ in NOT_PARTICIPANTS:
        return None
    if strict and token.lower_ not in PARTY_NOUNS and token.lemma_ not in PARTY_NOUNS and token.pos_ != "PROPN" \
            and not token.is_title and not (strict == "target" and (token.lower_ in word_list("target_nouns")
                                                                   or token.lemma_ in word_list("target_nouns"))):
        return None
    for child in token.children:  # "fighters from the Rapid Support Forces", "rebels of the M23"
        if child.dep_ in {"nmod", "appos"} and case_marker(child) in {"from", "of", None} and (role := _actor(s, child)):
            return role
    if s.span.start <= token.i < s.span.end:
        if any(t.label in PLACE_LABELS and t.start <= token.i < t.end for t in s.places):
            return None
        return references.resolve_description(doc, sentences or [s], index if sentences else 0,
                                              noun_phrase(doc, token))
    return None


def held_by(doc: Doc, tokens) -> Iterator[Token]:
    """'the Taliban-held town', 'the rebel-controlled city': the word before '-held' names who holds the place."""
    for t in tokens:
        if t.i > 1 and t.lower_ in word_list("held_words") and doc[t.i - 1].text in ("-", "\u2013"):
            yield doc[t.i - 2]


def _named_settlement(s: SentenceView, token: Token) -> Role | None:
    """'shelled the town of Idlib', 'strikes on the city of Hama': the town is the place it is named as."""
    for child in token.children:
        if child.dep_ not in {"nmod", "appos", "flat"} or case_marker(child) not in {"of", None} \
                or not child.text[:1].isupper():
            continue
        known = next((p for p in s.places + s.actors if p.start <= child.i < p.end), None)
        if known is not None:
            return known if references.is_place(known) else None
        words = [t for t in child.subtree if t.dep_ in {"compound", "flat"} or t == child]
        start, end = min(t.i for t in words), max(t.i for t in words) + 1
        text = s.span.doc[start:end].text
        if gazetteer().named(text):
            return Role(text, None, start, end, "LOC")
    return None


def _speaker_of_report(s: SentenceView, token: Token) -> Role | None:
    """'The M23 said they had taken Goma': a pronoun inside what someone said is, first, the speaker."""
    report_verbs = {c.root.i for c in s.cues_of("REPORT")}
    people = token.lower_ in references.PEOPLE_PRONOUNS
    for ancestor in token.ancestors:
        if ancestor.i in report_verbs:
            speaker = next((c for c in ancestor.children if c.dep_ == "nsubj"), None)
            role = _actor(s, speaker) if speaker is not None and speaker.i != token.i else None
            if role is None and speaker is not None and speaker.pos_ == "NOUN" and not people:
                role = noun_phrase(s.span.doc, speaker)  # "the army said it had regained control"
            if role is not None and (role.label in PERSON_LABELS) == people and not references.is_place(role):
                return role
            return None
    return None


def child_by_dep(token: Token, deps: set[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def spokesmen_of(token: Token | None) -> Token | None:
    """'Representatives of the government and the rebels', 'delegations from X': the parties they speak for."""
    if token is None or token.lower_ not in word_list("party_nouns"):
        return token
    for child in token.children:
        if child.dep_ in {"nmod", "obl"} and case_marker(child) in {"of", "from"}:
            return child
    return token
