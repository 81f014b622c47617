"""pipeline.nlp.modality on sentences written for these tests: asserted, claimed, denied, proposed or
hypothetical, who denied it, how a party answered a proposal, and how talks went.

The conventions: the article's own voice asserts; a party's word, 'reportedly' or a disputed account
claims; a denial or negation denies; offers, calls and planned talks are proposed; conditional,
threatened or intended actions are hypothetical. An agreed or declared truce is a fact, not a proposal.
"""

import pytest

from pipeline.nlp import modality as mod
from pipeline.nlp.attribution import attribution
from pipeline.nlp.roles import find_roles
from pipeline.nlp.sentence import sentence_views

from sentence_parts import parts


def modality_of(nlp, text: str, trigger: str, official: bool = False) -> str:
    """The modality as extraction decides it, from the module's own attribution and the sentence's roles."""
    p = parts(nlp, text, trigger)
    demand = p.demand()
    found = find_roles(p.doc, p.s, p.trig, p.spec, demand, p.sentences, p.index)
    speaker = attribution(p.doc, p.s, p.trig, p.sentences, p.index)
    return mod.modality(p.doc, p.s, p.trig, demand or p.trig, p.spec, speaker is not None, bool(found),
                        official=official)


@pytest.mark.parametrize("text, trigger, expected", [
    ("Velmar troops shelled the town of Oskel on Tuesday.", "shelled", "asserted"),
    ("Velmar troops shelled the town of Oskel on Tuesday, the defence ministry said.", "shelled", "claimed"),
    ("Ukrainian drones reportedly struck an oil refinery in Ryazan.", "struck an", "claimed"),
    ("Russian forces did not attack Kharkiv on Monday.", "attack", "denied"),
    ("Russia denied that its forces attacked the village.", "attacked", "denied"),
    ("Ukraine could launch an offensive in the south next month.", "launch an offensive", "hypothetical"),
    ("If the talks fail, Russia will launch an offensive.", "launch an offensive", "hypothetical"),
    ("Qatar proposed a ceasefire between Israel and Hamas.", "ceasefire", "proposed"),
    ("Israel and Hamas agreed to a ceasefire on Sunday.", "ceasefire", "asserted"),
    ("Russian and Ukrainian delegations held talks in Istanbul on Friday.", "talks", "asserted"),
    ("The two foreign ministers will meet in Geneva next week.", "meet in", "proposed"),
    ("The mediators called for talks between the two sides.", "talks", "proposed"),
    ("Peace talks are a possible option, the envoy said.", "talks", "hypothetical"),
])
def test_each_modality_class(nlp, text, trigger, expected):
    assert modality_of(nlp, text, trigger) == expected


def test_a_negated_future_is_hypothetical_not_denied(nlp):
    assert modality_of(nlp, "Russia would not launch an offensive this year.", "launch an offensive") == "hypothetical"


def test_talks_reported_by_anyone_are_asserted(nlp):
    """Talks are seldom contested: a speech tag does not make them a claim, as it does an attack."""
    text = "Israel and Hamas held talks in Cairo, officials said."
    p = parts(nlp, text, "talks")
    assert attribution(p.doc, p.s, p.trig, p.sentences, p.index).text == "officials"
    assert modality_of(nlp, text, "talks") == "asserted"


def test_an_official_speaker_asserts_an_agreed_truce_and_an_armed_group_claims_it(nlp):
    army = "The army said it had agreed to a truce with the rebels."
    rebels = "The rebels said they had agreed to a truce with the army."
    assert modality_of(nlp, army, "truce", official=True) == "asserted"
    assert modality_of(nlp, rebels, "truce", official=False) == "claimed"


@pytest.mark.parametrize("text, who", [
    ("Ukraine's military leadership denied the claims.", "Ukraine's military leadership"),
    ("Moscow rejected the reports on Monday.", "Moscow"),
])
def test_a_bare_denial_of_claims_names_who_denied(nlp, text, who):
    doc = nlp(text)
    sentences = sentence_views(doc, text)
    assert mod.denial_of_claims(doc, sentences[0], sentences, 0).text == who


@pytest.mark.parametrize("text, answer, who", [
    ("Hamas accepted the ceasefire on Monday.", "accepted", "Hamas"),
    ("Hamas rejected the ceasefire proposal on Monday.", "rejected", "Hamas"),
    ("The ceasefire collapsed after two days.", "violated", None),
])
def test_response_says_how_a_proposal_was_answered_and_by_whom(nlp, text, answer, who):
    p = parts(nlp, text, "ceasefire")
    got, responder = mod.response(p.doc, p.s, p.trig)
    assert got == answer
    assert (responder.text if responder else None) == who


def test_outcome_collects_the_words_about_how_talks_went(nlp):
    p = parts(nlp, "The talks in Doha were productive, but there was no breakthrough.", "talks")
    assert mod.outcome(p.s) == "productive, no breakthrough"
    assert mod.outcome(parts(nlp, "Israel and Hamas held talks in Cairo.", "talks").s) is None
