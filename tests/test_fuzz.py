"""Property tests for every input parser and for the Parquet/DuckDB round trip.

Bounded so the file runs in well under a minute: few examples, no deadline,
no example database (nothing is written into the repository). Known library
bugs it found (deep or huge JSON, overflowing dates, NFC across JSON escapes,
empty feeds, nameless sources) are kept as explicit regression examples.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import errors
from pipeline.errors import BadArticle
from pipeline.ingest.formats import parse_date
from pipeline.ingest.ids import article_id
from pipeline.ingest.parse import parse_document
from pipeline.warehousing.store import Warehouse
from pipeline.normalize.dates import resolve_date
from pipeline.query import run_sql
from pipeline.records import Article, from_arrow, to_arrow

from conftest import NOW

FAST = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

PATHS = ["in/a.txt", "in/a.json", "in/a.jsonl", "in/a", "in/B.JSONL"]
JSON_KEYS = ["title", "headline", "text", "body", "content", "article", "published", "date",
             "pub_date", "outlet", "source", "publisher", "section", "category", "url", "link",
             "articles", "name"]

# Text with everything but surrogates (not encodable) and, where said, NUL.
any_text = st.text(st.characters(exclude_categories=("Cs",)))
no_nul = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
no_nul_cr = st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r")
line_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\n\r"))


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def clean(s: str) -> str:
    """What ingest promises for a body: lines right-trimmed, surrounding whitespace gone."""
    return "\n".join(line.rstrip() for line in s.split("\n")).strip()


def parse(data: bytes, path: str = "a.txt"):
    return parse_document(data, path, run_id="fuzz", now=NOW)


def encode(text: str, newline: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode("utf-8")


@st.composite
def documents(draw):
    """Arbitrary bytes, or arbitrary text as UTF-8 (BOM or not, LF/CRLF/CR), or JSON-ish text."""
    kind = draw(st.sampled_from(["bytes", "text", "json"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "text":
        text = draw(any_text)
    else:
        leaves = st.none() | st.booleans() | st.integers() | st.floats() | any_text | st.dates().map(str)
        values = st.recursive(leaves, lambda c: st.lists(c, max_size=3)
                              | st.dictionaries(st.sampled_from(JSON_KEYS) | any_text, c, max_size=5),
                              max_leaves=12)
        items = draw(st.lists(values, min_size=1, max_size=4))
        ascii_ = draw(st.booleans())
        text = draw(st.sampled_from(["\n", "\n\n", ","])).join(json.dumps(v, ensure_ascii=ascii_) for v in items)
        if draw(st.booleans()):
            text = "[" + text + "]"
    return encode(text, draw(st.sampled_from(["\n", "\r\n", "\r"])), draw(st.booleans()))




# -- 1. parse_document ---------------------------------------------------------------


@FAST
@given(documents(), st.sampled_from(PATHS))
@example(b"", "in/a.jsonl")
@example(b"\xef\xbb\xbf \r\n", "in/a.txt")
@example(b"\x89PNG\r\n\x1a\n\x00", "in/a.json")
@example(b"\xef\xbb\xbf", "in/a.jsonl")
@example(b"\x1c", "in/a.jsonl")
@example(b"[]", "in/a.json")
@example(b"[" * 100_000, "in/a.json")
@example(b"1" * 4301, "in/a.jsonl")
@example(json.dumps({"title": "T", "text": "a\n\u0303", "published": "2025-03-15"}, ensure_ascii=False).encode(),
         "in/a.jsonl")
def test_any_input_becomes_articles_or_rejects_and_never_raises(data, path):
    """read_file's contract: nothing raises, nothing is dropped silently, bodies are normalised."""
    result = parse(data, path)
    assert result.articles or result.rejects, "input produced neither article nor reject"
    for r in result.rejects:
        assert r.reason in errors.REASONS
        assert isinstance(r.detail, str) and r.detail.strip()
        assert r.source_path == path
    for a in result.articles:
        assert a.body and a.body == nfc(a.body)
        assert "\r" not in a.body
        assert a.article_id == article_id(a.title, a.body)
        assert a.source_path == path
        assert a.title is None or "\r" not in a.title


@st.composite
def header_articles(draw):
    """A valid header-layout article, its encoding, and the fields it must parse to."""
    published = draw(st.dates())
    outlet = draw(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\n\r/"),
                          min_size=1).filter(str.strip))
    section = draw(st.none() | line_text)
    title = draw(line_text.filter(str.strip))
    body = draw(st.text(no_nul_cr).filter(str.strip))  # line endings come from `encode`
    header = f" date {published.isoformat()} {outlet}" + ("" if section is None else f" / {section}")
    text = f"{header}\n\n{title}\n\n{body}\n"
    data = encode(text, draw(st.sampled_from(["\n", "\r\n", "\r"])), draw(st.booleans()))
    expected = {
        "published_date": published,
        "outlet": nfc(outlet).strip() or None,
        "section": nfc(section).strip() or None if section is not None else None,
        "title": " ".join(nfc(title).split()),
        "body": clean(nfc(body)),
    }
    return data, expected


@FAST
@given(header_articles())
def test_valid_header_articles_round_trip(case):
    """The sample layout keeps its date, outlet, section, headline and body (whitespace-trimmed)."""
    data, expected = case
    result = parse(data, "wire/story.txt")
    assert result.rejects == []
    [a] = result.articles
    assert a.source_format == "header"
    got = {k: getattr(a, k) for k in expected}
    assert got == expected
    assert a.quality_flags == ()




json_record = st.fixed_dictionaries({
    "title": any_text,
    "text": any_text.filter(str.strip),
    "published": st.one_of(
        st.dates().map(date.isoformat),
        st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.isoformat().replace("+00:00", "Z")),
    ),
})


@FAST
@given(st.lists(json_record, min_size=1, max_size=4), st.booleans(),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_valid_json_lines_round_trip(records, ascii_, newline, bom):
    """Each JSON Lines record keeps title (whitespace collapsed), body (trimmed) and date, in order."""
    lines = [json.dumps(r, ensure_ascii=ascii_) for r in records]
    result = parse(encode("\n".join(lines), newline, bom), "feed.jsonl")
    assert result.rejects == []
    assert [a.source_record for a in result.articles] == list(range(1, len(records) + 1))
    for a, r in zip(result.articles, records):
        assert a.source_format == "jsonl"
        assert a.published_date == parse_date(r["published"]) == date.fromisoformat(r["published"][:10])
        assert a.title == (nfc(" ".join(nfc(r["title"]).split())) or None)
        assert a.body == clean(nfc(r["text"].replace("\r\n", "\n").replace("\r", "\n")))


@settings(max_examples=20, deadline=None, database=None)
@given(json_record)
@example({"title": "T", "text": "a\n\u0303", "published": "2025-03-15"})
def test_json_lines_with_raw_non_ascii_never_become_bad_json(record):
    """JSON written with ensure_ascii=False (as JS JSON.stringify does) is still valid JSON."""
    result = parse(json.dumps(record, ensure_ascii=False).encode(), "feed.jsonl")
    assert result.rejects == []


@pytest.mark.parametrize("data", [b"[" * 100_000, b"1" * 4301], ids=["deep-nesting", "huge-int"])
@pytest.mark.parametrize("path", ["a.json", "a.jsonl"])
def test_pathological_json_is_rejected_not_raised(data, path):
    """Hostile JSON must end as a bad_json reject like any other malformed input."""
    [reject] = parse(data, path).rejects
    assert reject.reason == errors.BAD_JSON


@pytest.mark.parametrize("data, path", [(b"\xef\xbb\xbf", "a.jsonl"), (b"\x1c", "a.jsonl"),
                                        (b"[]", "a.json")])
def test_empty_feeds_are_rejected(data, path):
    """The module docstring promises nothing is dropped silently; a .txt with the same bytes is empty_file."""
    result = parse(data, path)
    assert result.articles or result.rejects


def test_source_object_without_name_gives_no_outlet():
    """{"source": {"id": ...}} names no outlet; it must not become the outlet 'None'."""
    line = json.dumps({"title": "T", "text": "Body.", "source": {"id": "x", "name": None}})
    [a] = parse(line.encode(), "feed.jsonl").articles
    assert a.outlet is None


# -- 2. parse_date -------------------------------------------------------------------

small = st.integers(-99_999, 99_999).map(str)
rfc_like = st.builds(
    lambda *parts: " ".join(parts),
    st.sampled_from(["", "Sat,", "Mon,", "xx"]), small,
    st.sampled_from(["Jan", "Mar", "Feb", "Dec", "Foo"]), small,
    st.builds("{}:{}:{}".format, small, small, small),
    st.sampled_from(["", "+0000", "GMT", "-0500", "+9999", "EST"]) | small,
)


@FAST
@given(any_text | rfc_like | st.dates().map(str) | st.datetimes().map(str))
@example("2025-02-29")
@example("Sat, 15 Mar 2025 10:00:00 +0000")
def test_parse_date_only_raises_bad_article(value):
    """Every unreadable date becomes a bad_date reject, not a crash."""
    try:
        assert isinstance(parse_date(value), date)
    except BadArticle as exc:
        assert exc.reason == errors.BAD_DATE and exc.detail


@FAST
@given(st.dates(), st.sampled_from(["{}", " {} ", "{}T00:00:00", "{}T23:59:59Z", "{}T12:00:00+05:30"]))
def test_iso_dates_round_trip(d, template):
    """An ISO date (or date-time, date part taken as written) parses back to itself."""
    assert parse_date(template.format(d.isoformat())) == d


@pytest.mark.parametrize("value", ["1 Jan 2147483648 0:0", "Sat, 15 Mar 2025 10:00:00 +99999999999999999"])
def test_parse_date_with_huge_numbers_is_bad_date(value):
    """Such a date in a JSON record currently crashes parse_document for the whole file."""
    with pytest.raises(BadArticle):
        parse_date(value)


# -- 3. resolve_date -----------------------------------------------------------------

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TOKENS = (WEEKDAYS + ["January", "Feb", "March", "Sept", "August", "Dec.", "on", "in", "last", "past",
                      "the", "previous", "since", "early", "this", "week", "weeks", "month", "months",
                      "year", "years", "day", "days", "ago", "of", "a", "few", "couple", "today",
                      "yesterday", "night", "weekend", "-", ",", "13th", "2nd"])
numbers = st.integers(0, 10**7).map(str) | st.sampled_from(["\u00b2", "\u0663", "0000"])
expressions = st.lists(st.sampled_from(TOKENS) | numbers, max_size=5).map(" ".join)
realistic_dates = st.none() | st.dates()


@FAST
@given(any_text | expressions | st.dates().map(str), realistic_dates)
@example("2025-02-30", date(2025, 3, 15))
@example("last Saturday", date(2025, 3, 15))
def test_resolve_date_never_raises_and_periods_are_ordered(text, published):
    """A date expression resolves to a well-formed period or to None."""
    period = resolve_date(text, published)
    if period is not None:
        assert period.start <= period.end
        assert period.precision in ("day", "week", "month", "year")


@FAST
@given(st.dates(date(1, 1, 8)), st.sampled_from(WEEKDAYS), st.sampled_from(["", "on ", "last "]),
       st.sampled_from([str, str.lower, str.upper]))
def test_weekday_names_resolve_to_the_week_before_publication(published, day, prefix, case):
    """'Friday' is the latest Friday on or before publication; 'last Friday' is strictly before it."""
    period = resolve_date(case(prefix + day), published)
    assert period.precision == "day" and period.start == period.end
    assert period.start.strftime("%A") == day
    back = (published - period.start).days
    assert (1 <= back <= 7) if prefix == "last " else (0 <= back <= 6)


@pytest.mark.parametrize("text, published", [
    ("August 0000", None),                     # year 0: ValueError from date()
    ("3000 years ago", date(2025, 3, 15)),     # year -975
    ("30000 months ago", date(2025, 3, 15)),
    ("1000000 days ago", date(2025, 3, 15)),   # OverflowError
    ("past 1000000 days", date(2025, 3, 15)),
    ("\u00b2 days ago", date(2025, 3, 15)),     # '²'.isdigit() but int('²') fails
    ("yesterday", date(1, 1, 1)),              # date.min - 1 day
    ("last August", date(1, 3, 1)),            # year 0
])
def test_resolve_date_out_of_range_gives_none(text, published):
    """Unresolvable expressions must give None, as '2025-02-30' does."""
    assert resolve_date(text, published) is None


# -- 4. records -> Parquet -> DuckDB -> records ------------------------------------------

def long_text(alphabet):
    """Strings up to ~100k chars cheaply: a short random piece repeated."""
    return st.builds(lambda s, n: s * n, st.text(alphabet, min_size=1, max_size=20), st.integers(1, 5000))


stored_text = st.one_of(
    st.text(no_nul),
    st.sampled_from(["\U0001f4a5\U0001f1fa\U0001f1e6 \u200d\U0001f469\u200d\U0001f467",
                     "\u0627\u0644\u062d\u0631\u0628 \u05e9\u05dc\u05d5\u05dd \u202e\u202c",
                     "\x01\x07\x1b[0m\x7f\x85\u2028\ufeff"]),
    long_text(no_nul),
)
opt_text = st.none() | stored_text

articles_ = st.builds(
    Article,
    article_id=stored_text,
    source_path=stored_text,
    source_record=st.none() | st.integers(-2**31, 2**31 - 1),
    source_format=st.sampled_from(["header", "json", "jsonl", "text"]) | st.text(no_nul),
    outlet=opt_text,
    section=opt_text,
    url=opt_text,
    published_date=st.none() | st.dates(),
    title=opt_text,
    body=stored_text,
    quality_flags=st.lists(st.text(no_nul), max_size=3).map(tuple),
    ingested_at=st.datetimes(timezones=st.just(timezone.utc)),
    run_id=st.text(no_nul),
)


@SLOW
@given(st.lists(articles_, min_size=1, max_size=4, unique_by=lambda a: a.article_id))
@example([Article("x", "p", None, "text", None, None, None, None, None, "\u200f\u05e9\x1f",
                  ("no_title",), datetime(1, 1, 1, tzinfo=timezone.utc), "r")])
def test_articles_round_trip_through_parquet_and_duckdb(records):
    """Whatever an Article may hold is stored and read back unchanged, by Arrow and by SQL."""
    want = {a.article_id: a for a in records}
    with tempfile.TemporaryDirectory(prefix="frontline-fuzz-") as tmp:
        Warehouse(tmp).commit({"articles": to_arrow(records, Article)})
        via_arrow = from_arrow(Warehouse(tmp).read_table("articles"), Article)
        via_sql = from_arrow(run_sql(Warehouse(tmp), "select * from articles"), Article)
    for got in (via_arrow, via_sql):
        assert len(got) == len(records)
        assert {a.article_id: a for a in got} == want
