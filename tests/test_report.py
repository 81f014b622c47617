"""The HTML report treats article data as data: only http(s) links, and embedded JSON that no string
can break out of (tested in a real browser by test_report_browser.py)."""

import json
import re
from datetime import datetime, timezone

from pipeline.html_report import render_report

HOSTILE = ["<!--<script>", "</script><script>alert(1)</script>", "--><img src=x onerror=alert(1)>",
           "a\u2028b\u2029c", "&lt;&amp;", "'\"`${x}"]


def event(i: int, url: str | None, text: str) -> dict:
    return {"event_id": f"e{i}", "event_type": "OFFENSIVE", "modality": "asserted", "agent_name": text,
            "target_name": text, "place_name": text, "place_country": "UKR", "latitude": 50.0, "longitude": 30.0,
            "geo_precision": 1, "day": "2025-03-15", "date_precision": "day", "n_mentions": 1, "n_articles": 1,
            "n_sources": 1, "confidence": 0.9, "evidence": text, "title": text, "outlet": text, "url": url,
            "source_path": f"{text}.txt"}


def render(events: list[dict]) -> str:
    return render_report([dict(e) for e in events], warehouse="wh", n_articles=1, n_mentions=1,
                         generated=datetime(2026, 1, 1, tzinfo=timezone.utc))


def embedded_events(html: str) -> str:
    [literal] = re.findall(r"const EVENTS = (.*);\nconst COLORS", html)
    return literal


def test_only_http_links_and_embedded_data_that_cannot_leave_its_script():
    urls = ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd", "//evil.example/x", "vbscript:x", "https://example.org/a?b=1&c=<2>",
            "http://example.org/", None]
    events = [event(i, url, HOSTILE[i % len(HOSTILE)]) for i, url in enumerate(urls)]
    html = render(events)
    benign = render([event(0, None, "Kyiv")])
    literal = embedded_events(html)
    for bad in ("<", ">", "\u2028", "\u2029"):
        assert bad not in literal
    for tag in ("<script", "</script", "<!--", "-->"):  # the page's own, nothing the data brought
        assert html.count(tag) == benign.count(tag), tag
    rows = json.loads(literal)
    assert [r["title"] for r in rows] == [e["title"] for e in events]  # the data itself is unchanged
    assert [r["link"] for r in rows] == [None] * 6 + ["https://example.org/a?b=1&c=<2>", "http://example.org/", None]


def test_a_file_link_only_for_an_article_without_url():
    rows = [event(0, "https://example.org/a", "Kyiv"), event(1, None, "Kyiv"), event(2, None, "Kyiv"),
            event(3, None, "Kyiv"), event(4, "javascript:alert(1)", "Kyiv")]
    for row, root in zip(rows, ["/data/in", "/data/in", "s3://bucket/in", None, "/data/in"]):
        row["input_root"] = root
    rows[2]["source_path"] = rows[1]["source_path"] = "gaza/day 1.txt"
    links = [r["link"] for r in json.loads(embedded_events(render(rows)))]
    assert links == ["https://example.org/a", "file:///data/in/gaza/day%201.txt", None, None,
                     "file:///data/in/Kyiv.txt"]
