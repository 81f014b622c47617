"""pipeline.nlp.event_dates on sentences written for these tests: the date and duration a sentence
gives an event."""

from datetime import date

import pytest

from pipeline.nlp.event_dates import duration_days, event_date

from sentence_parts import parts

PUBLISHED = date(2031, 4, 9)  # a Wednesday


@pytest.mark.parametrize("text, start, end, precision, written", [
    ("Russian forces shelled Kharkiv on Tuesday.", date(2031, 4, 8), date(2031, 4, 8), "day", "on Tuesday"),
    ("Russian forces shelled Kharkiv on 3 April.", date(2031, 4, 3), date(2031, 4, 3), "day", "on 3 April"),
    ("Russian forces shelled Kharkiv last month.", date(2031, 3, 1), date(2031, 3, 31), "month", "last month"),
])
def test_event_date_reads_the_sentence_against_the_publication_date(nlp, text, start, end, precision, written):
    p = parts(nlp, text, "shelled")
    period, text_of_date = event_date(p.doc, p.s, [p.trig], PUBLISHED, p.spec)
    assert (period.start, period.end, period.precision, text_of_date) == (start, end, precision, written)


def test_a_weekday_of_an_announced_attack_is_the_coming_one(nlp):
    p = parts(nlp, "Russian forces will attack Kharkiv on Friday.", "attack")
    period, _ = event_date(p.doc, p.s, [p.trig], PUBLISHED, p.spec)
    assert period.start == date(2031, 4, 11)


def test_a_sentence_without_a_date_gives_none(nlp):
    p = parts(nlp, "Russia proposed a 30-day ceasefire.", "ceasefire")
    assert event_date(p.doc, p.s, [p.trig], PUBLISHED, p.spec) == (None, None)


@pytest.mark.parametrize("text, days", [
    ("Russia proposed a 30-day ceasefire.", 30),
    ("Hamas proposed a 72-hour truce.", None),  # hours are not counted in days
    ("Hamas accepted the ceasefire on Monday.", None),
])
def test_duration_days(nlp, text, days):
    trigger = "truce" if "truce" in text else "ceasefire"
    p = parts(nlp, text, trigger)
    assert duration_days(p.doc, p.s, p.trig) == days
