"""Is a trigger an event at all? Names, modifiers, generic and habitual uses, purposes, captured people.

A trigger word is not always an event: "Meet the Press" is a programme, "attack
drones" are weapons, "the besieged city" describes a state, "periodic attacks"
is a habit, "efforts to end the fighting" is a purpose, "captured a soldier" is
the capture of a person. Each rule reads the parse (when there is one) and the
cues the pipeline marked; the word lists are data (``data/senses.csv``).

``not_an_event`` returns the reason a trigger is not an event, or None.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from pipeline.nlp.patterns import EventType
from pipeline.rules import data_dir
from pipeline.nlp.sentence import SentenceView

DEFINITE = {"the", "this", "that", "these", "those"}
POSSESSIVE = {"its", "their", "his", "her", "our"}
NAME_LABELS = {"ORG", "PER", "PERSON", "WORK_OF_ART", "EVENT", "FAC", "PRODUCT", "LAW"}


@cache
def _lists(folder: Path) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    with (folder / "senses.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["list"], set()).add(row["word"].lower())
    return {k: frozenset(v) for k, v in out.items()}


def word_list(name: str) -> frozenset[str]:
    return _lists(data_dir()).get(name, frozenset())


OPENERS = {'"', "\u201c", "\u2018", "'", "(", "[", ":", "\u2014", "\u2013", "-", "\u2022"}


def _is_name(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """'Meet the Press', 'the Ceasefire Violations Committee': a trigger inside a name."""
    for t in trig:
        if t.ent_type_ in NAME_LABELS:
            ent = next((e for e in doc.ents if e.start <= t.i < e.end), None)
            if ent is not None and (ent.start < trig.start or ent.end > trig.end):
                return True
    first = trig[0]
    if not first.is_title or first.i <= max(s.span.start, s.body_start):
        return False
    previous = doc[first.i - 1]
    if previous.is_space or previous.text in OPENERS:
        return False  # a capital that opens a sentence, a quote or a list item
    after = trig.end
    if after < len(doc) and doc[after].lower_ in {"the", "of", "for", "on"}:
        after += 1
    return after < len(doc) and doc[after].is_title and doc[after].is_alpha


def _talks_as_participle(trig: Span) -> bool:
    """'a deal negotiated without them': a participle describing a noun, not talks held."""
    root = trig.root
    return root.tag_ == "VBN" and root.dep_ in {"acl", "amod"} and root.head.i < root.i and root.head.tag_.startswith("NN")


def _as_modifier(doc: Doc, trig: Span) -> bool:
    """'attack drones', 'truce talks', 'the besieged city': the trigger qualifies the noun right after it.

    Only a noun trigger in a compound, or a past participle used as an adjective after a determiner,
    counts: the parse often calls a verb an adjective ("attacking villages"), and those stay events."""
    root = trig.root
    head = root.head
    if head == root or head.i != trig.end or not head.tag_.startswith("NN"):
        return False
    if head.lower_ in word_list("event_heads") or head.lemma_.lower() in word_list("event_heads"):
        return False
    if root.dep_ == "compound" and root.tag_ == "NN":  # a plural "compound" is the parse's mistake
        return True
    before = doc[trig.start - 1] if trig.start > 0 else None
    return root.dep_ == "amod" and root.tag_ in ("VBN", "JJ") and before is not None and before.dep_ == "det"


def _bare_plural(trig: Span) -> bool:
    root = trig.root
    if root.tag_ not in ("NNS", "NNPS"):
        return False
    return not any(c.dep_ in {"det", "nummod", "nmod:poss", "poss"} or c.lower_ in DEFINITE | POSSESSIVE
                   for c in root.children)


def _habitual(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """'periodic attacks', 'previous offensives', 'has carried out attacks ... since 1964'."""
    if not _bare_plural(trig):
        return False
    habit = word_list("habitual")
    root = trig.root
    if any(c.lower_ in habit for c in root.children) or any(t.lower_ in habit for t in doc[max(s.span.start, trig.start - 3):trig.start]):
        return True
    if root.head != root and root.head.lower_ in word_list("generic_heads"):
        return True  # "a source of attacks"
    if any(c.dep_ == "case" and c.lower_ in ("behind", "against") for c in root.children) and \
            root.head.lower_ in ("those", "people", "anyone", "whoever"):
        return True  # "those behind recent bombings"
    # "since 1964 ... has carried out attacks": a habit over years, not one act
    return any(d.text.lower().startswith("since") and any(t.like_num and len(t.text) == 4 for t in d) for d in s.dates)


def _purpose(trig: Span) -> bool:
    """'efforts to end the fighting', 'talks aimed at ending the war': an aim, not a ceasefire."""
    root = trig.root
    if root.pos_ not in ("VERB", "AUX") and not root.tag_.startswith("VB"):
        return False
    head, hops = root, 0
    while head.dep_ in {"xcomp", "acl", "advcl", "ccomp", "obl", "nmod", "pcomp", "conj"} and head.head != head and hops < 3:
        head = head.head
        hops += 1
        if head.lower_ in word_list("purpose_heads") or head.lemma_.lower() in word_list("purpose_heads"):
            return True
    return False


def _meets_no_one(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """'meeting little resistance', 'meet a key demand': 'meet' with an object that is not a party."""
    root = trig.root
    if root.lemma_.lower() != "meet" or root.pos_ not in ("VERB",):
        return False
    obj = next((c for c in root.children if c.dep_ in {"obj", "dobj"}), None)
    if obj is None or s.actor_at(obj) is not None or obj.pos_ in ("PROPN", "PRON"):
        return False
    return not _in_list(obj, "party_nouns")


def _in_list(token: Token, name: str) -> bool:
    """The word, its lemma, or the word without its inflection, is in the list (the model's lemmatizer
    sometimes clips a verb: 'recaptured' -> 'recaptur')."""
    words = word_list(name)
    if token.lower_ in words or token.lemma_.lower() in words:
        return True
    base = token.lower_
    for suffix in ("ing", "ed", "es", "s", "d"):
        if base.endswith(suffix) and (base[: -len(suffix)] in words or base[: -len(suffix)] + "e" in words):
            return True
    return False


in_list = _in_list


def _taken(root: Token) -> Token | None:
    """What a capture verb takes: its object, its passive subject, or (in 'a soldier believed to have been
    captured', 'four others captured') the noun the verb phrase hangs from."""
    taken = next((c for c in root.children if c.dep_ in {"obj", "dobj", "nsubj:pass", "nsubjpass"}), None)
    if taken is not None:
        return taken
    head, hops = root, 0
    while head.dep_ in {"xcomp", "ccomp"} and head.head != head and hops < 3:
        head = head.head
        hops += 1
        subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubj:pass", "nsubjpass"}), None)
        if subject is not None:
            return subject
    if head.dep_ in {"acl", "amod", "acl:relcl"} and head.head != head:
        return head.head
    return None


def _captured_people_or_goods(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """'captured a U.S. soldier', 'seized weapons': capture of persons or goods, not of territory."""
    root = trig.root
    if not _in_list(root, "capture_verbs"):
        return False
    taken = _taken(root)
    return taken is not None and _in_list(taken, "people_and_goods")


def _negotiated_something_else(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """'negotiated a truce': the truce is the event the sentence reports, not talks."""
    root = trig.root
    if root.lemma_.lower() != "negotiate" and not root.lower_.startswith("negotiat"):
        return False
    obj = next((c for c in root.children if c.dep_ in {"obj", "dobj"}), None)
    return obj is not None and any(t.start <= obj.i < t.end and t.label_ != "TALKS" for t in s.triggers)


def _internal_meeting(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """'will meet with congressional leaders': a government meeting its own people is not diplomacy."""
    words = [t for t in doc[trig.start:min(trig.end + 5, s.span.end)]]
    after_with = next((k for k, t in enumerate(words) if t.lower_ == "with"), None)
    if after_with is None:
        return False
    for t in words[after_with + 1:]:
        if _in_list(t, "internal_parties"):
            return True
        if t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("compound", "amod"):
            return False  # the party named after "with" is someone else
    return False


def _rhetorical(doc: Doc, trig: Span) -> bool:
    """'a scathing attack on the budget', 'launched a verbal offensive': words, not weapons."""
    window = doc[max(0, trig.start - 2):trig.end]
    return any(_in_list(t, "rhetorical") for t in window)


def _escalating_habit(trig: Span) -> bool:
    """'stepped up their attacks', 'regularly ambush convoys': a pattern of attacks, not one event."""
    root = trig.root
    if any(_in_list(c, "habitual") for c in root.children if c.dep_ == "advmod"):
        return True
    head = root.head
    return root.tag_ in ("NNS", "NNPS") and root.dep_ in ("obj", "dobj") and _in_list(head, "escalation_verbs")


def not_an_event(doc: Doc, s: SentenceView, trig: Span, spec: EventType) -> str | None:
    """Why this trigger is not an event of its type, or None when it may be one."""
    if _is_name(doc, s, trig):
        return "name"
    if spec.name == "OFFENSIVE" and _rhetorical(doc, trig):
        return "rhetorical"
    if not doc.has_annotation("DEP"):
        return None
    if _as_modifier(doc, trig):
        return "modifier"
    if spec.name == "OFFENSIVE" and (_habitual(doc, s, trig) or _escalating_habit(trig)):
        return "habitual"
    if spec.default_modality == "proposed" and _purpose(trig):
        return "purpose"
    if spec.symmetric and _talks_as_participle(trig):
        return "modifier"
    if spec.symmetric and _meets_no_one(doc, s, trig):
        return "not a meeting"
    if spec.symmetric and _negotiated_something_else(doc, s, trig):
        return "the agreement is the event"
    if spec.symmetric and _internal_meeting(doc, s, trig):
        return "internal meeting"
    if spec.name == "OFFENSIVE" and _captured_people_or_goods(doc, s, trig):
        return "capture of people or goods"
    return None


def is_reference(doc: Doc, s: SentenceView, trig: Span, spec: EventType | None = None) -> bool:
    """'the offensive', 'this truce', 'its operation', 'in the shelling': a noun that refers back to an
    event the article has already reported, rather than reporting a new one."""
    root = trig.root
    if root.pos_ not in ("NOUN", "PROPN") and not root.tag_.startswith("NN"):
        return False
    if any(t.lower_ in word_list("earlier_ones") for t in doc[max(s.span.start, trig.start - 3):trig.start]):
        return False  # "the last talks ... collapsed in 2002", "the previous truce": another, earlier event
    before = doc[trig.start - 1].lower_ if trig.start > s.span.start else ""
    if before in DEFINITE or before in POSSESSIVE:
        return True
    if any(c.dep_ == "det" and c.lower_ in DEFINITE for c in root.children):
        return True
    # "following shelling that began early Saturday", "during the raid": circumstance of another report;
    # "seized the town in a shock incursion" reports the incursion itself; "agreed after talks in Minsk"
    # reports the talks: only attacks are the circumstance of other news.
    if spec is not None and spec.name != "OFFENSIVE":
        return False
    case = next((c.lower_ for c in root.children if c.dep_ == "case"), None)
    indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in root.children) or before in ("a", "an")
    return case in word_list("circumstance_preps") and not indefinite
