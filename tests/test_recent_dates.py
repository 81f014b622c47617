"""Vague recent times and parts of days, as news writes them, resolved against publication: 'in recent
days', 'a few days ago' and 'days after' (after a present-tense event) give the publication month; 'over
the weekend' the latest weekend; 'last night' and 'this morning' their day."""

from datetime import date, datetime, timezone

import pytest

from pipeline.extract import extract_mentions
from pipeline.ingest.parse import parse_document
from pipeline.normalize.dates import resolve_date

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
WEDNESDAY = date(2031, 4, 9)


def mentions_of(body: str, published: str = "2031-04-09"):
    text = f" date {published} Test Wire / world\n\nHeadline\n\n{body}\n"
    [a] = parse_document(text.encode(), "t.txt", run_id="t", now=NOW).articles
    return extract_mentions([a], run_id="t")


@pytest.mark.parametrize("text", ["in recent days", "in recent weeks", "a few days ago", "several days ago",
                                  "a couple of days ago", "days ago"])
def test_a_vague_recent_time_is_the_publication_month(text):
    period = resolve_date(text, WEDNESDAY)
    assert period is not None and period.precision == "month" and period.start == date(2031, 4, 1), period


@pytest.mark.parametrize("text, day", [("last night", date(2031, 4, 8)), ("this morning", WEDNESDAY),
                                       ("this evening", WEDNESDAY)])
def test_a_part_of_a_day_keeps_its_day(text, day):
    period = resolve_date(text, WEDNESDAY)
    assert period is not None and period.start == day and period.precision == "day", period


@pytest.mark.parametrize("text", ["over the weekend", "the weekend", "this weekend"])
def test_the_weekend_is_the_latest_one(text):
    period = resolve_date(text, WEDNESDAY)
    assert period is not None and (period.start, period.end) == (date(2031, 4, 5), date(2031, 4, 6)), period


def test_a_weekend_article_means_its_own_weekend():
    sunday = date(2031, 4, 13)
    assert resolve_date("over the weekend", sunday).start == date(2031, 4, 12)


@pytest.mark.parametrize("body, trigger, start", [
    ("Militants attacked a checkpoint near the border in recent days, officials said.", "attacked",
     date(2031, 4, 1)),
    ("Rebels shelled the port a few days ago.", "shelled", date(2031, 4, 1)),
    ("Troops recaptured the hill town over the weekend.", "recaptured", date(2031, 4, 5)),
    ("Gunmen stormed a police post in the delta last night.", "stormed", date(2031, 4, 8)),
])
def test_vague_and_part_of_day_times_date_the_event(body, trigger, start):
    m = next(m for m in mentions_of(body) if m.trigger.startswith(trigger))
    assert m.event_date == start, (m.event_date, m.date_text)


@pytest.mark.parametrize("body, trigger", [
    ("The airstrikes come days after the rebels claimed responsibility for drone attacks on a refinery.",
     "drone attacks"),
    ("The offensive comes just days after militants bombed a market in the capital.", "bombed"),
])
def test_what_happened_days_before_a_present_event_is_this_month(body, trigger):
    m = next(m for m in mentions_of(body) if m.trigger == trigger)
    assert m.event_date == date(2031, 4, 1) and m.date_precision == "month", (m.event_date, m.date_text)


def test_days_after_a_past_event_says_nothing_of_the_publication_month():
    found = mentions_of("In 2019 the army stormed the valley days after rebels ambushed a convoy.")
    ambush = next(m for m in found if m.trigger == "ambushed")
    assert ambush.event_date is None or ambush.event_date.year != 2031, ambush.event_date


def test_a_relative_count_of_days_does_not_date_a_report():
    """'three days after X said Y would halt': a count of days from another event, not a vague recent time."""
    found = mentions_of("The announcement came three days after the rebel council said its fighters would halt "
                        "offensive operations for two weeks.")
    halt = [m for m in found if m.event_type == "CEASEFIRE_PROPOSAL"]
    assert halt and all(m.date_text != "days after" for m in halt), [(m.trigger, m.date_text) for m in halt]


@pytest.mark.parametrize("body, trigger, day", [
    ("While the army pounded the suburbs on Monday, rebels ambushed a convoy near the port.", "ambushed",
     date(2031, 4, 7)),
    ("As militias shelled the airport on Sunday, government troops stormed the northern district.", "stormed",
     date(2031, 4, 6)),
])
def test_a_clause_of_the_same_time_dates_the_main_event(body, trigger, day):
    m = next(m for m in mentions_of(body) if m.trigger.startswith(trigger))
    assert m.event_date == day, (m.event_date, m.date_text)
