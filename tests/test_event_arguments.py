"""Who did what to whom, where and when, on news-like text written for these tests.

One test per class of error seen on real news: actors the dictionary lacked, names an article defines,
capitals and seats of power, reporters and condemners taken for agents, places taken for agents,
descriptions that refer back, targets the syntax names, places resolved without context, dates of the
saying verb, future dates, and the modality conventions.
"""

from datetime import date, datetime, timezone

import pytest

from pipeline.extract import extract_mentions
from pipeline.ingest.parse import parse_document
from pipeline.normalize.gazetteer import gazetteer
from pipeline.normalize.places import Context

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mentions_of(body: str, published: str = "2031-04-09"):  # a Wednesday
    text = f" date {published} Test Wire / world\n\nHeadline\n\n{body}\n"
    [a] = parse_document(text.encode(), "t.txt", run_id="t", now=NOW).articles
    return extract_mentions([a], run_id="t")


def triggered(mentions, trigger):
    """The one mention whose trigger is written this way."""
    return next(m for m in mentions if m.trigger == trigger)


def only(mentions, event_type):
    found = [m for m in mentions if m.event_type == event_type]
    assert len(found) == 1, [(m.event_type, m.trigger, m.agent, m.target) for m in mentions]
    return found[0]


# -- actors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, actor_id, actor_type", [
    ("Indian troops shelled positions across the line of control on Monday, the army said.", "IND_MIL", "state_forces"),
    ("Pakistan launched airstrikes on militant hideouts near the border on Monday.", "PAK", "state_forces"),
    ("JNIM fighters attacked an army convoy near the town of Djibo on Monday.", "JNIM", "rebel_group"),
    ("The Arakan Army captured the town of Paletwa on Monday after weeks of fighting.", "MMR_AA", "rebel_group"),
])
def test_actors_of_the_news_are_known_with_their_type(body, actor_id, actor_type):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.agent_id == actor_id and m.agent_type == actor_type, (m.agent, m.agent_id, m.agent_type)


@pytest.mark.parametrize("body, state", [
    ("The Kremlin said Russian aircraft struck the depot on Monday.", "RUS"),
    ("Baku said its forces shelled Armenian positions on Monday.", "AZE"),
])
def test_capitals_and_seats_of_power_stand_for_their_state(body, state):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.attribution_id == state or m.agent_country == state, (m.attribution, m.attribution_id, m.agent)


def test_a_name_the_article_defines_is_that_actor_wherever_it_is_used():
    mentions = mentions_of("Fighters of the Northern Kessa Defence Front (NKDF) attacked Orsk on Monday. "
                           "On Tuesday the NKDF shelled the nearby village of Tarvo.")
    later = triggered(mentions, "shelled")
    assert later.agent == "NKDF" and later.agent_name == "Northern Kessa Defence Front"


@pytest.mark.parametrize("body, not_agent, agent", [
    ("Lebanon complained about two Israeli air raids on villages in the south on Monday.", "Lebanon", "Israel"),
    ("UN chief Antonio Guterres condemned a gang attack on the town of Mirebalais on Monday.", "Guterres", None),
    ("Security was tightened across the valley following the Pahalgam terror attack.", "Pahalgam", None),
])
def test_complainers_condemners_and_places_are_never_the_agent(body, not_agent, agent):
    m = only(mentions_of(body), "OFFENSIVE")
    assert not_agent not in (m.agent or "") and not_agent not in (m.agent_name or ""), m.agent
    if agent:
        assert m.agent_name == agent


def test_a_description_refers_back_to_the_group_named_before():
    mentions = mentions_of("The Rapid Support Forces fought the army for the city for weeks. "
                           "On Monday the paramilitary group shelled the main market, residents said.")
    m = triggered(mentions, "shelled")
    assert m.agent == "the paramilitary group" and m.agent_id == "SDN_RSF"


# -- targets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body, target", [
    ("Government warplanes bombed rebel positions outside Orsk on Monday.", "rebel positions"),
    ("The militia launched an attack against a police station in Tarvo on Monday.", "a police station"),
    ("The army recaptured the village of Sarel from the Kessa Front on Monday.", "Kessa Front"),
])
def test_the_target_is_what_the_syntax_names(body, target):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.target and target in m.target, (m.target, m.trigger)


def test_talks_have_the_other_party_as_target():
    m = only(mentions_of("Velmar's foreign minister held talks with rebel envoys in Geneva on Monday."), "TALKS")
    assert m.target and "envoys" in m.target


# -- places ----------------------------------------------------------------------------------

def continent(lat: float, lon: float) -> str:
    if lat > 15 and lon < -30:
        return "north america"
    if lat < 15 and lon < -30:
        return "caribbean or south america" if lat > -60 else "antarctica"
    if lat > 35 and -25 < lon < 45:
        return "europe"
    if -35 < lat < 37 and -20 < lon < 52:
        return "africa"
    return "asia or oceania"


@pytest.mark.parametrize("name, countries, iso3, where", [
    ("Alaska", {"USA", "RUS"}, "USA", "north america"),
    ("Geneva", {"USA", "RUS", "UKR"}, "CHE", "europe"),
    ("Congo", {"RWA"}, "COD", "africa"),
    ("Port-au-Prince", {"FRA", "USA"}, "HTI", "north america"),
    ("Cairo", {"USA", "ISR"}, "EGY", "africa"),
])
def test_ambiguous_place_names_land_on_the_right_continent(name, countries, iso3, where):
    place = gazetteer().resolve(name, context=Context(frozenset(countries)))
    assert place is not None and place.country == iso3, place
    assert continent(place.latitude, place.longitude) == where


def test_every_town_has_its_first_and_second_level_areas():
    place = gazetteer().resolve("Qusair", context=Context(frozenset({"SYR"})))
    assert place.country == "SYR" and place.admin1 is not None
    place = gazetteer().resolve("Sudzha", context=Context(frozenset({"RUS"})))
    assert place.admin1_code == "RU-KRS"


def test_directions_and_sites_are_read_as_written():
    m = only(mentions_of("Israeli jets struck targets in southern Lebanon on Monday."), "OFFENSIVE")
    assert m.location == "southern Lebanon" and m.place_country == "LBN"
    m = only(mentions_of("Insurgents attacked the Haditha Dam on Monday, officials said."), "OFFENSIVE")
    assert "Haditha" in m.location and m.place_country == "IRQ" and m.geo_precision == 2


def test_the_town_is_the_town_just_named():
    mentions = mentions_of("Rebels entered the outskirts of Kidal on Sunday. "
                           "The army said on Tuesday it had regained control of the town.")
    m = next(m for m in mentions if "control" in m.trigger)
    assert m.place_name == "Kidal" and m.location == "the town"


# -- dates -----------------------------------------------------------------------------------

def test_the_day_of_the_condemnation_does_not_date_the_attack():
    m = only(mentions_of("On Tuesday, the foreign ministry condemned an attack on a border post."), "OFFENSIVE")
    assert m.event_date is None and m.date_precision == "unknown"


def test_the_event_keeps_its_own_day_when_the_report_names_another():
    m = only(mentions_of("Officials said on Tuesday that the militia had shelled the village late on Sunday."),
             "OFFENSIVE")
    assert m.event_date == date(2031, 4, 6)


def test_scheduled_talks_resolve_forward():
    m = only(mentions_of("Envoys of both sides are scheduled to begin talks in Doha on Friday."), "TALKS")
    assert m.event_date == date(2031, 4, 11) and m.modality == "proposed"


def test_earlier_and_evening_expressions():
    m = only(mentions_of("Earlier Tuesday, drones struck the port of Orsk, the governor said."), "OFFENSIVE")
    assert m.event_date == date(2031, 4, 8)
    m = only(mentions_of("Artillery shelled the town on Saturday evening, killing two people."), "OFFENSIVE")
    assert m.event_date == date(2031, 4, 5)


# -- modality --------------------------------------------------------------------------------

@pytest.mark.parametrize("body, event_type, modality", [
    # an official announcement of one's own truce
    ("The government of Velmar announced a three-day ceasefire on Monday to allow aid into the north.",
     "CEASEFIRE_PROPOSAL", "asserted"),
    # a party's unconfirmed claim about a contested act
    ("The rebels said government forces shelled the camp on Monday.", "OFFENSIVE", "claimed"),
    # planned talks
    ("The two delegations will meet in Doha next week, mediators said.", "TALKS", "proposed"),
    # a vow
    ("The commander vowed to retake the town before the rains.", "OFFENSIVE", "hypothetical"),
    # a conditional threat
    ("The army will launch an offensive on the valley if the rebels do not withdraw.", "OFFENSIVE", "hypothetical"),
])
def test_modality_follows_the_conventions(body, event_type, modality):
    m = only(mentions_of(body), event_type)
    assert m.modality == modality, (m.trigger, m.modality, m.attribution)


def test_claims_carry_who_made_them():
    m = only(mentions_of("The Kessa Front said its fighters ambushed an army patrol near Tarvo."), "OFFENSIVE")
    assert m.modality == "claimed" and m.attribution == "The Kessa Front"


# -- dates the report implies ------------------------------------------------------------------

def test_an_undated_event_takes_the_day_of_the_verb_that_reports_it():
    m = only(mentions_of("Rebel fighters have seized the town of Orsk, officials said on Monday."), "OFFENSIVE")
    assert (m.event_date, m.date_basis) == (date(2031, 4, 7), "report")


def test_an_event_told_in_the_present_perfect_is_dated_by_publication():
    m = only(mentions_of("Government troops are shelling rebel positions outside Orsk, residents say."), "OFFENSIVE")
    assert (m.event_date, m.date_basis) == (date(2031, 4, 9), "publication")


def test_a_stated_day_is_the_events_own():
    m = only(mentions_of("Officials said on Tuesday that the militia had shelled the village late on Sunday."),
             "OFFENSIVE")
    assert m.date_basis == "text"


def test_an_agreed_truce_is_dated_by_the_agreement_not_by_when_it_starts():
    m = only(mentions_of("The two sides agreed on Monday to a truce that will take effect on Friday."),
             "CEASEFIRE_PROPOSAL")
    assert m.event_date == date(2031, 4, 7)


def test_a_stated_date_outvotes_one_the_report_implied():
    from pipeline.events.assign import assign_events

    mentions, events = assign_events(mentions_of(
        "Rebel fighters have seized the town of Orsk, officials said on Wednesday. "
        "The rebels captured Orsk on Sunday after a week of fighting, the governor added."), {})
    [event] = events
    assert (event.event_date, event.date_basis) == (date(2031, 4, 6), "text")
    assert all(m.event_date == date(2031, 4, 6) for m in mentions), [(m.trigger, m.event_date) for m in mentions]


# -- names the article implies --------------------------------------------------------------------

def test_a_short_form_spelling_the_initials_of_a_name_just_used_is_that_name():
    mentions = mentions_of("The Sri Lanka Army said it was ready for a long campaign. "
                           "On Monday the SLA shelled rebel positions near Orsk.")
    m = triggered(mentions, "shelled")
    assert m.agent == "SLA" and m.agent_id == "LKA_ARMY", (m.agent, m.agent_id)


def test_the_government_is_the_state_an_adjective_named_before():
    mentions = mentions_of("The Colombian government said it would not bargain with the rebels. "
                           "The government launched an offensive against the rebels on Monday.")
    m = next(m for m in mentions if "offensive" in m.trigger)
    assert m.agent_country == "COL" and m.target == "the rebels", (m.agent, m.agent_country, m.target)


def test_talks_between_two_parties_have_the_second_as_target():
    m = only(mentions_of("Talks between the government and the ELN broke down on Monday."), "TALKS")
    assert m.agent == "the government" and m.target_id == "COL_ELN", (m.agent, m.target, m.target_id)


def test_a_complementizer_is_not_part_of_the_agent():
    m = only(mentions_of("Officials said on Monday that rebel forces have seized the town of Orsk."), "OFFENSIVE")
    assert m.agent == "rebel forces"


def test_a_second_report_verb_does_not_lend_its_subject_to_the_reported_attack():
    mentions = mentions_of("The army said it had retaken the village and warned that rebels attacked a convoy "
                           "near Orsk on Monday.")
    m = triggered(mentions, "attacked")
    assert m.agent == "rebels" and m.target == "a convoy", (m.agent, m.target)


def test_a_settlement_word_names_a_place_no_gazetteer_knows():
    m = only(mentions_of("Rebels captured the village of Qartelli on Monday."), "OFFENSIVE")
    assert m.location == "Qartelli"


def test_an_earlier_truce_is_not_a_reference_to_the_one_just_agreed():
    mentions = mentions_of("The two sides agreed to a truce on Monday. "
                           "The previous truce, agreed in 2029, collapsed within weeks.")
    earlier = [m for m in mentions if m.event_type == "CEASEFIRE_PROPOSAL" and m.event_date
               and m.event_date.year == 2029]
    assert earlier and all(m.antecedent_id is None for m in earlier)


def test_one_who_surrenders_is_the_target_of_the_demand_not_its_agent():
    m = only(mentions_of("The army called on the rebels to surrender before the deadline on Friday."),
             "SURRENDER_DEMAND")
    assert m.agent == "The army" and m.target == "the rebels"


def test_a_government_asking_its_own_countrys_rebels_to_surrender_keeps_them_as_target():
    m = only(mentions_of("President Rajapaksa called on the LTTE to lay down their arms and surrender."),
             "SURRENDER_DEMAND")
    assert m.target == "LTTE", (m.agent, m.target)


def test_a_target_is_not_read_from_another_clause():
    m = only(mentions_of("The army said it had gained control of the town as the rebels fled towards the coast "
                         "of Sri Lanka."), "OFFENSIVE")
    assert m.target_id != "LKA" and m.target_country != "LKA", (m.target, m.target_id)


@pytest.mark.parametrize("body", [
    "The offensive is the largest combat operation in the region, officials say.",
    "Rebel units have been attacking the outskirts of Orsk for months, residents say.",
])
def test_speaking_about_an_event_does_not_date_it(body):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.event_date is None, (m.event_date, m.date_basis)


# -- who, when the sentence only implies it ----------------------------------------------------

def test_a_gerund_after_a_temporal_word_shares_the_subject_of_its_clause():
    mentions = mentions_of("The rebels say they will push on toward the capital, after gaining control of two "
                           "villages on Monday.")
    m = next(m for m in mentions if "control" in m.trigger)
    assert m.agent_name and "rebel" in m.agent_name.lower(), (m.agent, m.agent_name)


def test_government_forces_are_the_forces_of_the_state_the_article_names():
    mentions = mentions_of("The Syrian government rejected the envoy's plan on Monday. "
                           "Government forces shelled the town of Rastan the same day.")
    m = triggered(mentions, "shelled")
    assert m.agent == "Government forces" and m.agent_country == "SYR", (m.agent, m.agent_country)


@pytest.mark.parametrize("body, trigger, side", [
    ("On Sunday a Kenyan army spokesman said troops retook the village of Kolbio.", "retook", "KEN"),
    ("AMISOM said on Sunday that the joint forces had captured the town of Baidoa.", "captured", "AMISOM"),
])
def test_forces_named_only_by_their_kind_are_the_official_speakers_side(body, trigger, side):
    m = triggered(mentions_of(body), trigger)
    assert side in (m.agent_id, m.agent_country), (m.agent, m.agent_id, m.agent_country, m.attribution)


def test_forces_named_by_their_own_country_keep_it_whoever_reports_them():
    m = triggered(mentions_of("A Kenyan army spokesman said Somali troops retook the village of Kolbio on Sunday."),
                  "retook")
    assert m.agent_country == "SOM", (m.agent, m.agent_id, m.agent_country)


@pytest.mark.parametrize("body, broker", [
    ("Both sides accepted the Egyptian-brokered truce on Monday.", "EGY"),
    ("The rebels and the army agreed on Monday to a truce brokered by Qatar.", "QAT"),
])
def test_a_brokered_truce_has_the_broker_as_agent(body, broker):
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert broker in (m.agent_id, m.agent_country), (m.agent, m.agent_id, m.agent_country)


def test_a_target_taken_from_elsewhere_in_the_article_is_named_as_briefly_as_the_article_names_it():
    mentions = mentions_of("The Liberation Tigers of Tamil Eelam have held the north for a decade. "
                           "The LTTE said it would defend its positions. "
                           "On Monday the Sri Lankan army recaptured Kilinochchi.")
    m = triggered(mentions, "recaptured")
    assert m.target == "LTTE" and "target" in m.inherited, (m.target, m.inherited)


@pytest.mark.parametrize("body, trigger", [
    ("A regional official said troops overpowered al-Shabab militants and retook the town of Baidoa on Sunday.",
     "retook"),
    ("Army units retook three villages on Sunday in a push against al-Shabab.", "retook"),
])
def test_a_capture_is_against_the_armed_side_its_own_sentence_names(body, trigger):
    m = triggered(mentions_of(body), trigger)
    assert m.target_id == "AL_SHABAB" and "target" not in m.inherited, (m.target, m.target_id, m.inherited)


def test_a_bulletin_story_takes_its_opponent_from_around_it_not_from_the_whole_bulletin():
    mentions = mentions_of(
        "Hamas said on Monday that it would not disarm. Israel said Hamas fighters fired rockets at Sderot "
        "and Hamas denied firing at civilians. Egypt urged both sides to hold their fire. "
        "Mediators expect the talks to resume next week. Both delegations are due in Cairo on Sunday. "
        "Islamic State militants captured the town of Sinjar in northern Iraq on Monday. "
        "Kurdish Peshmerga fighters withdrew from the town after a day of fighting.")
    m = triggered(mentions, "captured")
    assert m.target_id == "IRQ_PESHMERGA", (m.target, m.target_id)


# -- where, for talks and truces -------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "Rebels in the Central African Republic say they have agreed to a truce with the government.",
    "A spokesman for the separatists in eastern Ukraine said on Monday they would respect the truce.",
])
def test_where_the_parties_are_is_not_where_a_truce_was_agreed(body):
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert m.location is None, m.location


def test_a_venue_after_the_trigger_stays_the_venue():
    m = only(mentions_of("Envoys of both sides held talks with officials in Jeddah on Monday."), "TALKS")
    assert m.place_name == "Jeddah"


@pytest.mark.parametrize("body, venue", [
    ("Rebel envoys said they reached a deal on Monday during talks with the government and opposition leaders "
     "in Gabon's capital, Libreville.", "Libreville"),
    ("Rebel envoys held talks with government negotiators on Monday in Kenya's capital, Nairobi.", "Nairobi"),
])
def test_a_capital_named_after_its_country_is_the_venue_not_a_party(body, venue):
    m = only(mentions_of(body), "TALKS")
    assert m.place_name == venue and m.agent != venue, (m.place_name, m.agent)


def test_a_venue_inside_a_long_talks_phrase_counts_but_not_one_inside_a_clause_about_something_else():
    [far] = [m for m in mentions_of("Delegates opened talks with the army commanders and the leaders of the "
                                    "armed opposition groups in Addis Ababa on Monday.") if m.event_type == "TALKS"]
    assert far.place_name == "Addis Ababa", far.place_name
    m = only(mentions_of("Envoys on Monday discussed a proposal for talks, which the rebel leaders and the elders "
                         "of the northern clans said should end the fighting in Kidal."), "TALKS")
    assert m.place_name != "Kidal", m.place_name


def test_an_article_that_names_a_country_reads_its_initials_as_that_country():
    mentions = mentions_of("Rebels in the Central African Republic agreed to a truce on Monday. "
                           "The rebels had seized about a third of the CAR's territory since December.")
    m = triggered(mentions, "seized")
    assert m.place_name == "Central African Republic" and m.place_country == "CAF", (m.location, m.place_name)


def test_a_letter_without_an_accented_form_is_kept_when_names_are_compared():
    assert gazetteer().resolve("Christians") is None  # not the Danish islet of Christiansø
    assert gazetteer().resolve("Tromsø").country == "NOR"


@pytest.mark.parametrize("abbreviation", ["CAR", "DRC", "UK"])
def test_an_abbreviation_is_never_a_village_that_has_it_among_its_names(abbreviation):
    assert gazetteer().resolve(abbreviation) is None


def test_a_state_named_where_the_speakers_are_is_not_the_speaker():
    m = only(mentions_of("Separatists in eastern Ukraine said on Monday that government troops shelled their "
                         "positions."), "OFFENSIVE")
    assert m.attribution == "Separatists" and m.modality == "claimed", (m.attribution, m.modality)


def test_parties_who_sign_or_reach_a_truce_are_its_agents():
    m = only(mentions_of("The rebels signed a truce with the army on Monday."), "CEASEFIRE_PROPOSAL")
    assert (m.agent, m.target) == ("The rebels", "the army")


def test_fighting_with_a_named_party_is_against_it_and_with_weapons_is_not():
    m = only(mentions_of("Hamas fighters are threatening to resume fighting with Israel if the talks fail."),
             "OFFENSIVE")
    assert m.target_id == "ISR", (m.target, m.target_id)


def test_a_truce_deal_with_the_government_of_the_country_the_article_is_in():
    m = only(mentions_of("Rebels in Mali say they have agreed to a ceasefire deal with the government."),
             "CEASEFIRE_PROPOSAL")
    assert m.target == "the government" and m.target_country == "MLI", (m.target, m.target_country)


def test_a_subject_before_is_due_to_is_the_one_who_meets():
    mentions = mentions_of("Foreign Minister Amina Odhiambo of Kenya said the plan was alive. "
                           "She is due to meet the rebel envoys in Nairobi on Friday.")
    m = only(mentions, "TALKS")
    assert "Odhiambo" in (m.agent or ""), (m.agent, m.agent_name)
