"""pipeline.nlp.surface_roles on a sentence written for these tests: actors found by position."""

from pipeline.nlp.sentence import sentence_views
from pipeline.nlp.surface_roles import first_actor_after, nearest_left_actor


def test_the_first_and_nearest_actor(nlp):
    text = "Russia's army attacked Kharkiv."
    doc = nlp(text)
    [s] = sentence_views(doc, text)
    assert first_actor_after(s, 0).text == "Russia's army"
    assert nearest_left_actor(doc, s, 3).text == "Russia's army"
