"""What an article is about: armed conflict, or sport, trade, the climate, business ...

News uses war words for everything ("stormed into the penalty box", "a scathing
attack on the budget", a tariff "truce" and "talks in Geneva"). Before reading
events, extraction asks whether the article, and the sentence, is about armed
conflict at all. The cues are data (``data/context.csv``, marked by a span
ruler); armed actors the article names count as conflict cues too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline.nlp.build import CONTEXT_KEY
from pipeline.nlp.patterns import armed_actor
from pipeline.nlp.sentence import SentenceView

CONFLICT = "CONFLICT"
# An article is about armed conflict when it names at least this many distinct conflict cues
# (words or armed actors), and not fewer than the cues of any other single domain. It is about
# something else when another domain has at least OTHER_DOMAIN_CUES and more cues than conflict.
# A short text with few cues of any kind is given the benefit of the doubt.
MIN_CONFLICT_CUES = 3
OTHER_DOMAIN_CUES = 2


@dataclass(frozen=True)
class ArticleContext:
    conflict: int  # distinct conflict cue words and armed actors
    other: dict[str, int]  # domain -> distinct cue words

    @property
    def about_conflict(self) -> bool:
        strongest_other = max(self.other.values(), default=0)
        if self.conflict >= MIN_CONFLICT_CUES:
            return self.conflict >= strongest_other
        return strongest_other < OTHER_DOMAIN_CUES


def _cues(doc: Doc) -> list[Span]:
    return list(doc.spans[CONTEXT_KEY]) if CONTEXT_KEY in doc.spans else []


def article_context(doc: Doc, sentences: list[SentenceView]) -> ArticleContext:
    words: dict[str, set[str]] = {}
    for cue in _cues(doc):
        words.setdefault(cue.label_, set()).add(cue.text.lower())
    armed = {r.id for s in sentences for r in s.actors if armed_actor(r.id)}
    conflict = len(words.pop(CONFLICT, set())) + len(armed)
    return ArticleContext(conflict, {domain: len(found) for domain, found in words.items()})


def sentence_domains(doc: Doc, s: SentenceView, trigger: Span | None = None) -> Counter:
    """Domain -> cue count in one sentence (armed actors count as conflict). A cue inside the
    trigger does not count ("ceasefire" must not vouch for itself); one that holds the trigger and
    more ("trade talks") counts twice: it says what the trigger is about."""
    counts: Counter = Counter()
    for cue in _cues(doc):
        if cue.start >= s.span.start and cue.end <= s.span.end:
            if trigger is not None and trigger.start <= cue.start and cue.end <= trigger.end:
                continue
            holds = trigger is not None and cue.start <= trigger.start and trigger.end <= cue.end
            counts[cue.label_] += 2 if holds else 1
    counts[CONFLICT] += sum(1 for r in s.actors if armed_actor(r.id))
    return counts


OFF_TOPIC_CUES = 2  # one stray word ("imports", "season") does not make a sentence about trade or sport


def off_topic(counts: Counter) -> bool:
    """A sentence about something else: no cue of armed conflict, and two of one other domain."""
    return counts[CONFLICT] == 0 and any(n >= OFF_TOPIC_CUES for d, n in counts.items() if d != CONFLICT)
