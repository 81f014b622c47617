"""Who said so: the speaker an event is attributed to, by a reporting verb, a speech tag or a quote."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from pipeline.nlp import references
from pipeline.nlp.participants import noun_phrase
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import SentenceView, in_quote
from pipeline.nlp.surface_roles import first_actor_after
from pipeline.rules import listed_words

PRONOUNS = {"he", "she", "they", "it"}
MIN_QUOTE_TOKENS = 4  # shorter quotes are scare quotes ('"surrender"'), not reported speech
TAG_WINDOW = 8  # a speech tag at the end of a sentence: "..., the military said."


def subject_role(s: SentenceView, verb: Token) -> Role | None:
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
    if doc.has_annotation("DEP") and (role := subject_role(s, cue.root)) is not None:
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
