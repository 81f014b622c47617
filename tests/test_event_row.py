"""One event's row from its mentions: each field by a confidence-weighted vote."""

import dataclasses
from datetime import date

from pipeline.events.event_row import event_record
from pipeline.records import Mention

DAY = date(2025, 3, 1)


def mention(mid: str, *, modality: str, confidence: float) -> Mention:
    fields = {f.name: None for f in dataclasses.fields(Mention)}
    return Mention(**(fields | dict(
        mention_id=mid, event_id="e", article_id=f"a-{mid}", source_path=f"{mid}.txt", published_date=DAY,
        event_type="CEASEFIRE_PROPOSAL", trigger="truce", trigger_start=0, trigger_end=5, modality=modality,
        sentence="s", sentence_start=0, sentence_end=1, confidence=confidence, extractor="test", run_id="r")))


def test_the_modality_with_the_most_confidence_behind_it_is_the_events_whatever_the_order():
    mentions = [mention("a", modality="asserted", confidence=0.5), mention("b", modality="proposed", confidence=0.4),
                mention("c", modality="proposed", confidence=0.3)]
    for order in (mentions, mentions[::-1]):
        assert event_record("e", order, {}).modality == "proposed"


def test_one_confident_mention_outweighs_two_doubtful_ones():
    mentions = [mention("a", modality="asserted", confidence=0.9), mention("b", modality="denied", confidence=0.4),
                mention("c", modality="denied", confidence=0.4)]
    assert event_record("e", mentions, {}).modality == "asserted"


def test_a_mention_lacking_an_agent_takes_a_named_party_before_a_more_confident_description():
    from pipeline.events.assign import share_within_articles

    def one(mid, confidence, **values):
        return dataclasses.replace(mention(mid, modality="asserted", confidence=confidence), article_id="a",
                                   event_type="OFFENSIVE", inherited=(), **values)
    named = one("n", 0.6, agent="the SLA", agent_id="LKA_MIL", agent_name="Sri Lanka armed forces")
    described = one("d", 0.9, agent="the military", agent_name="the military")
    bare = one("b", 0.5)
    shared = {m.mention_id: m for m in share_within_articles([named, described, bare])}
    assert shared["b"].agent_id == "LKA_MIL" and "agent" in shared["b"].inherited, shared["b"].agent
    assert shared["d"].agent == "the military"  # its own words stay
