"""Does a truce exist or is it still asked for? Agreed, declared, brokered or in force, it is a fact;
called for, offered or planned, a proposal. Read by ``pipeline.nlp.modality``."""

from __future__ import annotations

from spacy.tokens import Span, Token

from pipeline.nlp.clause_subjects import plan_verb
from pipeline.nlp.senses import word_list
from pipeline.nlp.sentence import SentenceView


def near(c: Span, trig: Span, window: int) -> bool:
    """Is the cue within `window` tokens before or after the trigger?"""
    return 0 <= trig.start - c.end <= window or 0 <= c.start - trig.end <= window


def _hedged(s: SentenceView, cue: Span) -> bool:
    """'would sign', 'hoped they would sign', 'ready to accept', 'unless the rebels accept': an agreement
    still to come."""
    return any(m.end <= cue.start and cue.start - m.end <= 2 for m in s.cues_of("MODAL")) \
        or any(m.end <= cue.start and cue.start - m.end <= 4 for m in s.cues_of("CONDITIONAL"))


def ceasefire_in_being(s: SentenceView, trig: Span) -> bool:
    """'agreed to a truce', 'the cease-fire was declared', 'the truce took effect': a truce that exists.

    An act of agreeing that is still to come ('would sign') is a proposal; so is a plan's truce that
    would begin one day. Putting a truce in force ('will take effect on Sunday') presumes it was agreed."""
    acts = [c for c in s.cues if c.label_ in ("AGREED", "ACCEPT") and near(c, trig, AGREED_WINDOW)]
    if any(not _hedged(s, c) for c in acts):
        return True
    if _term_of_agreed_plan(s, trig):
        return True
    if any(near(c, trig, 3) for c in s.cues_of("PROPOSAL")):
        return False  # "talks on a proposed 30-day ceasefire": the ceasefire is still a proposal
    head = trig.root.head  # "a 72-hour ceasefire between ... began", "the truce they signed"
    if head != trig.root and any(c.root == head and c.label_ in ("AGREED", "ACCEPT", "IN_FORCE")
                                 and (c.label_ != "IN_FORCE" or _verbal(c)) and not _hedged(s, c) for c in s.cues):
        return True
    if _pledge(s, trig):
        return True
    if acts:
        return False
    proposals = [c for c in s.cues_of("PROPOSAL") if c.end <= trig.start or near(c, trig, 1)]
    in_force = [c for c in s.cues if (c.label_ == "VIOLATION" or (c.label_ == "IN_FORCE" and _verbal(c)))
                and (_predicate_of_truce(s, trig, c) if c.start >= trig.end else near(c, trig, AGREED_WINDOW))]
    return bool(in_force) and not proposals


def _verbal(cue: Span) -> bool:
    """'the truce will end on Friday', 'must be respected', 'in effect': a verb, participle or phrase putting a
    truce in force; a noun ('an end to the shelling and a truce') puts nothing in force."""
    doc = cue.doc
    after_modal = cue.start >= 2 and doc[cue.start - 1].lower_ == "to" and doc[cue.start - 2].lower_ in VERB_GROUP
    return cue.root.pos_ not in ("NOUN", "PROPN") or cue[0].lower_ == "in" or after_modal  # 'is set to end'


FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
CLAUSE_BREAKS = {"that", "which", "who", "whom", "whose", "while", "as", "after", "before", "when", ";", ":",
                 "if", "unless", "but"}


def _predicate_of_truce(s: SentenceView, trig: Span, cue: Span) -> bool:
    """An in-force verb after the truce says it exists: within a few words ('the truce began', 'the truce,
    which took effect'), or however long the phrases that name its parties and place, as long as no
    other verb or clause comes between ('a 72-hour truce between the army and the rebels in the north
    began'; read from the words, as the parse often loses such subjects). Not the infinitive of a plan
    ('called for a truce between the two sides to begin on Monday'), nor when the truce is inside
    another noun's phrase ('talks on a truce ended': what ended is the talks)."""
    doc = s.span.doc
    if cue.start <= trig.end or cue.start - trig.end > 20:
        return False
    start = trig.end + (doc[trig.end].text == ",")
    if doc[start].lower_ in ("which", "that"):
        start += 1
    end = cue.start  # the verb group: 'will take effect', 'is due to begin', 'has been holding'
    while end > start and (doc[end - 1].dep_ in ("aux", "aux:pass", "mark", "cop") or doc[end - 1].tag_ == "MD"
                           or doc[end - 1].lower_ in VERB_GROUP):
        end -= 1
    group = doc[end:cue.start]
    if group and all(t.lower_ == "to" for t in group):
        return False
    if trig.root.pos_ in ("NOUN", "PROPN"):
        i = trig.start - 1
        while i >= s.span.start and doc[i].tag_ in NOUN_PHRASE_TAGS:
            i -= 1
        if i >= s.span.start and doc[i].tag_ == "IN":
            return False
    if near(cue, trig, AGREED_WINDOW):
        return True
    if not (cue.root.tag_.startswith("VB") or cue[0].lower_ == "in"):
        return False  # 'a truce and an end to all violations': a noun after the truce is no predicate of it
    return not any(t.tag_ in FINITE_TAGS or t.lower_ in CLAUSE_BREAKS for t in doc[start:end])


VERB_GROUP = {"to", "is", "are", "was", "were", "has", "have", "had", "been", "be", "will", "would", "due", "set",
              "expected", "scheduled", "now", "still", "finally", "officially"}
NOUN_PHRASE_TAGS = {"DT", "JJ", "JJR", "CD", "NN", "NNS", "NNP", "HYPH", "PRP$", "POS", "VBN"}


AGREED_WINDOW = 6


def plan_clause(trig: Span) -> Token | None:
    """'a plan that called for the army to stop shelling', 'a deal calling for a truce': the clause
    describing a plan, deal or accord the trigger is a term of, else None."""
    for token in trig.root.ancestors:
        if token.dep_ in ("acl", "acl:relcl") and token.head.pos_ in ("NOUN", "PROPN"):
            return token
        if token.dep_ == "advcl:relcl":  # the relative clause hung from the verb of its noun's clause
            return token
        if token.dep_ in ("ccomp", "parataxis") or token.head == token:
            return None
    return None


def plan_act(s: SentenceView, trig: Span, labels: tuple[str, ...] = ("AGREED", "ACCEPT")) -> Token | None:
    """The verb that brokered, signed or accepted the plan the trigger is a term of ('brokered a plan
    last month that called for ...': the clause may hang from the plan or from a word after it)."""
    clause = plan_clause(trig)
    if clause is None:
        return None
    acts = {c.root for c in s.cues if c.label_ in labels and not _hedged(s, c)}
    verb = plan_verb(clause)
    return verb if verb in acts else None


def _term_of_agreed_plan(s: SentenceView, trig: Span) -> bool:
    """'the envoy brokered a plan that called for both sides to stop fighting', 'the sides signed a deal
    calling for a truce': a truce that is a term of a brokered or signed plan is agreed, though the plan
    'calls for' it; a plan that is only proposed keeps it a proposal."""
    return s.span.doc.has_annotation("DEP") and plan_act(s, trig) is not None


def described_as_agreed(s: SentenceView, trig: Span) -> bool:
    """'will observe the truce the president declared on Friday', 'respect the ceasefire agreed in
    Cairo': a clause on the truce noun states it was declared or agreed, as background; what the
    speaker says is about something else (observing it), so the truce itself is not their claim."""
    acts = {c.root for c in s.cues if c.label_ in ("AGREED", "ACCEPT", "IN_FORCE") and not _hedged(s, c)}
    return any(c.dep_ in ("acl", "acl:relcl") and c in acts for c in trig.root.children)


def _pledge(s: SentenceView, trig: Span) -> bool:
    """'the government told the envoy it will stop military action on Thursday': a party declaring that
    it will stop is a declared ceasefire; being urged or called on to stop is a proposal."""
    root = trig.root
    if root.pos_ != "VERB" or not any(c.dep_ in ("nsubj",) for c in root.children):
        return False
    if not any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "would", "shall") for c in root.children):
        return False
    return not any(calls_for(c) for c in s.cues if c.end <= trig.start)


def calls_for(cue: Span) -> bool:
    """'called for', 'urged', 'proposed': a cue asking for talks or a truce."""
    return cue.label_ == "PROPOSAL" or (cue.label_ == "DEMAND" and cue.root.lemma_.lower() in word_list("call_verbs"))
