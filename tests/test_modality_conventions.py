"""Modality by the annotation conventions, on invented news sentences: a truce in force or agreed is a
fact (asserted), a call for one is a proposal; talks named as the setting of another act are under way;
a truce a clause describes as declared or agreed is background, not the claim of whoever mentions it; a
truce that is a term of a brokered or signed plan is agreed, though the plan 'calls for' it.
"""

from datetime import datetime, timezone

import pytest

from pipeline.extract import extract_mentions
from pipeline.ingest.parse import parse_document

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mentions_of(body: str, published: str = "2031-04-09"):  # a Wednesday
    text = f" date {published} Test Wire / world\n\nHeadline\n\n{body}\n"
    [a] = parse_document(text.encode(), "t.txt", run_id="t", now=NOW).articles
    return extract_mentions([a], run_id="t")


def modality_of(body: str, event_type: str) -> str:
    found = [m for m in mentions_of(body) if m.event_type == event_type]
    assert len(found) == 1, [(m.event_type, m.trigger, m.modality) for m in found]
    return found[0].modality


@pytest.mark.parametrize("body", [
    "At dawn on Sunday, a 48-hour truce between the army and the rebel militias in the eastern hills began.",
    "A week-long ceasefire between government troops and the separatists of the northern province came into "
    "effect at midnight.",
    "A ceasefire between the clan militias in the port city has been holding since Friday.",
    "The truce, which took effect on Monday, was broken by shelling on Tuesday.",
    "The truce is due to take effect on May 2 and its first phase will last three weeks.",
])
def test_a_truce_in_force_is_asserted_however_long_its_subject(body):
    assert modality_of(body, "CEASEFIRE_PROPOSAL") == "asserted"


@pytest.mark.parametrize("body", [
    "The envoy called for a ceasefire between the two armies to begin on Monday.",
    "Talks on a truce between the clans ended without a deal on Monday.",
    "Norway proposed a plan that calls for a truce across the north.",
])
def test_a_truce_still_asked_for_is_proposed(body):
    assert modality_of(body, "CEASEFIRE_PROPOSAL") == "proposed"


@pytest.mark.parametrize("body", [
    "The rebels renewed their call for a prisoner exchange at the talks in Nairobi on Tuesday.",
    "Kenyan mediators urged both delegations to compromise during talks in Addis Ababa.",
])
def test_talks_named_as_the_setting_of_another_act_are_under_way(body):
    assert modality_of(body, "TALKS") == "asserted"


@pytest.mark.parametrize("body", [
    "The two sides will hold talks in Doha next week.",
    "The envoy called for talks between the government and the rebels.",
])
def test_talks_to_come_or_called_for_stay_proposed(body):
    assert modality_of(body, "TALKS") == "proposed"


@pytest.mark.parametrize("body", [
    "Militia commanders said their fighters would respect the truce that the governor declared on Sunday.",
    "The rebels say they will honour the ceasefire brokered by Qatar last week.",
])
def test_a_truce_described_as_declared_is_not_the_speakers_claim(body):
    assert modality_of(body, "CEASEFIRE_PROPOSAL") == "asserted"


@pytest.mark.parametrize("body, expected", [
    ("The rebels said they had agreed to a truce with the army.", "claimed"),
    ("A rebel spokesman said the group would consider a truce proposed by the bishops.", "proposed"),
])
def test_a_partys_own_word_on_a_truce_keeps_its_modality(body, expected):
    assert modality_of(body, "CEASEFIRE_PROPOSAL") == expected


@pytest.mark.parametrize("body", [
    "The Qatari mediator brokered a four-point plan last week that called for the militias to leave the port "
    "and stop all attacks by Monday.",
    "The two governors signed an accord that calls for an immediate ceasefire along the river.",
])
def test_a_truce_that_is_a_term_of_a_brokered_plan_is_agreed(body):
    assert modality_of(body, "CEASEFIRE_PROPOSAL") == "asserted"


@pytest.mark.parametrize("body", [
    "The defence minister said the capture of the ridge on Monday was a turning point in the war.",
    "Rebel commanders claimed that the attack on the convoy was revenge for the killings in the valley.",
])
def test_a_speaker_judging_an_event_taken_as_given_does_not_make_it_a_claim(body):
    assert modality_of(body, "OFFENSIVE") == "asserted"


@pytest.mark.parametrize("body", [
    "The army said rebels attacked the convoy on Monday.",
    "The army said the attack on the convoy was carried out by rebels.",
])
def test_a_speaker_telling_that_an_attack_happened_still_claims_it(body):
    assert modality_of(body, "OFFENSIVE") == "claimed"


@pytest.mark.parametrize("body, expected", [
    ("The week-long truce is set to expire on Friday.", "asserted"),
    ("The ceasefire will take effect at midnight.", "asserted"),
    ("The envoy called for an end to the shelling and a truce.", "proposed"),
])
def test_a_truce_set_to_expire_exists_but_an_end_to_fighting_is_asked_for(body, expected):
    found = [m for m in mentions_of(body) if m.event_type == "CEASEFIRE_PROPOSAL"]
    assert found and all(m.modality == expected for m in found), [(m.trigger, m.modality) for m in found]


@pytest.mark.parametrize("body", [
    "Mediators told reporters the truce must be respected.",
    "Village elders said the ceasefire was being observed in the hills.",
])
def test_a_truce_to_be_respected_or_observed_exists(body):
    assert modality_of(body, "CEASEFIRE_PROPOSAL") != "proposed"
