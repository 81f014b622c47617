"""Where events happened, on news-like text written for these tests: one test per class of place error
seen on real news (venues of talks, broad and specific places, places of other stories)."""

import pytest

from tests.test_event_arguments import mentions_of, only, triggered


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


# -- places the recogniser or the parse missed ------------------------------------------------------

@pytest.mark.parametrize("body, place, admin1", [
    ("The attack took place on Tuesday at an army post in Paktika province, near the border.", "Paktika", "Paktika"),
    ("The bombing happened on Tuesday at a checkpoint in eastern Nangarhar province.", "Nangarhar", "Nangarhar"),
    ("The raid took place on Tuesday at a police station in northern Idlib governorate.", "Idlib", "Idlib"),
])
def test_a_name_with_the_word_for_an_area_is_that_area(body, place, admin1):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.place_admin1 is not None and admin1 in m.place_admin1, (m.location, m.place_name, m.place_admin1)


@pytest.mark.parametrize("body, country", [
    ("Government troops came under fire from militants as they advanced toward el-Bur on Tuesday.", "SOM"),
    ("Army units pushed toward al-Qaim on Tuesday after days of shelling.", "IRQ"),
])
def test_a_name_with_a_lower_case_article_is_a_place(body, country):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.place_country == country and m.location.startswith(("el-", "al-")), (m.location, m.place_name)


@pytest.mark.parametrize("body, place", [
    ("The Taliban overran Musa Qala last February.", "Musa Qala"),
    ("Tuareg rebels stormed Kidal last spring.", "Kidal"),
    ("Militants overran Palmyra in May.", "Palmyra"),
])
def test_a_place_right_after_the_attack_verb_is_where_it_happened(body, place):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.location == place, (m.location, m.place_name)


@pytest.mark.parametrize("body, place", [
    ("On Monday, troops advanced across the Euphrates to join units in Raqqa.", "Raqqa"),
    ("On Monday, the column pushed through Idlib to reinforce positions in Aleppo.", "Aleppo"),
])
def test_a_place_passed_on_the_way_is_not_where_it_happened(body, place):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.location == place, (m.location, m.place_name)


# -- a place belongs to the event whose phrase it is in ---------------------------------------------

@pytest.mark.parametrize("body", [
    "The militia threatened to resume attacks on the army if the government does not meet its demands at peace talks in Vienna.",
    "Rebels warned they would restart the offensive unless negotiators accept their terms at the truce talks in Nairobi.",
])
def test_the_venue_of_other_talks_is_not_where_a_threatened_attack_happens(body):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.location is None, (m.location, m.place_name)
    talks = only(mentions_of(body), "TALKS")
    assert talks.location in ("Vienna", "Nairobi"), (talks.location, talks.place_name)


@pytest.mark.parametrize("body, venue", [
    ("The two sides agreed to a cease-fire deal on Monday after talks in the Kenyan capital Nairobi.", "Nairobi"),
    ("The army and the rebels signed a truce on Monday at the end of negotiations in Addis Ababa.", "Addis Ababa"),
])
def test_a_truce_agreed_at_talks_takes_their_venue(body, venue):
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert m.location == venue, (m.location, m.place_name)


def test_attacks_of_one_sentence_share_their_place():
    body = "The ministry said the strikes answered the militia's drone raids on fuel depots and its shelling of the Kherson region."
    raids = triggered(mentions_of(body), "raids")
    assert raids.location and "Kherson" in raids.location, (raids.location, raids.place_name)


# -- the most specific place the text gives for one operation -------------------------------------

@pytest.mark.parametrize("body, place", [
    ("Government forces launched a major offensive in northern Syria on Monday against rebel strongholds. "
     "Troops surrounded the rebel-held town of Saraqib in Idlib province.", "Saraqib"),
    ("On Friday, the rebels claimed responsibility for a bombing in eastern Afghanistan that killed two soldiers. "
     "The attack took place Thursday at a military base in Paktika province.", "Paktika"),
    ("Army units and allied militias began an assault in western Libya on Monday. "
     "Officials expect heavy losses. Army units and militias stormed Gharyan before dawn.", "Gharyan"),
])
def test_a_broad_place_takes_the_detail_of_the_next_sentences(body, place):
    first = mentions_of(body)[0]
    assert first.location and place in first.location, (first.trigger, first.location, first.place_name)
    assert "place" in first.inherited


@pytest.mark.parametrize("body", [
    # another country: not inside the broad place
    "Russian troops shelled villages in eastern Ukraine on Monday. Ukrainian forces struck a depot in Belgorod.",
    # too far: a detail three sentences on is another story
    "Government forces launched an offensive in northern Syria on Monday. Aid groups warned of a crisis. "
    "Prices rose sharply. Troops shelled the town of Saraqib.",
])
def test_a_detail_elsewhere_or_far_away_does_not_replace_a_broad_place(body):
    first = mentions_of(body)[0]
    assert "place" not in first.inherited, (first.trigger, first.location, first.place_name)


def test_a_feature_named_after_a_province_lies_in_it():
    m = only(mentions_of("Marines pushed into the lower Helmand River valley on Monday."), "OFFENSIVE")
    assert m.place_admin1 == "Helmand" and m.location == "lower Helmand River valley", (m.location, m.place_name)
    m = only(mentions_of("Government troops attacked rebels in the upper Panjshir Valley on Monday."), "OFFENSIVE")
    assert m.place_admin1 == "Panjshir", (m.location, m.place_name)


def test_the_other_side_s_attack_does_not_detail_a_broad_place():
    body = ("Moscow said on Monday that its troops had retaken Sudzha, the largest town Ukrainian forces had held "
            "since their incursion into the Kursk region.")
    incursion = triggered(mentions_of(body), "incursion")
    assert "place" not in incursion.inherited and "Kursk" in (incursion.location or ""), incursion.location


# -- the venue of a truce: the city that hosts it, the talks that made it ---------------------------

@pytest.mark.parametrize("body, venue", [
    ("Rebel officials said that a Doha-brokered truce would take effect late Tuesday.", "Doha"),
    ("The Addis Ababa-hosted talks between the two governments will resume next week.", "Addis Ababa"),
])
def test_a_city_that_brokers_or_hosts_is_the_venue(body, venue):
    m = [m for m in mentions_of(body) if m.event_type in ("CEASEFIRE_PROPOSAL", "TALKS")][0]
    assert m.location == venue, (m.location, m.place_name)


def test_a_country_that_brokers_is_not_a_venue():
    m = only(mentions_of("A Qatar-brokered truce took effect on Tuesday."), "CEASEFIRE_PROPOSAL")
    assert m.location is None, (m.location, m.place_name)


@pytest.mark.parametrize("body, venue", [
    ("The militia says it has agreed to a two-week cease-fire with the army. "
     "Its envoys say they reached the deal on Monday during talks with officials in Arusha.", "Arusha"),
    ("Both parties signed a truce on Monday. The accord was reached at negotiations in Djibouti city hosted by the regional bloc.",
     "Djibouti"),
])
def test_an_agreed_truce_takes_the_venue_of_the_talks_that_made_it(body, venue):
    m = mentions_of(body)[0]
    assert m.event_type == "CEASEFIRE_PROPOSAL" and m.location and venue in m.location, (m.location, m.place_name)


def test_a_declared_truce_does_not_take_the_venue_of_later_talks():
    body = ("Rebel leaders say they will observe the truce the president declared on Friday. "
            "The announcement came in Goma, where talks opened on Monday between the two sides.")
    m = mentions_of(body)[0]
    assert m.event_type == "CEASEFIRE_PROPOSAL" and m.location is None, (m.location, m.place_name)


# -- the sentence's own country, not a place of another story -------------------------------------

@pytest.mark.parametrize("body, country", [
    ("Somalia has sacked its army chief following the Monday killing of a militant leader in a U.S. airstrike.", "SOM"),
    ("Yemen has closed its airports after the weekend bombing of a fuel depot by unknown aircraft.", "YEM"),
])
def test_a_sentence_about_one_country_places_its_event_there(body, country):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.place_country == country, (m.location, m.place_name)


@pytest.mark.parametrize("body", [
    "Iran denied any role in the Monday drone strike.",
    "Turkey condemned the Monday bombing of a hospital.",
])
def test_a_country_that_speaks_of_an_attack_does_not_place_it(body):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.location is None, (m.location, m.place_name)


def test_the_attacker_s_country_before_the_attack_noun_is_not_its_place():
    m = only(mentions_of("Dozens died in a Russian missile strike on Monday, officials said."), "OFFENSIVE")
    assert m.place_country != "RUS", (m.location, m.place_name)
    m = only(mentions_of("A militant commander died in a U.S. drone strike on Monday."), "OFFENSIVE")
    assert m.location is None, (m.location, m.place_name)


def test_a_newscast_s_next_story_keeps_its_own_country():
    body = ("American jets struck militant positions near the Haditha Dam in western Iraq on Sunday.\n\n"
            "In other news, Somalia has sacked its army chief following the Monday killing of a militant leader "
            "in a U.S. airstrike.")
    last = [m for m in mentions_of(body, "2031-04-08") if "Somalia" in m.sentence][0]
    assert last.place_country == "SOM", (last.location, last.place_name, last.inherited)


# -- a place named as an example of the areas hit, or with its direction inside the name ------------------

@pytest.mark.parametrize("body, written, place, country", [
    ("Activists say at least nine people were killed Tuesday as army forces pounded targets in restive rebel "
     "areas including the northern Idlib region and Aleppo suburbs.", "northern Idlib region", "Idlib", "SYR"),
    ("Army forces pounded targets in southern Idlib on Tuesday.", "southern Idlib", "Idlib", "SYR"),
])
def test_the_area_an_attack_hit_is_read_with_its_direction_and_region_word(body, written, place, country):
    m = only(mentions_of(body), "OFFENSIVE")
    assert (m.location, m.place_name, m.place_country) == (written, place, country), (m.location, m.place_name)


# -- a side clause with its own subject is where that one went ------------------------------------------

def test_where_another_party_went_in_a_side_clause_is_not_where_the_event_happened():
    body = ("The president said the capture of Kilinochchi on Friday was a victory.\n\n"
            "The Sri Lanka Army launched an offensive on Kilinochchi on Friday.\n\n"
            "The military announced on Friday it had gained control of the town as the rebels retreated "
            "towards Mullaitivu.")
    m = triggered(mentions_of(body), "gained control")
    assert m.place_name == "Kilinochchi", (m.location, m.place_name)


def test_a_place_the_reporting_clause_gives_still_places_the_event():
    m = only(mentions_of("In Kyiv, officials said Russian missiles struck a power plant on Monday."), "OFFENSIVE")
    assert m.place_name == "Kyiv", (m.location, m.place_name)
