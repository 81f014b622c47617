"""The date of a ceasefire proposal is the day of the act reported (the call, offer, brokering or
declaration), not a deadline or a start date among its terms, on invented news sentences."""

from datetime import date, datetime, timezone

import pytest

from pipeline.extract import extract_mentions
from pipeline.ingest.parse import parse_document

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def mentions_of(body: str, published: str = "2031-04-09"):  # a Wednesday
    text = f" date {published} Test Wire / world\n\nHeadline\n\n{body}\n"
    [a] = parse_document(text.encode(), "t.txt", run_id="t", now=NOW).articles
    return extract_mentions([a], run_id="t")


def proposal(body: str):
    found = [m for m in mentions_of(body) if m.event_type == "CEASEFIRE_PROPOSAL"]
    assert len(found) == 1, [(m.trigger, m.event_date, m.date_text) for m in found]
    return found[0]


@pytest.mark.parametrize("body", [
    "The council demanded a halt to the fighting by 6 a.m. on Friday.",
    "The bishops urged both militias to lay down a truce by Sunday.",
    "The mediators asked the two armies to halt hostilities no later than April 3.",
])
def test_a_deadline_among_the_terms_does_not_date_the_call(body):
    m = proposal(body)
    assert m.event_date is None or m.date_text is None, (m.event_date, m.date_text)


def test_the_day_of_the_call_dates_it_and_its_deadline_does_not():
    m = proposal("Rebel leaders called on Tuesday for a truce to begin no later than April 20.")
    assert m.event_date == date(2031, 4, 8), (m.event_date, m.date_text)


@pytest.mark.parametrize("body, start", [
    ("The Qatari mediator brokered a four-point plan last month that called for the militias to leave the port "
     "and stop all attacks by Monday.", date(2031, 3, 1)),
    ("Oman brokered a deal in January that called on both sides to halt hostilities by March 1.", date(2031, 1, 1)),
])
def test_a_term_of_a_brokered_plan_is_dated_by_the_brokering(body, start):
    m = proposal(body)
    assert m.event_date == start and m.date_precision == "month", (m.event_date, m.date_text)


def test_a_date_before_an_event_is_not_read_as_a_deadline():
    """'before dawn on Tuesday' says when, not by when."""
    m = proposal("Militia leaders declared a truce before dawn on Tuesday.")
    assert m.event_date == date(2031, 4, 8), (m.event_date, m.date_text)


@pytest.mark.parametrize("body, day", [
    ("Even as it shelled the old city on Wednesday, the government told the envoy it would halt all attacks.",
     date(2031, 4, 9)),
    ("While troops pounded the suburbs on Monday, the junta announced it would observe a truce.", date(2031, 4, 7)),
    ("On Tuesday the government told the envoy that it would halt all attacks.", date(2031, 4, 8)),
])
def test_a_pledge_is_dated_by_its_announcement_and_a_clause_of_the_same_time(body, day):
    m = proposal(body)
    assert m.event_date == day, (m.event_date, m.date_text)


def test_a_clause_of_another_time_does_not_date_the_pledge():
    m = proposal("After the army shelled the old city on Sunday, the government told the envoy it would halt "
                 "all attacks.")
    assert m.event_date != date(2031, 4, 6), (m.event_date, m.date_text)
