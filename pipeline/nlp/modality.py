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


def _near(c: Span, trig: Span, window: int) -> bool:
    return 0 <= trig.start - c.end <= window or 0 <= c.start - trig.end <= window


def _distance(c: Span, trig: Span) -> int:
    return min(abs(trig.start - c.end), abs(c.start - trig.end))


def _hedged(s: SentenceView, cue: Span) -> bool:
    """'would sign', 'hoped they would sign', 'ready to accept': an agreement still to come."""
    return any(m.end <= cue.start and cue.start - m.end <= 2 for m in s.cues_of("MODAL"))


def _ceasefire_in_being(s: SentenceView, trig: Span) -> bool:
    """'agreed to a truce', 'the cease-fire was declared', 'the truce took effect': a truce that exists.

    An act of agreeing that is still to come ('would sign') is a proposal; so is a plan's truce that
    would begin one day. Putting a truce in force ('will take effect on Sunday') presumes it was agreed."""
    acts = [c for c in s.cues if c.label_ in ("AGREED", "ACCEPT") and _near(c, trig, AGREED_WINDOW)]
    if any(not _hedged(s, c) for c in acts):
        return True
    if _term_of_agreed_plan(s, trig):
        return True
    if any(_near(c, trig, 3) for c in s.cues_of("PROPOSAL")):
        return False  # "talks on a proposed 30-day ceasefire": the ceasefire is still a proposal
    head = trig.root.head  # "a 72-hour ceasefire between ... began", "the truce they signed"
    if head != trig.root and any(c.root == head and c.label_ in ("AGREED", "ACCEPT", "IN_FORCE")
                                 and not _hedged(s, c) for c in s.cues):
        return True
    if _pledge(s, trig):
        return True
    if acts:
        return False
    proposals = [c for c in s.cues_of("PROPOSAL") if c.end <= trig.start or _near(c, trig, 1)]
    in_force = [c for c in s.cues if c.label_ in ("IN_FORCE", "VIOLATION")
                and (_predicate_of_truce(s, trig, c) if c.start >= trig.end else _near(c, trig, AGREED_WINDOW))]
    return bool(in_force) and not proposals


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
    if _near(cue, trig, AGREED_WINDOW):
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
    if clause.dep_ == "advcl:relcl":
        return clause.head if clause.head in acts else None
    noun = clause.head
    return noun.head if noun.head in acts and noun.head != noun else None


def _term_of_agreed_plan(s: SentenceView, trig: Span) -> bool:
    """'the envoy brokered a plan that called for both sides to stop fighting', 'the sides signed a deal
    calling for a truce': a truce that is a term of a brokered or signed plan is agreed, though the plan
    'calls for' it; a plan that is only proposed keeps it a proposal."""
    return s.span.doc.has_annotation("DEP") and plan_act(s, trig) is not None


def _described_as_agreed(s: SentenceView, trig: Span) -> bool:
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
    return not any(_calls_for(c) for c in s.cues if c.end <= trig.start)


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
    if any(c.label_ == "CONDITIONAL" for c in before) and not in_phrase:
        return "hypothetical"  # "... if negotiators do not meet a demand at the talks in Cairo": the talks are on
    if any(c.label_ == "MODAL_ADJ" and (near(c, 2) or _near(c, trig, 3)) for c in s.cues):
        return "hypothetical"  # "a possible future ceasefire", "airstrikes remain an option"
    uncertain = any(c.label_ == "UNCERTAIN" and near(c, 8) for c in before)
    if spec.default_modality == "proposed":
        if _ceasefire_in_being(s, trig):  # an agreed or declared truce is a fact, a proposal is not
            vouched = official or _described_as_agreed(s, trig)
            return "claimed" if (attributed and not vouched) or uncertain else "asserted"
        return "proposed"
    if spec.symmetric:
        # Planned, scheduled or called-for talks are proposed: "will meet", "called for talks",
        # "travelled to Cairo to meet", "further talks", "is due to meet".
        if modal_near or (not _setting(trig) and (any(_calls_for(c) and near(c, 6) for c in before)
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
    if attributed and not spec.requires_cue and not spec.symmetric:
        return "claimed"  # a demand is a speech act: reporting it asserts it
    return "asserted"


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


def _calls_for(cue: Span) -> bool:
    return cue.label_ == "PROPOSAL" or (cue.label_ == "DEMAND" and cue.root.lemma_.lower() in word_list("call_verbs"))


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
