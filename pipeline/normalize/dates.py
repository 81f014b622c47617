"""Date expressions ("on Friday", "last August", "over the past week") -> dated periods.

News text dates events relative to the day it was published. Each expression
resolves against the publication date to a period (start, end) with a
precision, so "last August" is the month 2024-08, not the publication day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

DAY, WEEK, MONTH, YEAR, UNKNOWN = "day", "week", "month", "year", "unknown"

_WEEKDAYS = {name: i for i, name in enumerate(calendar.day_name)}  # Monday = 0
_WEEKDAYS = {k.lower(): v for k, v in _WEEKDAYS.items()}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                "oct": 10, "nov": 11, "dec": 12})
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "couple": 2, "few": 3, "several": 3}
_LEADING = re.compile(r"^(on|in|during|since|by|over|within|throughout|for|early|late|mid|earlier|later|until)\s+")
_RECENT = {"recent days", "recent weeks", "days ago", "a few days ago", "few days ago", "several days ago",
           "a couple of days ago", "couple of days ago", "days after", "just days after", "only days after"}
_PART_OF_DAY = re.compile(r"\s+(morning|afternoon|evening|night)$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    precision: str


def _month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), MONTH)


def _day(d: date) -> Period:
    return Period(d, d, DAY)


def _most_recent_month(month: int, published: date, *, strictly_before: bool) -> Period:
    """The latest `month` not after the publication month (before it, for 'last August')."""
    year = published.year
    if month > published.month or (strictly_before and month == published.month):
        year -= 1
    return _month_period(year, month)


def _infer_year(month: int, day: int, published: date) -> int:
    """News reports past events: a day-month without year is the latest one not far after publication."""
    year = published.year
    try:
        candidate = date(year, month, day)
    except ValueError:
        return year
    return year - 1 if candidate > published + timedelta(days=7) else year


def resolve_date(text: str, published: date | None, future: bool = False) -> Period | None:
    """Resolve one date expression; None when it cannot be resolved (e.g. relative, no publication date,
    or a date outside the calendar: year 0, 'a million days ago'). ``future``: the event is announced
    for later, so a weekday or a month is the next one, not the last."""
    try:
        return _resolve(text, published, future)
    except (ValueError, OverflowError):
        return None


def _resolve(text: str, published: date | None, future: bool = False) -> Period | None:
    t = " ".join(text.lower().replace(",", " ").split())
    t = t.removeprefix("the ")
    # Absolute forms first: they need no publication date.
    if m := re.fullmatch(r"(?:on |in |since )?(\d{4})\s?-\s?(\d{2})\s?-\s?(\d{2})", t):
        try:
            return _day(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return None
    words = t.split()
    core = _PART_OF_DAY.sub("", _LEADING.sub("", _LEADING.sub("", t)))  # "late on Friday", "Saturday evening"
    cwords = core.split()
    if m := re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", core):  # March 13 [2025]
        month, day, year = _MONTHS.get(m[1]), int(m[2]), m[3]
        if month:
            return _safe_day(int(year) if year else None, month, day, published)
    if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?(?: (\d{4}))?", core):  # 13 March [2025]
        day, month, year = int(m[1]), _MONTHS.get(m[2]), m[3]
        if month:
            return _safe_day(int(year) if year else None, month, day, published)
    if m := re.fullmatch(r"([a-z]+)\.? (\d{4})", core):  # August 2024
        if month := _MONTHS.get(m[1]):
            return _month_period(int(m[2]), month)
    if m := re.fullmatch(r"(\d{4})", core):
        year = int(m[1])
        return Period(date(year, 1, 1), date(year, 12, 31), YEAR) if 1900 <= year <= 2100 else None

    if published is None:
        return None
    p = published
    if core in ("today", "tonight", "this morning", "this evening") or t in ("this morning", "this evening"):
        return _day(p)
    if core in ("yesterday", "last night", "last evening") or t in ("last night", "last evening"):
        return _day(p - timedelta(days=1))  # the part of day is stripped from 'last night' before here
    if core in ("weekend", "this weekend", "the weekend"):  # 'over the weekend': the latest one
        saturday = p - timedelta(days=(p.weekday() - 5) % 7)
        return Period(saturday, min(saturday + timedelta(days=1), p), WEEK)
    if core in _RECENT or t in _RECENT:
        # 'in recent days', 'a few days ago', 'days after': recent, but no day is given; the
        # publication month is what the text supports
        return Period(p.replace(day=1), p, MONTH)
    if cwords and cwords[-1] in _WEEKDAYS and len(cwords) <= 2:
        if future or cwords[0] == "next":
            ahead = (_WEEKDAYS[cwords[-1]] - p.weekday()) % 7
            return _day(p + timedelta(days=ahead or (7 if cwords[0] == "next" else 0)))
        back = (p.weekday() - _WEEKDAYS[cwords[-1]]) % 7
        if back == 0 and cwords[0] in ("last", "past"):
            back = 7
        return _day(p - timedelta(days=back))
    if cwords and cwords[-1].rstrip(".") in _MONTHS and len(cwords) <= 2:
        month = _MONTHS[cwords[-1].rstrip(".")]
        return _most_recent_month(month, p, strictly_before=cwords[0] == "last")
    if core in ("last week", "previous week"):
        monday = p - timedelta(days=p.weekday() + 7)
        return Period(monday, monday + timedelta(days=6), WEEK)
    if core in ("next week",):
        monday = p - timedelta(days=p.weekday()) + timedelta(days=7)
        return Period(monday, monday + timedelta(days=6), WEEK)
    if core in ("this week", "earlier this week"):
        return Period(p - timedelta(days=p.weekday()), p, WEEK)
    if core in ("last weekend",):
        saturday = p - timedelta(days=(p.weekday() - 5) % 7 or 7)
        return Period(saturday, saturday + timedelta(days=1), WEEK)
    if core in ("last month", "previous month"):
        first = p.replace(day=1) - timedelta(days=1)
        return _month_period(first.year, first.month)
    if core in ("this month", "earlier this month"):
        return Period(p.replace(day=1), p, MONTH)
    if core in ("last year", "previous year"):
        return Period(date(p.year - 1, 1, 1), date(p.year - 1, 12, 31), YEAR)
    if core in ("this year", "earlier this year"):
        return Period(date(p.year, 1, 1), p, YEAR)
    if m := re.fullmatch(r"(?:the )?(?:past|last|previous)(?: (\w+))?(?: of)? (days?|weeks?|months?|year)", core):
        n = _NUMBER_WORDS.get(m[1] or "one", 1) if not (m[1] or "").isdigit() else int(m[1])
        unit = m[2].rstrip("s")
        span = {"day": n, "week": 7 * n, "month": 30 * n, "year": 365}[unit]
        precision = {"day": WEEK if n <= 7 else MONTH, "week": WEEK if n == 1 else MONTH,
                     "month": MONTH if n == 1 else YEAR, "year": YEAR}[unit]
        return Period(p - timedelta(days=span), p, precision)
    if m := re.fullmatch(r"(\w+) (days?|weeks?|months?|years?) ago", " ".join(words)):
        n = int(m[1]) if m[1].isdigit() else _NUMBER_WORDS.get(m[1])
        if n is None:
            return None
        unit = m[2].rstrip("s")
        if unit == "day":
            return _day(p - timedelta(days=n))
        if unit == "week":
            start = p - timedelta(days=7 * n)
            return Period(start - timedelta(days=start.weekday()), start - timedelta(days=start.weekday()) + timedelta(days=6), WEEK)
        if unit == "month":
            y, mth = divmod(p.year * 12 + p.month - 1 - n, 12)
            return _month_period(y, mth + 1)
        return Period(date(p.year - n, 1, 1), date(p.year - n, 12, 31), YEAR)
    return None


def _safe_day(year: int | None, month: int, day: int, published: date | None) -> Period | None:
    if year is None:
        if published is None:
            return None
        year = _infer_year(month, day, published)
    try:
        return _day(date(year, month, day))
    except ValueError:
        return None
