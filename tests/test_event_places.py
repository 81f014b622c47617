"""Where events happened, on news-like text written for these tests: one test per class of place error
seen on real news (venues of talks, broad and specific places, places of other stories)."""

import pytest

from tests.test_event_arguments import mentions_of, only


# -- talks and truces: the venue, not the subject --------------------------------------------------

@pytest.mark.parametrize("body", [
    "The envoy proposed talks on the status of Transnistria before the winter.",
    "Both governments agreed to hold discussions about the future of Nagorno-Karabakh next month.",
    "The mediators called for negotiations over the fate of Abyei as soon as possible.",
])
def test_what_talks_are_about_is_not_their_venue(body):
    m = only(mentions_of(body), "TALKS")
    assert m.location is None, (m.location, m.place_name)


@pytest.mark.parametrize("body, venue", [
    ("The envoy proposed talks in the city of Geneva on the status of Transnistria.", "Geneva"),
    ("Delegations will hold negotiations in Doha over the future of the disputed province.", "Doha"),
])
def test_a_venue_survives_beside_a_topic(body, venue):
    m = only(mentions_of(body), "TALKS")
    assert m.location == venue, (m.location, m.place_name)


# -- a region of several states is broader than any country ---------------------------------------

@pytest.mark.parametrize("body, place, country", [
    ("As tension in the Middle East grew on Monday, Israel launched air strikes against targets in Syria.",
     "Syria", "SYR"),
    ("With violence spreading across West Africa, Malian troops attacked militant camps in Mali on Monday.",
     "Mali", "MLI"),
    ("As unrest in the Horn of Africa deepened, Ethiopian jets bombed rebel positions in Ethiopia on Monday.",
     "Ethiopia", "ETH"),
])
def test_a_country_is_more_specific_than_a_region_of_several_states(body, place, country):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.location == place and m.place_country == country, (m.location, m.place_name)


def test_a_region_of_several_states_is_no_namesake_neighbourhood():
    m = only(mentions_of("Unknown gunmen attacked a convoy somewhere in the Middle East on Monday."), "OFFENSIVE")
    assert m.place_country is None and m.place_name == "Middle East", (m.place_name, m.place_country)
