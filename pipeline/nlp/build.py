"""Build the spaCy pipeline that extraction runs on.

The trained English model shipped in ``model/en_frontline`` is used when it is
present (tagger, parser, NER); otherwise a blank English pipeline with a
sentencizer. Either way the curated entity ruler runs before statistical NER,
so curated actor and place names win, and the span rulers mark event
triggers, modality cues, date expressions and the words that say what an
article is about (armed conflict, sport, the economy ...).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from pipeline.nlp import patterns
from pipeline.rules import data_dir

MODEL_DIR = Path(__file__).parent / "model" / "en_frontline"
RULES_VERSION = "0.2"

TRIGGERS_KEY = "frontline_triggers"
CUES_KEY = "frontline_cues"
DATES_KEY = "frontline_dates"
CONTEXT_KEY = "frontline_context"


@Language.component("frontline_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """Sentence starts the words fix before the parser runs (see ``sentence_start``)."""
    for token in doc[:-1]:
        start = sentence_start(token, doc[token.i + 1])
        if start is not None:
            doc[token.i + 1].is_sent_start = start
    return doc


def sentence_start(before: Token, token: Token) -> bool | None:
    """A line break always ends a sentence: headlines and captions carry no final period. Inside a line,
    a sentence starts only after a word that can end one: the parser otherwise splits a paragraph after
    its first word now and then ('Negotiators | began peace talks on Wednesday'). None: the parser decides."""
    if before.is_space and "\n" in before.text:
        return True
    if not token.is_space and not before.text.endswith(SENTENCE_ENDS):
        return False
    return None


FINAL_PUNCTUATION = (".", "!", "?", "...", "\u2026")  # what ends a sentence
SENTENCE_ENDS = FINAL_PUNCTUATION + ('"', "\u201d", "'", "\u2019", ")", ":")  # and what may close one


def _span_ruler(nlp: Language, name: str, key: str, rules: list[dict], *, overlapping: bool = False) -> None:
    """Triggers and dates keep the longest match; cues keep every match, since one word
    can carry two cues ("told" reports and demands). Phrase patterns match on lower case."""
    config = {"spans_key": key, "validate": True, "phrase_matcher_attr": "LOWER"}
    if not overlapping:
        config["spans_filter"] = {"@misc": "spacy.first_longest_spans_filter.v1"}
    ruler = nlp.add_pipe("span_ruler", name=name, config=config)
    with nlp.select_pipes(enable=[name]):  # phrase patterns only need the tokenizer
        ruler.add_patterns(rules)


def model_path() -> Path | None:
    """The trained model directory, unless FRONTLINE_MODEL says otherwise ('blank' for none)."""
    override = os.environ.get("FRONTLINE_MODEL")
    if override:
        return None if override == "blank" else Path(override)
    return MODEL_DIR if (MODEL_DIR / "meta.json").exists() else None


def load_nlp(model: Path | None = None, use_model: bool = True) -> Language:
    """The extraction pipeline; cached per process (and rules folder) because loading costs seconds."""
    path = model if model is not None else (model_path() if use_model else None)
    return _build(path, data_dir())


@cache
def _build(path: Path | None, rules: Path) -> Language:
    if path is not None:
        nlp = spacy.load(path)
        first = nlp.pipe_names[0] if nlp.pipe_names else None
        nlp.add_pipe("frontline_paragraphs", before=first) if first else nlp.add_pipe("frontline_paragraphs")
        ruler_at = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    else:
        nlp = spacy.blank("en")
        nlp.meta["name"] = "blank"
        nlp.add_pipe("frontline_paragraphs")
        nlp.add_pipe("sentencizer")
        ruler_at = {}
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True, "overwrite_ents": True,
                                                 "phrase_matcher_attr": "LOWER"}, **ruler_at)
    with nlp.select_pipes(enable=[ruler_name(nlp)]):  # phrase patterns only need the tokenizer
        ruler.add_patterns(patterns.entity_patterns(rules))
    _span_ruler(nlp, "frontline_triggers", TRIGGERS_KEY, patterns.trigger_patterns(rules))
    _span_ruler(nlp, "frontline_cues", CUES_KEY, patterns.cue_patterns(rules), overlapping=True)
    _span_ruler(nlp, "frontline_dates", DATES_KEY, patterns.date_patterns(rules))
    _span_ruler(nlp, "frontline_context", CONTEXT_KEY, patterns.context_patterns(rules))
    return nlp


def ruler_name(nlp: Language) -> str:
    return next(name for name, pipe in nlp.pipeline if pipe.__class__.__name__ == "EntityRuler")


def extractor_name(nlp: Language) -> str:
    return f"frontline-rules/{RULES_VERSION}+{nlp.meta.get('name', 'blank')}/{nlp.meta.get('version', '0')}"
