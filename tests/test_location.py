"""pipeline.nlp.location on sentences written for these tests: which place an event happened at, how
the text qualifies it (a region, near a place, a part of a country, a site), and which places are not
the event's: where a party comes from or is based, a country that only frames a city."""

import pytest

from pipeline.nlp.location import event_location, place_candidates, referred_place
from pipeline.nlp.roles import find_roles
from pipeline.nlp.role_mention import Role
from pipeline.normalize.gazetteer import gazetteer

from sentence_parts import parts


def place_of(nlp, text: str, trigger: str):
    """The PlaceMention extraction takes for the trigger, with the agent already used, or None."""
    p = parts(nlp, text, trigger)
    found = find_roles(p.doc, p.s, p.trig, p.spec, p.demand(), p.sentences, p.index)
    return event_location(p.doc, p.s, p.trig, p.spec, [found.agent], gazetteer())


@pytest.mark.parametrize("text, trigger, place", [
    ("Russian and Ukrainian delegations held talks in Istanbul on Friday.", "talks", "Istanbul"),
    ("Ukrainian troops attacked Russian positions in Zaporizhzhia on Monday.", "attacked", "Zaporizhzhia"),
    ("Velmar troops shelled the town of Oskel on Tuesday.", "shelled", "Oskel"),
])
def test_the_place_after_a_locative_word_is_where_it_happened(nlp, text, trigger, place):
    where = place_of(nlp, text, trigger)
    assert (where.text, where.region, where.near) == (place, False, False)


@pytest.mark.parametrize("text, trigger, place", [
    ("Russian troops captured Avdiivka on Monday.", "captured", "Avdiivka"),
    ("Russian forces shelled Kharkiv on Monday.", "shelled", "Kharkiv"),
])
def test_an_attacked_or_captured_place_is_where_the_event_happened(nlp, text, trigger, place):
    assert place_of(nlp, text, trigger).text == place


@pytest.mark.parametrize("text, trigger, place", [
    ("The army said its forces shelled rebel positions near Donetsk.", "shelled", "Donetsk"),
    ("Syrian government forces bombed the outskirts of Aleppo.", "bombed", "Aleppo"),
])
def test_near_a_place_is_marked_near(nlp, text, trigger, place):
    where = place_of(nlp, text, trigger)
    assert (where.text, where.near) == (place, True)


def test_the_region_of_a_name_is_the_region_not_the_town(nlp):
    where = place_of(nlp, "Ukrainian forces launched an offensive in the Kursk region.", "launched an offensive")
    assert (where.text, where.region) == ("Kursk", True)


def test_a_part_of_a_country_is_kept_as_written_and_read_as_a_region(nlp):
    where = place_of(nlp, "Turkish jets bombed Kurdish positions in northern Iraq.", "bombed")
    assert (where.role.text, where.text, where.region) == ("Iraq", "northern Iraq", True)


def test_a_site_is_named_with_its_kind_and_is_near_its_town(nlp):
    where = place_of(nlp, "Islamic State fighters attacked the Haditha Dam on Monday.", "attacked")
    assert (where.role.text, where.text, where.near) == ("Haditha", "Haditha Dam", True)


def test_a_part_of_a_crossing_is_the_crossing(nlp):
    where = place_of(nlp, "Russian forces shelled the Gaza side of the Rafah crossing.", "shelled")
    assert where.text == "Rafah crossing"


def test_the_most_specific_place_wins_over_the_country_the_forces_are_in(nlp):
    where = place_of(nlp, "Forces in Libya shelled targets near Misrata on Friday.", "shelled")
    assert (where.text, where.near) == ("Misrata", True)


def test_a_country_that_only_qualifies_a_city_is_not_the_place(nlp):
    assert place_of(nlp, "Officials met for talks in the Kazakh city of Almaty.", "talks").text == "Almaty"


@pytest.mark.parametrize("text, venue", [
    ("Delegates met in Doha for talks with officials from Kyiv.", "Doha"),
    ("Separatists in eastern Ukraine held talks with Kyiv in Minsk.", "Minsk"),
    ("Rebels in Mali said talks with the government would take place in Algiers.", "Algiers"),
    ("The talks took place in Jeddah with officials in Riyadh watching.", "Jeddah"),
])
def test_talks_take_place_at_the_venue_not_where_a_party_comes_from(nlp, text, venue):
    assert place_of(nlp, text, "talks").text == venue


def test_a_dateline_is_the_place_of_a_sentence_that_names_none(nlp):
    where = place_of(nlp, "ISTANBUL — Delegations held talks on Monday.", "talks")
    assert (where.text, where.region, where.near) == ("Istanbul", False, False)


def test_no_place_in_the_sentence_gives_none(nlp):
    assert place_of(nlp, "Russia proposed a 30-day ceasefire.", "ceasefire") is None


def test_place_candidates_are_the_places_of_the_sentence_in_order(nlp):
    p = parts(nlp, "Separatists in eastern Ukraine held talks with Kyiv in Minsk.", "talks")
    assert [c.text for c in place_candidates(p.doc, p.s, gazetteer())] == ["Ukraine", "Kyiv", "Minsk"]


def test_the_town_refers_to_the_town_the_article_last_named(nlp):
    text = "Russian troops entered Bakhmut on Monday. They later shelled the town again."
    p = parts(nlp, text, "shelled")
    bakhmut = Role("Bakhmut", None, 3, 4, "GPE")
    where = referred_place(p.doc, p.s, p.trig, [bakhmut])
    assert (where.role, where.text) == (bakhmut, "the town")
    assert referred_place(p.doc, p.s, p.trig, []) is None


def test_the_town_of_a_name_names_its_own_town(nlp):
    p = parts(nlp, "Russian troops entered Bakhmut on Monday. They later shelled the town of Soledar.", "shelled")
    assert referred_place(p.doc, p.s, p.trig, [Role("Bakhmut", None, 3, 4, "GPE")]) is None
