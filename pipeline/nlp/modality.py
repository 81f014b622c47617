"""Is the event asserted, claimed, denied, proposed or hypothetical, and who said so?"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.nlp.patterns import EventType
from pipeline.nlp.roles import first_actor_after
from pipeline.nlp.sentence import PERSON_LABELS, Role, SentenceView, in_quote

PRONOUNS = {"he", "she", "they", "it"}
MIN_QUOTE_TOKENS = 4  # shorter quotes are scare quotes ('"surrender"'), not reported speech
NEGATION_WINDOW = 3  # "did not attack", "no talks"
MODAL_WINDOW = 4  # "could launch an offensive"


def resolve_pronoun(s: SentenceView, token: int, sentences: list[SentenceView], index: int) -> Role | None:
    """'he' -> the first person named in the sentence, else the last person of the previous sentences."""
    for role in s.actors:
        if role.label in PERSON_LABELS and role.end <= token:
            return role
    for back in range(index - 1, max(-1, index - 4), -1):
        people = [r for r in sentences[back].actors if r.label in PERSON_LABELS]
        if people:
            return people[-1]
    return None


def speaker(doc: Doc, s: SentenceView, cue: Span, sentences: list[SentenceView], index: int) -> Role | None:
    """Who said it: the actor or pronoun next to a reporting verb; pronouns resolve to a person named before."""
    if cue.text.lower() == "according":
        return first_actor_after(s, cue.end, limit=cue.end + 4)
    prev = cue.start - 1
    if prev >= s.span.start and doc[prev].lower_ in PRONOUNS:
        return resolve_pronoun(s, prev, sentences, index)
    for role in reversed(s.actors):
        if role.end <= cue.start and cue.start - role.end <= 1 and not in_quote(role.start, role.end, s.quotes):
            return role
    return first_actor_after(s, cue.end, limit=cue.end + 3)


def attribution(doc: Doc, s: SentenceView, trig: Span, sentences: list[SentenceView], index: int) -> Role | None:
    """The speaker when the trigger is in a quotation or follows a reporting verb."""
    reports = [c for c in s.cues_of("REPORT") if not in_quote(c.start, c.end, s.quotes)]
    if not reports and is_quoted(s, trig) and index + 1 < len(sentences):
        # '"... lay down their arms," / Putin said.': the speech tag was split off as the next sentence.
        nxt = sentences[index + 1]
        tags = [c for c in nxt.cues_of("REPORT") if c.start - nxt.span.start <= 4]
        if tags:
            return speaker(doc, nxt, tags[0], sentences, index + 1)
    if not reports:
        return None
    if is_quoted(s, trig):
        return speaker(doc, s, reports[0], sentences, index)
    before = [c for c in reports if c.end <= trig.start]
    return speaker(doc, s, before[-1], sentences, index) if before else None


def is_quoted(s: SentenceView, trig: Span) -> bool:
    return in_quote(trig.start, trig.end, s.quotes, MIN_QUOTE_TOKENS)


def modality(s: SentenceView, trig: Span, anchor: Span, spec: EventType, attributed: bool, has_parties: bool) -> str:
    before = [c for c in s.cues if c.end <= trig.start]
    if any(c.label_ == "DENIAL" for c in before):
        return "denied"
    if any(c.label_ == "NEGATION" and trig.start - c.end <= NEGATION_WINDOW for c in before):
        return "denied"
    if any(c.label_ == "CONDITIONAL" for c in before):
        return "hypothetical"
    if spec.default_modality != "proposed" and any(
        c.label_ == "MODAL" and 0 <= anchor.start - c.end <= MODAL_WINDOW for c in s.cues
    ):
        return "hypothetical"
    if spec.default_modality != "asserted":
        return spec.default_modality
    if spec.name == "TALKS" and not has_parties:
        return "hypothetical"  # "peace talks" with nobody named: talk about talks, not a meeting
    if attributed:
        return "claimed"
    return "asserted"
