from datetime import date

import pytest

from pipeline.normalize.dates import resolve_date

PUB = date(2025, 3, 15)  # a Saturday


@pytest.mark.parametrize(
    "text, start, end, precision",
    [
        ("on Friday", date(2025, 3, 14), date(2025, 3, 14), "day"),
        ("Thursday", date(2025, 3, 13), date(2025, 3, 13), "day"),
        ("on Saturday", date(2025, 3, 15), date(2025, 3, 15), "day"),
        ("last Saturday", date(2025, 3, 8), date(2025, 3, 8), "day"),
        ("yesterday", date(2025, 3, 14), date(2025, 3, 14), "day"),
        ("last August", date(2024, 8, 1), date(2024, 8, 31), "month"),
        ("in February", date(2025, 2, 1), date(2025, 2, 28), "month"),
        ("last March", date(2024, 3, 1), date(2024, 3, 31), "month"),
        ("in March", date(2025, 3, 1), date(2025, 3, 31), "month"),
        ("over the past week", date(2025, 3, 8), date(2025, 3, 15), "week"),
        ("last week", date(2025, 3, 3), date(2025, 3, 9), "week"),
        ("last month", date(2025, 2, 1), date(2025, 2, 28), "month"),
        ("last year", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("March 13", date(2025, 3, 13), date(2025, 3, 13), "day"),
        ("13 March 2024", date(2024, 3, 13), date(2024, 3, 13), "day"),
        ("December 2", date(2024, 12, 2), date(2024, 12, 2), "day"),
        ("August 2024", date(2024, 8, 1), date(2024, 8, 31), "month"),
        ("in 2023", date(2023, 1, 1), date(2023, 12, 31), "year"),
        ("2025-03-10", date(2025, 3, 10), date(2025, 3, 10), "day"),
        ("three days ago", date(2025, 3, 12), date(2025, 3, 12), "day"),
    ],
)
def test_relative_and_absolute_dates_resolve_against_publication(text, start, end, precision):
    period = resolve_date(text, PUB)
    assert (period.start, period.end, period.precision) == (start, end, precision)


def test_relative_dates_need_a_publication_date():
    assert resolve_date("on Friday", None) is None
    assert resolve_date("last August", None) is None
    assert resolve_date("13 March 2024", None).start == date(2024, 3, 13)


@pytest.mark.parametrize("text", ["2025-02-30", "February 30", "someday", ""])
def test_impossible_or_unknown_expressions_give_none(text):
    assert resolve_date(text, PUB) is None
