"""Selective NLP: the model runs only on sentences that can hold an event, and extraction finds the same
mentions as with the model on every sentence."""

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.extract import extract_mentions
from pipeline.ingest.read import read_folder
from pipeline.nlp import selective
from pipeline.nlp.build import load_nlp

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

BODY = ("Aid agencies said food prices in the valley had doubled since the spring.\n\n"
        "Government forces launched an offensive on the rebel-held town on Monday, the army said. "
        "Schools in the region reopened after a long closure. "
        "Residents queued for water at the few pumps still working.")


def test_rule_sentences_split_at_line_breaks_and_final_punctuation(nlp):
    doc = nlp.make_doc('He said: "We will win." The army left.\nA headline\nMore text!')
    texts = [doc[s:e].text.strip() for s, e in selective.rule_sentences(doc)]
    assert texts == ['He said: "We will win."', "The army left.", "A headline", "More text!"]


def test_only_sentences_with_trigger_words_are_candidates(nlp):
    doc = nlp.make_doc(BODY)
    sentences = selective.rule_sentences(doc)
    flags = selective.candidate_sentences(doc, sentences)
    chosen = [doc[s:e].text.strip() for (s, e), f in zip(sentences, flags) if f]
    assert chosen == ["Government forces launched an offensive on the rebel-held town on Monday, the army said."]


def test_a_candidate_brings_the_sentence_before_it_and_after_a_quote():
    assert selective.chosen([False, False, True, False, False], [False] * 5, before=1, after=1) == \
        [False, True, True, False, False]
    assert selective.chosen([False, True, False], [False, True, False], before=1, after=1) == [True, True, True]
    assert selective.chosen([False, True, False], [False, False, False], before=0, after=1) == [False, True, False]


def test_every_word_set_of_a_pattern_is_required():
    pattern = [{"LOWER": {"IN": ["launched", "launch"]}}, {"LOWER": "new", "OP": "?"}, {"POS": "DET"},
               {"ORTH": "Strikes"}]
    assert selective.required_words(pattern) == (frozenset({"launched", "launch"}), frozenset({"strikes"}))


def test_a_trigger_pattern_with_no_word_is_refused(tmp_path, monkeypatch):
    import shutil

    from pipeline.rules import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "triggers.jsonl").open("a") as fh:
        fh.write('{"label": "OFFENSIVE", "pattern": [{"POS": "VERB"}]}\n')
    with pytest.raises(ValueError, match="names no word"):
        selective.candidate_rules(data)


def test_background_sentences_get_a_placeholder_parse_and_event_sentences_the_model(nlp, monkeypatch):
    [doc] = selective.annotated(nlp, [BODY])
    [full] = nlp.pipe([BODY])
    sents = list(doc.sents)
    event = next(s for s in sents if "offensive" in s.text)
    background = next(s for s in sents if "Residents" in s.text)
    full_event = next(s for s in full.sents if "offensive" in s.text)
    assert [(t.text, t.dep_, t.head.i, t.lemma_, t.pos_) for t in event] == \
        [(t.text, t.dep_, t.head.i, t.lemma_, t.pos_) for t in full_event]
    assert {t.dep_ for t in background} == {"ROOT", selective.FLAT_DEP}
    spans = lambda d, key: [(s.start, s.end, s.label_) for s in d.spans[key]]
    for key in ("frontline_triggers", "frontline_cues", "frontline_dates", "frontline_context"):
        assert spans(doc, key) == spans(full, key)
    assert spans(doc, "frontline_triggers")
    assert [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents if e.start >= event.start] == \
        [(e.start, e.end, e.label_, e.ent_id_) for e in full.ents if e.start >= event.start]
    monkeypatch.setenv(selective.SETTING, "0")
    [off] = selective.annotated(nlp, [BODY])
    assert {t.dep_ for t in next(s for s in off.sents if "Residents" in s.text)} != {"ROOT", selective.FLAT_DEP}


@pytest.mark.parametrize("corpus", ["dev", "heldout"])
def test_selective_extraction_finds_the_same_mentions_as_the_full_pipeline(corpus, monkeypatch):
    folder = DATA / corpus / "articles"
    articles = read_folder(folder, run_id="t", now=NOW).articles
    load_nlp()
    monkeypatch.setenv(selective.SETTING, "0")
    full = extract_mentions(articles, run_id="t")
    monkeypatch.setenv(selective.SETTING, "1")
    chosen = extract_mentions(articles, run_id="t")
    assert len(full) > 100
    assert [dataclasses.asdict(m) for m in chosen] == [dataclasses.asdict(m) for m in full]
