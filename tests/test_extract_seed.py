"""The sample article: the events an analyst expects, with their roles, dates and modality."""

from datetime import date

import pytest


@pytest.fixture(scope="module")
def mentions(seed_mentions):
    return seed_mentions[1]


@pytest.fixture(scope="module")
def article(seed_mentions):
    return seed_mentions[0]


def of_type(mentions, event_type):
    return [m for m in mentions if m.event_type == event_type]


def test_surrender_demand_by_putin_to_ukrainian_troops_in_kursk_on_friday(mentions):
    demands = [m for m in of_type(mentions, "SURRENDER_DEMAND") if m.modality == "asserted"]
    assert len(demands) == 1
    m = demands[0]
    assert m.agent_id == "RUS_PUTIN" and "Putin" in m.agent
    assert m.target == "Ukrainian troops" and m.target_id == "UKR_MIL"
    assert m.location == "Kursk"
    assert (m.event_date, m.date_precision) == (date(2025, 3, 14), "day")
    assert m.date_text == "on Friday"


def test_talks_between_witkoff_and_putin_on_thursday(mentions):
    talks = [m for m in of_type(mentions, "TALKS") if m.event_date == date(2025, 3, 13)]
    assert len(talks) == 1
    m = talks[0]
    assert m.agent_id == "USA_WITKOFF" and "Steve Witkoff" in m.agent
    assert m.target_id == "RUS_PUTIN"
    assert m.date_precision == "day"
    assert m.modality == "asserted"
    assert "a meeting Thursday between his envoy Steve Witkoff and Putin" in m.sentence


def test_reported_talks_are_attributed_to_trump_and_asserted(mentions):
    """Talks a party says its own envoy held are asserted (the real-news conventions), with their source."""
    reported = [m for m in of_type(mentions, "TALKS") if m.attribution and m.attribution.endswith("Trump")]
    assert len(reported) == 1
    assert reported[0].modality == "asserted"
    assert reported[0].target == "Russia's leader"


def test_generic_peace_talks_are_not_asserted(mentions):
    generic = [m for m in of_type(mentions, "TALKS") if "peace talks for the three-year-old war" in m.sentence]
    assert len(generic) == 1
    assert generic[0].modality != "asserted"


def test_30_day_ceasefire_proposed_by_the_us_and_ukraine(mentions):
    proposals = of_type(mentions, "CEASEFIRE_PROPOSAL")
    assert proposals and all(m.modality == "proposed" for m in proposals)
    assert {m.duration_days for m in proposals} >= {30}
    from_us = [m for m in proposals if m.agent_id == "USA"]
    assert len(from_us) == 1
    assert from_us[0].agent == "US-Ukrainian"
    assert from_us[0].duration_days == 30
    assert "pause in hostilities" in from_us[0].trigger


def test_russian_counteroffensive_in_kursk_over_the_past_week(mentions):
    [m] = [m for m in of_type(mentions, "OFFENSIVE") if m.agent_id == "RUS"]
    assert m.location == "Kursk"
    assert m.date_precision == "week"
    assert (m.event_date, m.event_date_end) == (date(2025, 3, 8), date(2025, 3, 15))
    assert m.modality == "asserted"


def test_ukrainian_incursion_last_august(mentions):
    [m] = [m for m in of_type(mentions, "OFFENSIVE") if m.agent_id == "UKR"]
    assert (m.event_date, m.date_precision) == (date(2024, 8, 1), "month")
    assert m.location == "Kursk"
    assert "incursion last August" in m.sentence


def test_a_later_denial_disputes_trumps_claim(mentions):
    [claim] = [m for m in of_type(mentions, "OFFENSIVE") if m.modality == "claimed"]
    assert claim.attribution == "Trump" and claim.agent_id == "RUS_MIL"
    assert claim.disputed_by == "Ukraine's military leadership"


def test_denied_encirclement_is_not_asserted(mentions):
    [m] = [m for m in of_type(mentions, "OFFENSIVE") if "encircled" in m.sentence]
    assert m.modality == "denied"
    assert m.attribution == "Ukraine's General Staff"


def test_conditional_surrender_offer_is_hypothetical(mentions):
    [m] = [m for m in of_type(mentions, "SURRENDER_DEMAND") if "If they lay down their arms" in m.sentence]
    assert m.modality == "hypothetical"
    assert m.attribution == "Putin"


def test_evidence_offsets_point_into_the_body(article, mentions):
    assert mentions
    for m in mentions:
        assert article.body[m.sentence_start:m.sentence_end] == m.sentence
        assert article.body[m.trigger_start:m.trigger_end] == m.trigger
        assert m.sentence_start <= m.trigger_start < m.trigger_end <= m.sentence_end
        assert 0.0 <= m.confidence <= 1.0


def test_a_text_that_is_not_the_docs_own_is_not_trusted(article, nlp):
    """extract_events takes the article body to skip rebuilding doc.text; a wrong string must not
    shift evidence offsets."""
    from pipeline.nlp.extract import extract_events

    doc = nlp(article.body)
    expected = extract_events(doc, article.published_date)
    assert extract_events(doc, article.published_date, article.body) == expected
    assert extract_events(doc, article.published_date, article.body[1:] + " ") == expected
    assert [d.sentence_start for d in expected][:1] and all(
        article.body[d.sentence_start:d.sentence_end] == d.sentence for d in expected)
