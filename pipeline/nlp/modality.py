"""Is the event asserted, claimed, denied, proposed or hypothetical, and who said so?"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from pipeline.nlp import references
from pipeline.nlp.participants import noun_phrase
from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import word_list
from pipeline.nlp.sentence import PERSON_LABELS, Role, SentenceView, distance, in_quote
from pipeline.nlp.surface_roles import first_actor_after, nearest_left_actor
from pipeline.rules import listed_words

PRONOUNS = {"he", "she", "they", "it"}
DEFINITE = {"the", "this", "that", "these", "those", "last", "latest", "previous", "earlier"}
MIN_QUOTE_TOKENS = 4  # shorter quotes are scare quotes ('"surrender"'), not reported speech
NEGATION_WINDOW = 3  # "did not attack", "no talks"
MODAL_WINDOW = 4  # "could launch an offensive"
TAG_WINDOW = 8  # a speech tag at the end of a sentence: "..., the military said."


def _subject_role(s: SentenceView, verb: Token) -> Role | None:
    """The speaker a reporting verb's subject names: an actor, one inside it ("the army's spokesman" ->
    the army), but never a place ("rebels in the Central African Republic" are the rebels)."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubj:pass"):
            if (role := s.actor_at(child)) is not None and not references.is_place(role):
                return role
            if child.lower_ in OFFICIAL_HEADS and child.pos_ == "NOUN":  # "the government of Velmar said"
                inner = next((r for g in child.subtree if (r := s.actor_at(g)) is not None), None)
                np = noun_phrase(s.span.doc, child)
                end = max(np.end, inner.end if inner else np.end)
                return Role(s.span.doc[np.start:end].text, inner.id if inner else None, np.start, end, "NP")
            for grandchild in child.subtree:
                if (role := s.actor_at(grandchild)) is not None and not references.is_place(role) \
                        and not _in_place_phrase(s, role):
                    if role.label == "NORP" and child.pos_ == "NOUN":  # "the Ukrainian air force"
                        np = noun_phrase(s.span.doc, child)
                        return Role(np.text, role.id, np.start, np.end, "NP")
                    return role
            if child.pos_ in ("NOUN", "PROPN"):
                return noun_phrase(s.span.doc, child)
    return None


PLACE_CASES = set(listed_words("place_cases"))


def _in_place_phrase(s: SentenceView, role: Role) -> bool:
    """'separatists in eastern Ukraine said': a state named where the speakers are is not the speaker."""
    doc = s.span.doc
    root = doc[role.start:role.end].root
    return any(c.dep_ == "case" and c.lower_ in PLACE_CASES for c in root.children)


def speaker(doc: Doc, s: SentenceView, cue: Span, sentences: list[SentenceView], index: int) -> Role | None:
    """Who said it: the subject of the reporting verb, or the actor or pronoun next to it."""
    if cue.text.lower() == "according":
        return first_actor_after(s, cue.end, limit=cue.end + 6)
    if doc.has_annotation("DEP") and (role := _subject_role(s, cue.root)) is not None:
        return role
    prev = cue.start - 1
    if prev >= s.span.start and doc[prev].lower_ in PRONOUNS:
        return references.resolve_pronoun(sentences, index, doc[prev])
    for role in reversed(s.actors):
        if role.end <= cue.start and cue.start - role.end <= 1 and not in_quote(role.start, role.end, s.quotes):
            return role
    return first_actor_after(s, cue.end, limit=cue.end + 3) or _tag_phrase(doc, s, cue)


def _tag_phrase(doc: Doc, s: SentenceView, cue: Span) -> Role | None:
    """', the regional governor said.': an unnamed speaker, kept as written."""
    i = cue.start - 1
    while i > s.span.start and doc[i].is_alpha and doc[i].lower_ not in PRONOUNS and cue.start - i <= 5:
        i -= 1
    start = i + 1 if not doc[i].is_alpha or doc[i].lower_ in PRONOUNS else i
    if start >= cue.start or not any(t.is_alpha and not t.is_stop for t in doc[start:cue.start]):
        return None
    return Role(doc[start:cue.start].text, None, start, cue.start, "NP")


def _reports(s: SentenceView) -> list[Span]:
    return [c for c in s.cues_of("REPORT") if not in_quote(c.start, c.end, s.quotes)]


SUBJECT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "csubj", "expl"}
OFFICIAL_HEADS = {"government", "ministry", "army", "military", "president", "office", "presidency", "cabinet",
                  "command", "mission", "authorities", "spokesman", "spokeswoman", "spokesperson", "junta"}
CASUALTY_WORDS = {"killing", "killed", "kills", "wounding", "wounded", "injuring", "injured", "leaving", "left",
                  "dead", "death", "deaths", "toll", "casualties", "died"}


def _reporting_verb_over(doc: Doc, s: SentenceView, trig: Span) -> Span | None:
    """A reporting verb whose complement holds the trigger ('X said Russian forces attacked ...'), not
    its subject ('Residents who remember the offensive say ...' does not report the offensive)."""
    if not doc.has_annotation("DEP"):
        return None
    path = [trig.root, *trig.root.ancestors]
    for cue in _reports(s):
        if cue.root in path:
            below = path[path.index(cue.root) - 1] if path.index(cue.root) > 0 else None
            # "strikes were reported": the passive subject is what was reported
            if below is None or below.dep_ not in SUBJECT_DEPS or below.dep_ in ("nsubj:pass", "nsubjpass"):
                return cue
    return None


def _about_the_toll(doc: Doc, trig: Span, cue: Span) -> bool:
    """'... struck targets, killing 400 people, according to the health ministry': the source vouches
    for the toll, not for the strike."""
    return cue.start > trig.end and any(t.lower_ in CASUALTY_WORDS for t in doc[trig.end:cue.start])


def attribution(doc: Doc, s: SentenceView, trig: Span, sentences: list[SentenceView], index: int) -> Role | None:
    """The speaker when the trigger is quoted, reported by a verb, or tagged with 'according to'."""
    reports = _reports(s)
    if not reports and is_quoted(s, trig) and index + 1 < len(sentences):
        # '"... lay down their arms," / Putin said.': the speech tag was split off as the next sentence.
        nxt = sentences[index + 1]
        tags = [c for c in _reports(nxt) if c.start - nxt.span.start <= 4]
        if tags:
            return speaker(doc, nxt, tags[0], sentences, index + 1)
    if not reports:
        return None
    according = [c for c in reports if c.text.lower() == "according" and not _about_the_toll(doc, trig, c)]
    if according:
        return speaker(doc, s, according[0], sentences, index)
    reports = [c for c in reports if c.text.lower() != "according"]
    if not reports:
        return None
    if is_quoted(s, trig):
        return speaker(doc, s, reports[0], sentences, index)
    if (governing := _reporting_verb_over(doc, s, trig)) is not None:
        return speaker(doc, s, governing, sentences, index)
    if doc.has_annotation("DEP") and any(c.root in [trig.root, *trig.root.ancestors] for c in reports):
        return None  # the trigger is inside the speaker's own description, not in what was said
    before = [c for c in reports if c.end <= trig.start]
    if before:
        return speaker(doc, s, before[-1], sentences, index)
    # "..., the military said." A tag closing the sentence reports everything before it.
    after = [c for c in reports if c.start > trig.end and s.span.end - c.end <= TAG_WINDOW
             and any(doc[i].text == "," for i in range(trig.end, c.start))
             and not any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in doc[c.end:s.span.end])]
    return speaker(doc, s, after[-1], sentences, index) if after else None


def is_quoted(s: SentenceView, trig: Span) -> bool:
    return in_quote(trig.start, trig.end, s.quotes, MIN_QUOTE_TOKENS)


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
    in_force = [c for c in s.cues if c.label_ in ("IN_FORCE", "VIOLATION") and _near(c, trig, AGREED_WINDOW)]
    return bool(in_force) and not proposals


AGREED_WINDOW = 6


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
            return "claimed" if (attributed and not official) or uncertain else "asserted"
        return "proposed"
    if spec.symmetric:
        # Planned, scheduled or called-for talks are proposed: "will meet", "called for talks",
        # "travelled to Cairo to meet", "further talks", "is due to meet".
        if modal_near or any(_calls_for(c) and near(c, 6) for c in before) or _ahead(doc, s, trig):
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
            if doc.has_annotation("DEP") and (who := _subject_role(s, cue.root)) is not None:
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
    who = _subject_role(s, cue.root) if doc.has_annotation("DEP") else None
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
