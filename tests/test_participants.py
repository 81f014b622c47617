"""pipeline.nlp.participants on a sentence written for these tests: the noun phrase a token heads."""

from pipeline.nlp.participants import noun_phrase


def test_a_noun_phrase_keeps_its_possessor(nlp):
    doc = nlp("Russia's army attacked Kharkiv.")
    assert noun_phrase(doc, doc[2]).text == "Russia's army"
