"""pipeline.nlp.attribution on sentences written for these tests: who said so, by a reporting verb,
a speech tag or a quote."""

import pytest

from pipeline.nlp.attribution import attribution, is_quoted

from sentence_parts import parts


def speaker_of(nlp, text: str, trigger: str) -> str | None:
    p = parts(nlp, text, trigger)
    who = attribution(p.doc, p.s, p.trig, p.sentences, p.index)
    return who.text if who else None


@pytest.mark.parametrize("text, trigger, speaker", [
    ("Velmar troops shelled the town of Oskel on Tuesday, the defence ministry said.", "shelled", "the defence ministry"),
    ("The army said its forces shelled rebel positions near Donetsk.", "shelled", "The army"),
    ("A journalist reported that Russian troops captured Avdiivka.", "captured", "A journalist"),
    ("Sudan's army shelled El Fasher, a reporter in Khartoum said.", "shelled", "a reporter"),
    ("Russian forces shelled Kharkiv on Tuesday.", "shelled", None),
])
def test_attribution_names_who_said_it(nlp, text, trigger, speaker):
    assert speaker_of(nlp, text, trigger) == speaker


def test_a_quoted_event_is_attributed_to_the_speech_tag(nlp):
    text = '"Our troops will attack the rebels tomorrow and keep attacking them," the commander told reporters.'
    p = parts(nlp, text, "attack")
    assert is_quoted(p.s, p.trig)
    assert speaker_of(nlp, text, "attack") == "the commander"


def test_a_speech_tag_split_off_as_the_next_sentence_still_names_the_speaker(nlp):
    text = '"Lay down your arms and surrender to our forces now," / the general said.'
    assert speaker_of(nlp, text, "surrender") == "the general"
