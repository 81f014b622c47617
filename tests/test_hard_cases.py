"""Cases analysts complain about in GDELT/PETRARCH output: each one asserted on extracted values."""

from datetime import date, datetime, timezone


from pipeline.extract import extract_mentions
from pipeline.ingest.parse import parse_document

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mentions_of(body: str, published: str = "2025-03-15", title: str = "Headline"):
    text = f" date {published} Test Wire / world\n\n{title}\n\n{body}\n"
    [article] = parse_document(text.encode(), "t.txt", run_id="t", now=NOW).articles
    return extract_mentions([article], run_id="t")


def one(mentions, event_type):
    found = [m for m in mentions if m.event_type == event_type]
    assert len(found) == 1, [(m.event_type, m.trigger, m.modality) for m in mentions]
    return found[0]


def test_denial_is_not_coded_as_an_attack():
    m = one(mentions_of("The Russian Defence Ministry denied that its forces had attacked the hospital in Kharkiv."),
            "OFFENSIVE")
    assert m.modality == "denied"


def test_negated_talks_are_denied():
    m = one(mentions_of("No talks were held between the two delegations on Friday, officials said."), "TALKS")
    assert m.modality == "denied"


def test_conditional_surrender_is_hypothetical():
    m = one(mentions_of('"If they lay down their arms, they will be spared," the commander said.'),
            "SURRENDER_DEMAND")
    assert m.modality == "hypothetical"
    assert m.attribution == "the commander" or m.attribution is None


def test_future_offensive_is_hypothetical():
    m = one(mentions_of("Analysts warned that Russia could launch a new offensive towards Sumy within weeks."),
            "OFFENSIVE")
    assert m.modality == "hypothetical"


def test_historical_reference_is_dated_in_the_past():
    m = one(mentions_of("Officials recalled the incursion last August, when Ukrainian troops crossed into Kursk."),
            "OFFENSIVE")
    assert (m.event_date, m.date_precision) == (date(2024, 8, 1), "month")
    assert m.event_date != date(2025, 3, 15)


def test_reported_speech_is_claimed_with_its_source():
    m = one(mentions_of("Russian forces shelled Kupiansk overnight, the regional governor said."), "OFFENSIVE")
    assert m.modality == "claimed"
    assert m.attribution is not None and "governor" in m.attribution


def test_undated_event_does_not_take_the_publication_date():
    m = one(mentions_of("Hamas said Israeli warplanes struck a school in Gaza City."), "OFFENSIVE")
    assert m.event_date is None and m.date_precision == "unknown"


def test_region_of_kursk_is_the_region_not_the_city():
    region = one(mentions_of("Ukrainian troops attacked positions in the Russian region of Kursk on Friday."),
                 "OFFENSIVE")
    assert region.place_name == "Kursk" and region.geo_precision == 3
    city = one(mentions_of("A drone attack hit an apartment block in the city of Kursk on Friday."), "OFFENSIVE")
    assert city.place_name == "Kursk" and city.geo_precision == 1
    assert city.geonameid == 538560
    assert (region.latitude, region.longitude) != (city.latitude, city.longitude)
    assert region.place_admin1 == city.place_admin1 == "Kursk"


def test_titles_resolve_to_the_office_holder_of_the_day():
    m = one(mentions_of("US President Donald Trump said his envoy had held talks with Russia's leader."), "TALKS")
    assert m.target_id == "RUS_PUTIN"
    assert m.agent_id == "USA_WITKOFF"  # "his envoy", his = Trump


def test_counts_and_durations_are_typed():
    m = one(mentions_of('Trump said "thousands" of Ukrainian troops were surrounded by the Russian military.'),
            "OFFENSIVE")
    assert (m.count_value, m.count_unit, m.count_approximate) == (2000, "troops", True)
    c = one(mentions_of("Kyiv accepted a US proposal for a 30-day ceasefire."), "CEASEFIRE_PROPOSAL")
    assert c.duration_days == 30 and c.plover_type == "REQUEST" and c.cameo_code == "0871"


def test_unknown_people_are_kept_without_an_id():
    m = one(mentions_of("Rebel commander Patrick Mukendi called on government soldiers to surrender."),
            "SURRENDER_DEMAND")
    assert m.agent == "Patrick Mukendi" and m.agent_id is None and m.agent_name == "Patrick Mukendi"
    assert m.target == "government soldiers" and m.target_id is None
