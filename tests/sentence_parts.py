"""A short text of our own, parsed by the shipped pipeline and taken apart as extraction sees it.

The per-module tests (test_roles, test_modality, test_location) call a module's functions on these
parts directly, as pipeline.nlp.extract does, instead of running the whole extraction.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline.nlp.patterns import EventType, load_event_types
from pipeline.nlp.sentence import SentenceView, sentence_views


@dataclass(frozen=True)
class Parts:
    doc: Doc
    sentences: list[SentenceView]
    index: int  # the sentence holding the trigger
    trig: Span
    spec: EventType

    @property
    def s(self) -> SentenceView:
        return self.sentences[self.index]

    def demand(self) -> Span | None:
        """The DEMAND cue before the trigger, as extraction anchors a surrender demand on it."""
        demands = [c for c in self.s.cues if c.label_ == "DEMAND" and c.end <= self.trig.start]
        return demands[-1] if self.spec.requires_cue == "DEMAND" and demands else None


def parts(nlp, text: str, trigger: str) -> Parts:
    """The parts around the first event trigger written ``trigger`` in ``text``."""
    doc = nlp(text)
    sentences = sentence_views(doc, text)
    for index, s in enumerate(sentences):
        for trig in s.triggers:
            if trig.text == trigger:
                return Parts(doc, sentences, index, trig, load_event_types()[trig.label_])
    raise AssertionError(f"no trigger {trigger!r}; found {[t.text for s in sentences for t in s.triggers]}")
