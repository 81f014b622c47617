"""Who a clause's subject is, and whom a call is addressed to, where news syntax misleads the parse.

A verb's subject, or the subject of the verb it shares one with ("sought to attack", "..., launching
four airstrikes"); coordinated subjects the parse made the sentence's root ("X and Y agreed ...");
a plan's relative clause, which speaks for whoever brokered the plan; and the addressee of a call to
stop ("urged the rebels to stop fighting").
"""

from __future__ import annotations

from spacy.tokens import Token

from pipeline.nlp.participants import SUBJECT_DEPS, case_marker, child_by_dep
from pipeline.nlp.role_mention import Role
from pipeline.nlp.senses import in_list, word_list

OBJECT_DEPS = {"obj", "dobj", "iobj"}
# Nouns that carry a proposal whose owner is the ceasefire's agent: "Qatar's proposal for a truce".
PROPOSAL_NOUNS = {"proposal", "plan", "offer", "initiative", "call", "bid", "push", "demand", "appeal", "deal"}


NOMINAL = ("NOUN", "PROPN")


def _finite(verb: Token) -> bool:
    return verb.tag_ in ("VBD", "VBZ", "VBP") or any(c.dep_ in ("aux", "aux:pass") and c.lower_ != "to"
                                                     for c in verb.children)


def _root_as_subject(verb: Token) -> Token | None:
    """'X and Y agreed ...', "X's government and Y have agreed ...": the parser often makes the first
    subject the sentence's root and hangs the finite verb from it; a finite verb is never a noun's
    modifier, so the root is its subject (or, after a dateline taken as the root, the name in apposition)."""
    head = verb.head
    while head.dep_ == "conj" and head.head != head and head.pos_ in NOMINAL:
        head = head.head  # "X and Y agreed", the verb hung from Y
    if head.dep_ == "appos" and head.head.dep_ == "ROOT" and head.pos_ in NOMINAL and head.i < verb.i \
            and verb.dep_ in ("acl", "conj") and verb.pos_ == "VERB" and _finite(verb):
        return head  # after a dateline taken as the root
    # "X's government and Y have agreed", parsed with the verb as a parenthetical of the root
    coordinated = verb.dep_ == "parataxis" and any(c.dep_ in ("cc", "conj") and c.i < verb.i for c in head.children)
    if not ((verb.dep_ in ("acl", "conj") or coordinated) and head.dep_ == "ROOT" and head.pos_ in NOMINAL
            and head.i < verb.i and verb.pos_ == "VERB" and _finite(verb)):
        return None
    named = [c for c in head.children if c.dep_ == "appos" and c.i < verb.i and c.pos_ in NOMINAL]
    return named[0] if named else head


def co_subjects(subj: Token) -> list[Token]:
    """The other subjects coordinated with ``subj``: its conjuncts, the verb's other subjects, and, when
    the parse made ``subj`` the root, the subject it gave the verb hanging from it."""
    others = [c for c in subj.children if c.dep_ == "conj" and c.pos_ in NOMINAL]
    if subj.dep_ == "appos" and subj.head.dep_ == "ROOT":
        subj = subj.head  # the dateline the parse made the root: the verb hangs from it
    if subj.head != subj:
        others += [c for c in subj.head.children if c.dep_ in SUBJECT_DEPS and c != subj]
    else:
        others += [g for c in subj.children if c.dep_ in ("conj", "acl", "parataxis") and c.pos_ == "VERB"
                   for g in c.children if g.dep_ in SUBJECT_DEPS]
    return others


def plan_verb(clause: Token) -> Token | None:
    """The verb governing the noun a descriptive clause hangs from ('brokered a plan that called for ...'),
    or, for a relative clause the parse hung from that verb itself ('advcl:relcl'), that verb."""
    if clause.dep_ == "advcl:relcl":
        return clause.head
    noun = clause.head
    return noun.head if clause.dep_ in ("acl", "acl:relcl") and noun.head != noun else None


def _plan_author(verb: Token, subj: Token) -> Token | None:
    """'The envoy brokered a plan (last month) that called for ...': the verb of a plan's relative clause
    speaks for whoever wrote or agreed the plan. The parse often hangs the clause on the time phrase."""
    if subj.lower_ not in ("that", "which") or verb.dep_ != "acl:relcl":
        return None
    noun = verb.head
    plan = noun.lower_ in word_list("time_nouns") or noun.lower_ in PROPOSAL_NOUNS or noun.lemma_ in PROPOSAL_NOUNS
    author = plan_verb(verb) if plan else None
    if author is None or author.pos_ != "VERB":
        return None
    authoring = in_list(author, "proposer_verbs") or author.lower_ in word_list("broker_words")
    has_plan = any(c.dep_ in OBJECT_DEPS and (c.lower_ in PROPOSAL_NOUNS or c.lemma_ in PROPOSAL_NOUNS)
                   for c in author.children)
    return author if authoring and has_plan else None


GERUND_MARKS = {"after", "before", "while", "since", "upon", "by", "when"}


def subject_of(token: Token) -> Token | None:
    """The subject of a verb, or of the verb it shares one with ('sought to attack', 'attacked and seized',
    'broke off a trip to travel to Cairo to meet ...': an infinitive of purpose shares the main subject).

    Other adverbial clauses do not inherit: their subject is too often mis-attached in news syntax.
    """
    seen = 0
    while token is not None and seen < 4:
        if (root_subject := _root_as_subject(token)) is not None:
            return root_subject  # "Kenya and the rebels agreed to a truce", parsed with 'Kenya' as the root
        subj = child_by_dep(token, SUBJECT_DEPS)
        if subj is not None and (author := _plan_author(token, subj)) is not None:
            token, seen = author, seen + 1  # "the envoy brokered a plan that called for ...": the envoy calls
            continue
        if subj is not None:
            return subj
        if token.head == token:
            return None
        purpose = token.dep_ in {"advcl", "acl"} and any(c.dep_ == "mark" and c.lower_ == "to" for c in token.children)
        # "X widened its campaign, launching four airstrikes": a participle with no subject or
        # conjunction of its own shares the main clause's subject
        # as does one after a temporal word ("..., after gaining control of two towns": the rebels gained it)
        participle = token.dep_ == "advcl" and token.tag_ == "VBG" and all(
            c.lower_ in GERUND_MARKS for c in token.children if c.dep_ == "mark")
        if token.dep_ in {"acl", "acl:relcl"} and token.tag_ == "VBG" and token.head.pos_ in ("NOUN", "PROPN"):
            return token.head  # "insurgents threatening to take over the dam": the insurgents
        if token.dep_ == "conj" and in_list(token.head, "report_verbs"):
            return None  # 'an official said troops retook the town', parsed as 'said ... and retook'
        if token.dep_ == "csubj" and token.head.pos_ == "ADJ":
            # "She is due to meet ...", parsed with 'due' as the root and 'She' as an expletive
            return next((c for c in token.head.children if c.dep_ in SUBJECT_DEPS | {"expl"}
                         and c.i < token.i and c.lower_ not in ("it", "there")), None)
        if token.dep_ in {"xcomp", "conj"} or purpose or participle:
            token = token.head
            if token.dep_ in {"obj", "obl"} and token.pos_ == "NOUN" and purpose:
                token = token.head  # "a trip to travel": the trip's verb
            seen += 1
            continue
        return None
    return None


ADDRESSEE_PREPS = {"to", "on", "upon", "for"}  # "called for the junta to halt attacks"


def addressee(verb: Token, party) -> Role | None:
    """'urged the rebels to stop fighting', 'appealed to both armies to cease fire', 'called for the junta
    to halt attacks': whom a call to stop is made to is the proposal's target. The call's verb is found the
    way its subject is (up through infinitives and conjuncts); the addressee is its object or the party
    after 'to'/'on', or the subject of a 'for X to' clause on the way."""
    token, hops = verb, 0
    while token.head != token and hops < 4:
        if token.dep_ in {"conj"}:
            token = token.head
            hops += 1
            continue
        for c in token.children:  # "called for the junta to halt": the clause's own subject
            if c.dep_ in SUBJECT_DEPS and any(m.dep_ == "mark" and m.lower_ == "for" for m in token.children):
                return party(c)
        if token.dep_ not in {"xcomp", "advcl", "acl", "ccomp"} or not any(
                m.dep_ == "mark" and m.lower_ == "to" for m in token.children):
            break
        token = token.head
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ in {"obj", "obl", "conj"}:
            if _asks(token) and (found := party(token)) is not None:
                return found  # "appealed to the army to cease fire", parsed with the call hanging on its addressee
            token = token.head  # "urged X to keep its pledge to stop fighting": the pledge's verb
        hops += 1
        if not in_list(token, "appeal_verbs"):
            continue
        found = party(child_by_dep(token, OBJECT_DEPS))
        if found is None:
            found = next((r for c in token.children if c.dep_ == "obl" and case_marker(c) in ADDRESSEE_PREPS
                          and (r := party(c)) is not None), None)
        if found is not None:
            return found
    return None


def _asks(noun: Token) -> bool:
    """Is this noun the one an appeal verb is addressed to ('urged the army', 'appealed to both sides')?"""
    while noun.dep_ == "conj" and noun.head != noun:
        noun = noun.head
    return noun.dep_ in {"obj", "obl"} and in_list(noun.head, "appeal_verbs")
