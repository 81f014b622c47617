"""pipeline.nlp.roles on sentences written for these tests: who is the agent and who the target, and
who is neither (a reporter, a speaker, a place)."""

import pytest

from pipeline.nlp import roles

from sentence_parts import parts


def roles_of(nlp, text: str, trigger: str) -> tuple[str | None, str | None]:
    """(agent, target) as written, as find_roles returns them."""
    p = parts(nlp, text, trigger)
    found = roles.find_roles(p.doc, p.s, p.trig, p.spec, p.demand(), p.sentences, p.index)
    return (found.agent.text if found.agent else None, found.target.text if found.target else None)


@pytest.mark.parametrize("text, trigger, agent, target", [
    ("Velmar troops shelled the town of Oskel on Tuesday.", "shelled", "Velmar", "Oskel"),
    ("Russian forces did not attack Kharkiv on Monday.", "attack", "Russian forces", "Kharkiv"),
    ("Ukrainian drones reportedly struck an oil refinery in Ryazan.", "struck an", "Ukrainian drones",
     "an oil refinery"),
    ("Turkish jets bombed Kurdish positions in northern Iraq.", "bombed", "Turkish jets", "Kurdish positions"),
])
def test_the_subject_acts_and_the_object_is_the_target(nlp, text, trigger, agent, target):
    assert roles_of(nlp, text, trigger) == (agent, target)


def test_a_passive_sentence_names_the_agent_after_by(nlp):
    assert roles_of(nlp, "Kharkiv was shelled by Russian forces on Monday.", "shelled") == ("Russian forces", "Kharkiv")


def test_the_agent_is_known_by_its_curated_id(nlp):
    p = parts(nlp, "Russian troops attacked villages near the border.", "attacked")
    found = roles.find_roles(p.doc, p.s, p.trig, p.spec, None, p.sentences, p.index)
    assert (found.agent.text, found.agent.id) == ("Russian troops", "RUS_MIL")


@pytest.mark.parametrize("text, trigger, agent", [
    ("A journalist reported that Russian troops captured Avdiivka.", "captured", "Russian troops"),
    ("Sudan's army shelled El Fasher, a reporter in Khartoum said.", "shelled", "Sudan's army"),
    ("Separatists in eastern Ukraine said government troops shelled Luhansk.", "shelled", "government troops"),
    ("The Kremlin spokesman said Russian jets bombed Idlib.", "bombed", "Russian jets"),
])
def test_whoever_reports_the_event_is_not_its_agent(nlp, text, trigger, agent):
    assert roles_of(nlp, text, trigger)[0] == agent


def test_a_place_named_where_the_speakers_are_is_not_the_agent(nlp):
    """'Rebels in the Central African Republic': the rebels act, the country only says where they are."""
    agent, _ = roles_of(nlp, "Rebels in the Central African Republic said they attacked a convoy.", "attacked")
    assert agent == "Rebels"


def test_a_capital_in_a_phrase_is_the_venue_not_a_party(nlp):
    agent, target = roles_of(nlp, "Delegates met in Doha for talks with officials from Kyiv.", "talks")
    assert agent == "Delegates" and agent != "Doha"
    assert target != "Doha"


def test_parties_to_talks_are_the_agent_and_the_target(nlp):
    assert roles_of(nlp, "Israel and Hamas held talks in Cairo, officials said.", "talks") == ("Israel", "Hamas")
    assert roles_of(nlp, "Russian and Ukrainian delegations held talks in Istanbul on Friday.", "talks") == \
        ("Russian", "Ukrainian")


def test_a_surrender_demand_is_made_by_the_one_demanding_of_the_one_asked(nlp):
    assert roles_of(nlp, "Hamas demanded that Israeli soldiers surrender.", "surrender") == ("Hamas", "Israeli soldiers")


def test_a_truce_both_sides_agreed_has_both_as_agent_and_no_target(nlp):
    assert roles_of(nlp, "Israel and Hamas agreed to a ceasefire on Sunday.", "ceasefire") == ("Israel and Hamas", None)
