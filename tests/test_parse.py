"""Bytes -> articles and rejects: layouts, normalisation, dates, ids (`pipeline.ingest.parse`, `formats`, `ids`)."""

import json
from datetime import date

import pytest

from pipeline import errors
from pipeline.ingest.formats import parse_date
from pipeline.ingest.ids import article_id
from pipeline.ingest.parse import parse_document
from pipeline.errors import BadArticle

from conftest import NOW, SEED_ARTICLE

HEADER_ARTICLE = " date 2025-03-15 Example Wire / world\n\nTroops advance\n\nThe army advanced into the town on Friday.\n"


def parse(data: bytes, name: str = "a.txt"):
    return parse_document(data, name, run_id="r1", now=NOW)


def test_seed_article_header_layout():
    result = parse(SEED_ARTICLE.read_bytes(), SEED_ARTICLE.name)
    assert result.rejects == []
    [a] = result.articles
    assert a.published_date == date(2025, 3, 15)
    assert (a.outlet, a.section) == ("ETV Bharat", "international")
    assert a.title == "Putin Tells Ukraine Troops In Russian Region To 'Surrender'"
    assert a.body.startswith("Russian President Vladimir Putin chairs")
    assert a.body.endswith("30-day pause in hostilities.")
    assert a.source_format == "header"
    assert a.quality_flags == ()


def test_bom_crlf_cr_and_nfc_are_normalised_and_curly_quotes_kept():
    decomposed = "Cafe\u0301 talks \u201cproductive\u201d"
    text = f" date 2025-03-15 Wire / world\r\n\r\nHeadline\r\n\r\n{decomposed}\rSecond line.\r\n"
    [a] = parse(b"\xef\xbb\xbf" + text.encode("utf-8")).articles
    assert "\r" not in a.body
    assert a.body == "Caf\u00e9 talks \u201cproductive\u201d\nSecond line."
    assert a.published_date == date(2025, 3, 15)


def test_same_text_gives_same_article_id_whatever_the_line_endings():
    a = parse(HEADER_ARTICLE.encode()).articles[0]
    b = parse(HEADER_ARTICLE.replace("\n", "\r\n").encode(), "other/path.txt").articles[0]
    assert a.article_id == b.article_id == article_id(a.title, a.body)
    assert a.source_path != b.source_path


def test_plain_text_without_header_has_unknown_date_and_a_flag():
    [a] = parse(b"Ceasefire talks resume\n\nEnvoys met in Doha on Monday.\n", "notes/plain.txt").articles
    assert a.published_date is None
    assert "no_publication_date" in a.quality_flags
    assert a.title == "Ceasefire talks resume"
    assert a.body == "Envoys met in Doha on Monday."
    assert a.source_format == "text"


def test_json_lines_with_field_aliases_and_one_bad_line():
    lines = [
        json.dumps({"title": "A", "text": "Body A.", "published": "2025-03-15T08:00:00Z", "outlet": "W", "url": "u"}),
        "{not json",
        json.dumps({"headline": "B", "body": "Body B.", "date": "2025-03-16", "source": {"name": "Wire"}}),
        json.dumps({"title": "C", "text": "Body C.", "date": "2025-02-30"}),
    ]
    result = parse("\n".join(lines).encode(), "feed.jsonl")
    assert [a.title for a in result.articles] == ["A", "B"]
    assert result.articles[0].published_date == date(2025, 3, 15)
    assert result.articles[1].outlet == "Wire"
    assert [a.source_record for a in result.articles] == [1, 3]
    assert sorted((r.reason, r.source_record) for r in result.rejects) == [("bad_date", 4), ("bad_json", 2)]


def test_json_array_and_rfc2822_dates():
    doc = [{"title": "A", "content": "Body.", "published": "Sat, 15 Mar 2025 10:00:00 +0000"}, 42]
    result = parse(json.dumps(doc).encode(), "dump.json")
    assert result.articles[0].published_date == date(2025, 3, 15)
    assert result.articles[0].source_format == "json"
    assert [r.reason for r in result.rejects] == ["bad_json"]


@pytest.mark.parametrize(
    "data, name, reason",
    [
        (b"", "empty.txt", errors.EMPTY_FILE),
        (b"  \n\n ", "blank.txt", errors.EMPTY_FILE),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt", errors.BINARY_FILE),
        (b"caf\xe9 talks", "latin1.txt", errors.UNDECODABLE),
        (b" date 2025-02-30 Wire / world\n\nTitle\n\nBody.\n", "impossible.txt", errors.BAD_DATE),
        (b" date  Wire / world\n\nTitle\n\nBody.\n", "missing.txt", errors.BAD_DATE),
        (b" date 2025-03-15 Wire / world\n\nOnly a headline\n", "nobody.txt", errors.NO_BODY),
        (b"[1, 2", "broken.json", errors.BAD_JSON),
    ],
)
def test_bad_input_becomes_a_reject_with_a_reason(data, name, reason):
    result = parse(data, name)
    assert result.articles == []
    [reject] = result.rejects
    assert reject.reason == reason
    assert reject.source_path == name
    assert reject.detail


def test_parse_date_rejects_impossible_dates():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    with pytest.raises(BadArticle):
        parse_date("2025-02-29")
    with pytest.raises(BadArticle):
        parse_date(None)


@pytest.mark.parametrize("value", ["2025-03-01garbage", "2025-03-01 garbage", "2025-03-01T25:99", "2025-03-01x"])
def test_a_date_followed_by_anything_but_a_time_is_a_bad_date(value):
    with pytest.raises(BadArticle):
        parse_date(value)
    if " " not in value:  # in a header line, what follows a space is the outlet
        [reject] = parse(f" date {value} Wire / world\n\nTitle\n\nBody.\n".encode()).rejects
        assert reject.reason == "bad_date"
    [reject] = parse(json.dumps({"text": "Body.", "published": value}).encode(), "feed.jsonl").rejects
    assert reject.reason == "bad_date"
    assert parse_date("2025-03-01 10:00 UTC") == parse_date("2025-03-01T10:00:00.123456789Z") == date(2025, 3, 1)


@pytest.mark.parametrize("layout", [
    " date 2025-03-15 Example Wire / world\nurl: https://example.org/news/troops\n\nTroops advance\n\n{body}\n",
    " date 2025-03-15 Example Wire / world\n\nURL:  https://example.org/news/troops \n\nTroops advance\n\n{body}\n",
])
def test_header_layout_takes_an_optional_url_line(layout):
    body = "The army advanced into the town on Friday."
    [a] = parse(layout.format(body=body).encode()).articles
    [plain] = parse(HEADER_ARTICLE.encode()).articles
    assert a.url == "https://example.org/news/troops" and plain.url is None
    assert (a.title, a.body, a.outlet, a.published_date) == ("Troops advance", body, "Example Wire", date(2025, 3, 15))
    assert a.article_id == plain.article_id  # the URL is not part of the article's identity
