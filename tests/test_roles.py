"""pipeline.nlp.roles on sentences written for these tests: who is the agent and who the target, who
is neither (a reporter, a speaker, a place), and the date and duration a sentence gives an event."""

from datetime import date

import pytest

from pipeline.nlp import roles
from pipeline.nlp.sentence import sentence_views

from sentence_parts import parts

PUBLISHED = date(2031, 4, 9)  # a Wednesday


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


def test_the_first_and_nearest_actor_and_a_noun_phrase(nlp):
    text = "Russia's army attacked Kharkiv."
    doc = nlp(text)
    [s] = sentence_views(doc, text)
    assert roles.first_actor_after(s, 0).text == "Russia's army"
    assert roles.nearest_left_actor(doc, s, 3).text == "Russia's army"
    assert roles.noun_phrase(doc, doc[2]).text == "Russia's army"


@pytest.mark.parametrize("text, start, end, precision, written", [
    ("Russian forces shelled Kharkiv on Tuesday.", date(2031, 4, 8), date(2031, 4, 8), "day", "on Tuesday"),
    ("Russian forces shelled Kharkiv on 3 April.", date(2031, 4, 3), date(2031, 4, 3), "day", "on 3 April"),
    ("Russian forces shelled Kharkiv last month.", date(2031, 3, 1), date(2031, 3, 31), "month", "last month"),
])
def test_event_date_reads_the_sentence_against_the_publication_date(nlp, text, start, end, precision, written):
    p = parts(nlp, text, "shelled")
    period, text_of_date = roles.event_date(p.doc, p.s, [p.trig], PUBLISHED, p.spec)
    assert (period.start, period.end, period.precision, text_of_date) == (start, end, precision, written)


def test_a_weekday_of_an_announced_attack_is_the_coming_one(nlp):
    p = parts(nlp, "Russian forces will attack Kharkiv on Friday.", "attack")
    period, _ = roles.event_date(p.doc, p.s, [p.trig], PUBLISHED, p.spec)
    assert period.start == date(2031, 4, 11)


def test_a_sentence_without_a_date_gives_none(nlp):
    p = parts(nlp, "Russia proposed a 30-day ceasefire.", "ceasefire")
    assert roles.event_date(p.doc, p.s, [p.trig], PUBLISHED, p.spec) == (None, None)


@pytest.mark.parametrize("text, days", [
    ("Russia proposed a 30-day ceasefire.", 30),
    ("Hamas proposed a 72-hour truce.", None),  # hours are not counted in days
    ("Hamas accepted the ceasefire on Monday.", None),
])
def test_duration_days(nlp, text, days):
    trigger = "truce" if "truce" in text else "ceasefire"
    p = parts(nlp, text, trigger)
    assert roles.duration_days(p.doc, p.s, p.trig) == days
