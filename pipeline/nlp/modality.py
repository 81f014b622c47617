"""Is the event asserted, claimed, denied, proposed or hypothetical, who denied or answered it, and
how talks went? Who said so is ``pipeline.nlp.attribution``."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from pipeline.nlp.attribution import subject_role
from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import word_list
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import SentenceView, distance
from pipeline.nlp.surface_roles import nearest_left_actor
from pipeline.nlp.truce_status import calls_for, ceasefire_in_being, described_as_agreed, near as _near

DEFINITE = {"the", "this", "that", "these", "those", "last", "latest", "previous", "earlier"}
NEGATION_WINDOW = 3  # "did not attack", "no talks"
MODAL_WINDOW = 4  # "could launch an offensive"


def _is_definite(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """'the talks', 'Tuesday's meeting': a reference to a meeting that took place."""
    i = trig.start - 1
    while i >= s.span.start and (doc[i].is_punct or doc[i].lower_ in {"direct", "peace", "new", "first", "face"}):
        i -= 1
    if i < s.span.start:
        return False
    return doc[i].lower_ in DEFINITE or doc[i].text in ("'s", "\u2019s")


def _light_verb(token: Token) -> bool:
    return token.lemma_.lower() in word_list("light_verbs") or token.lower_ in word_list("light_verbs")


def _governed(modal: Span) -> Token:
    """The verb a modal cue is about: the head of an auxiliary ('could launch'), the complement of a
    phrase ('plans to launch', 'was expected to hold', 'is prepared to expand')."""
    root = modal.root
    if root.dep_ in {"aux", "aux:pass"}:
        return root.head
    complement = next((c for c in root.children if c.dep_ in {"xcomp", "ccomp"}), None)
    if complement is None and root.head != root:  # "expected" as the head's passive participle
        complement = next((c for c in root.head.children if c.dep_ == "xcomp" and c.i > root.i), None)
    return complement if complement is not None else root.head


def _modal_governs(doc: Doc, modal: Span, trig: Span, anchor: Span, presupposed: bool = False) -> bool:
    """Does the modal scope over the event? 'could launch an offensive', 'will meet', 'was expected to hold
    talks', 'would not support an offensive' yes; 'insurgents who may be fleeing the offensive' no: a
    definite event ('the offensive') is presupposed to exist, whatever may happen around it."""
    if not doc.has_annotation("DEP"):
        return True
    verb = _governed(modal)
    for ref in (trig, anchor):
        root = ref.root
        if verb == root:
            return True
        if root.head == verb and root.dep_ in {"obj", "dobj", "nsubj:pass", "nsubj", "obl", "nmod", "xcomp"} and (
                _light_verb(verb) or verb.pos_ == "AUX" or not presupposed):
            return True
        if verb.dep_ == "xcomp" and verb.head == root:
            return True
    return False


def modality(doc: Doc, s: SentenceView, trig: Span, anchor: Span, spec: EventType, attributed: bool,
             has_parties: bool, official: bool = False, presupposed: bool = False) -> str:
    """The modality by the conventions in the README: asserted, claimed, denied, proposed, hypothetical.

    ``official``: the speaker is a government, army, ministry or international body: its word that a truce
    was agreed or declared asserts it (one armed group's word is a claim). Talks reported by anyone are
    asserted (they are seldom contested); an attack reported by a party is a claim. ``presupposed``: the
    trigger refers back to an event the article reported ('the offensive'), so a modal nearby is about
    something else."""
    before = [c for c in s.cues if c.end <= trig.start]
    near = lambda c, window, ref=trig: 0 <= ref.start - c.end <= window
    modal_near = [c for c in s.cues_of("MODAL") if near(c, MODAL_WINDOW + 2, anchor)
                  and _modal_governs(doc, c, trig, anchor, presupposed)]
    if any(c.label_ == "DENIAL" for c in before):
        return "denied"
    rejections = [c for c in before if c.label_ == "REJECTION"]
    if rejections and (spec.default_modality != "proposed" or _rejects_a_report(doc, s, rejections[-1])):
        return "denied"  # "ruled out talks", "rejected reports that Goma had fallen"
    negations = [c for c in before if c.label_ == "NEGATION" and near(c, NEGATION_WINDOW)]
    if negations:
        # "would not join the talks" is about the future, not a denial.
        hedged = any(m.end == negations[-1].start for m in s.cues_of("MODAL"))
        return "hypothetical" if hedged else "denied"
    in_phrase = trig.root.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "case" for c in trig.root.children)
    # "unless Hamas accepts Israel's proposal to extend it": the owned proposal exists; the condition is on its answer
    owned = trig.root.pos_ in ("NOUN", "PROPN") and any(c.dep_ in ("nmod:poss", "poss") for c in trig.root.children)
    if any(c.label_ == "CONDITIONAL" for c in before) and not in_phrase and not owned:
        return "hypothetical"  # "... if negotiators do not meet a demand at the talks in Cairo": the talks are on
    if any(c.label_ == "MODAL_ADJ" and (near(c, 2) or _near(c, trig, 3)) for c in s.cues):
        return "hypothetical"  # "a possible future ceasefire", "airstrikes remain an option"
    uncertain = any(c.label_ == "UNCERTAIN" and near(c, 8) for c in before)
    if spec.default_modality == "proposed":
        if ceasefire_in_being(s, trig):  # an agreed or declared truce is a fact, a proposal is not
            vouched = official or described_as_agreed(s, trig)
            return "claimed" if (attributed and not vouched) or uncertain else "asserted"
        return "proposed"
    if spec.symmetric:
        # Planned, scheduled or called-for talks are proposed: "will meet", "called for talks",
        # "travelled to Cairo to meet", "further talks", "is due to meet".
        if modal_near or (not _setting(trig) and (any(calls_for(c) and near(c, 6) for c in before)
                                                 or _ahead(doc, s, trig))):
            return "proposed"
        if not has_parties and not _is_definite(doc, s, trig):
            return "hypothetical"  # "peace talks for the war": talk about talks, not a meeting
    elif modal_near:
        return "hypothetical"
    if uncertain:
        return "claimed"  # "whether a deal has been reached", "reportedly"
    if spec.default_modality != "asserted":
        return spec.default_modality
    if attributed and not spec.requires_cue and not spec.symmetric and not _judged(s, trig, presupposed):
        return "claimed"  # a demand is a speech act: reporting it asserts it
    return "asserted"


def _judged(s: SentenceView, trig: Span, presupposed: bool) -> bool:
    """'the minister said the capture of the ridge was a turning point': the speaker judges an event the
    sentence takes as given (a definite reference, the subject of 'is a ...'); what they claim is the
    judgement, not that the event took place. Not when the judgement names an event itself ('the
    offensive is the largest operation'): that says what the event is, one mention of it."""
    root = trig.root
    if not (presupposed and root.dep_ == "nsubj" and any(c.dep_ == "cop" for c in root.head.children)):
        return False
    return not any(t.start <= root.head.i < t.end for t in s.triggers)


def _ahead(doc: Doc, s: SentenceView, trig: Span) -> bool:
    """Talks still to come: a future word before them in the sentence, or 'to meet' of purpose."""
    future = word_list("future_cues") | {"further", "would", "upcoming", "coming", "planned"}
    if any(t.lower_ in future for t in doc[s.span.start:trig.start]):
        return True
    root = trig.root
    return root.pos_ == "VERB" and any(c.dep_ == "mark" and c.lower_ == "to" for c in root.children)


def _setting(trig: Span) -> bool:
    """'pressed its demand at the talks in Cairo', 'during talks with the envoy': talks named as where
    something else happens are under way. A call or a future word near them is about that other act;
    only a modal governing the talks themselves puts them ahead."""
    root = trig.root
    return root.pos_ in ("NOUN", "PROPN") and any(
        c.dep_ == "case" and c.lower_ in word_list("setting_preps") for c in root.children)


def _rejects_a_report(doc: Doc, s: SentenceView, cue: Span) -> bool:
    """'rejected reports that it had agreed to a ceasefire': the rejection denies a claim, not a proposal."""
    following = [t.lower_ for t in doc[cue.end:min(cue.end + 3, s.span.end)]]
    return any(w in CLAIM_NOUNS - {"it", "this", "that"} for w in following)


CLAIM_NOUNS = {"claim", "claims", "report", "reports", "allegation", "allegations", "accusation", "accusations",
               "assertion", "assertions", "account", "statement", "it", "this", "that"}


def denial_of_claims(doc: Doc, s: SentenceView, sentences: list[SentenceView], index: int) -> Role | None:
    """'X denied the claims' with no event of its own: who denied, else None."""
    for cue in s.cues:
        if cue.label_ not in ("DENIAL", "REJECTION") or cue.end >= s.span.end:
            continue
        following = [t.lower_ for t in doc[cue.end:min(cue.end + 3, s.span.end)]]
        if any(w in CLAIM_NOUNS for w in following):
            start = s.span.start
            while start < cue.start and (doc[start].is_space or doc[start].is_punct):
                start += 1
            inside = [r for r in s.actors if start <= r.start and r.end <= cue.start]
            if 0 < cue.start - start <= 6:  # "Ukraine's military leadership denied the claims"
                return Role(doc[start:cue.start].text, inside[0].id if inside else None, start, cue.start, "NP")
            if doc.has_annotation("DEP") and (who := subject_role(s, cue.root)) is not None:
                return who
            return inside[-1] if inside else None
    return None


RESPONSE_OF = {"ACCEPT": "accepted", "REJECTION": "rejected", "VIOLATION": "violated"}
RESPONSE_WINDOW = 8


def response(doc: Doc, s: SentenceView, trig: Span) -> tuple[str | None, Role | None]:
    """How a party answered a proposal: 'Hamas accepted the truce', 'the ceasefire collapsed'."""
    near = [c for c in s.cues if c.label_ in RESPONSE_OF and distance(c, trig.start, trig.end) <= RESPONSE_WINDOW]
    if not near:
        return None, None
    # "collapsed" both rejects and breaks: a truce that collapses was violated.
    cue = min(near, key=lambda c: (distance(c, trig.start, trig.end), c.start, c.label_ != "VIOLATION"))
    who = subject_role(s, cue.root) if doc.has_annotation("DEP") else None
    if who is None and cue.start > trig.end - 1 and cue.label_ == "VIOLATION":
        who = None  # "the truce collapsed": nobody answered, it broke
    elif who is None:
        who = nearest_left_actor(doc, s, cue.start)
    return RESPONSE_OF[cue.label_], who


def outcome(s: SentenceView) -> str | None:
    """Words the sentence uses about how talks went: 'productive', 'no breakthrough', 'stalled'."""
    words = []
    for c in s.cues_of("OUTCOME"):
        text = c.text.lower()
        if not any(text in w for w in words):
            words = [w for w in words if w not in text] + [text]
    return ", ".join(words) or None
