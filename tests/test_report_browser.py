"""The HTML report opened in a real headless Chromium: charts and map render, filters work, nothing
is fetched from the network, no console errors, and a screenshot is kept."""

import json
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.events.assign import assign_events
from pipeline.extract import extract_mentions
from pipeline.html_report import write_report
from pipeline.ingest.read import read_folder
from pipeline.warehousing.store import Warehouse
from pipeline.records import Article, Event, Mention, to_arrow

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = ROOT / "build" / "report-screenshot.png"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report over a few dev articles (two outlets on Rafah, the Kursk seed, Goma, and the Almaty talks
    with month-precision and undated events)."""
    src = tmp_path_factory.mktemp("articles")
    dev = ROOT / "tests" / "data" / "dev" / "articles"
    for name in ("000_etv_bharat_2025-03-15_kursk.txt", "003_levant_live_2024-05-07_rafah.txt",
                 "004_gulf_evening_post_2024-05-07_rafah.txt", "006_great_lakes_dispatch_2025-01-27_goma.txt",
                 "008_caucasus_monitor_2024-05-11_almaty_talks.txt"):
        shutil.copy(dev / name, src / name)
    # An article whose data tries to break out of the page: a title that opens a comment and a
    # script inside the embedded data, and a javascript: link.
    (src / "hostile.jsonl").write_text(json.dumps({
        "title": "<!--<script>", "url": "javascript:alert(document.domain)", "outlet": "<img src=x onerror=alert(1)>",
        "published": "2025-06-01", "text": "Sudanese army troops shelled the city of El Obeid on Sunday."}) + "\n")
    read = read_folder(src, run_id="r", now=datetime.now(timezone.utc))
    mentions, events = assign_events(extract_mentions(read.articles, run_id="r"),
                                           {a.article_id: a.outlet for a in read.articles})
    wh = Warehouse(tmp_path_factory.mktemp("wh") / "wh")
    wh.commit({"articles": to_arrow(read.articles, Article), "event_mentions": to_arrow(mentions, Mention),
               "events": to_arrow(events, Event)})
    out = tmp_path_factory.mktemp("report") / "report.html"
    n = write_report(wh, out)
    data = json.loads(re.search(r"const EVENTS = (.*);\nconst COLORS", out.read_text())[1])
    assert "<!--<script>" in {e["title"] for e in data}  # the hostile article is in the page's data
    assert n == len(events) > 5
    return out, events


def test_report_is_one_self_contained_file(report):
    path, _ = report
    html = path.read_text()
    assert "<script src=" not in html and "<link " not in html  # nothing loaded from elsewhere
    assert "window.PlotlyGeoAssets = {topojson: {world_110m:" in html and "Plotly" in html


def test_report_renders_in_headless_chromium(report):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    path, events = report
    errors, outside = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def only_local(route):
                if route.request.url.startswith(("file:", "data:", "blob:")):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.goto(path.as_uri())
            page.wait_for_selector("#timeline .main-svg .bars .point", timeout=30_000)
            page.wait_for_selector("#map .geo .countries path", timeout=30_000)
            bars = page.locator("#timeline .bars .point").count()
            countries = len(page.locator("#map .countries path").first.get_attribute("d") or "")
            markers = page.locator("#map .scattergeo .point").count()
            rows = page.locator("#latest tbody tr").count()
            located = sum(1 for e in events if e.latitude is not None)
            dated = [e for e in events if e.event_date is not None]
            assert bars > 0 and countries > 10_000 and 0 < markers <= located and rows == min(len(dated), 100)
            # Undated events are listed apart, by the day they were first reported, and on no timeline.
            undated = [e for e in events if e.event_date is None]
            assert undated and page.locator("#undated tbody tr").count() == len(undated)
            assert set(page.locator("#undated tbody tr td:first-child").all_inner_texts()) == {
                str(e.first_reported or "") for e in undated}
            # A week, month or year is a bar as wide as its period, not a bar on its first day.
            widths = page.evaluate("""() => document.getElementById('timeline').data
                .filter(t => t.width).flatMap(t => t.width.map(w => w / 86400000))""")
            spans = {(e.event_type, e.event_date, e.event_date_end) for e in dated if e.event_date_end != e.event_date}
            assert any(e.date_precision == "month" for e in dated)
            assert sorted(round(w) for w in widths) == sorted((end - start).days + 1 for _, start, end in spans)
            assert "undated" in page.locator("#undated").locator("xpath=..").inner_text().lower()
            assert page.locator("a[href]").count() == page.locator("a[href^='http']").count()
            assert page.evaluate("typeof alert === 'function' && document.querySelectorAll('img').length") == 0
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            # Filters: hiding OFFENSIVE removes it from the table and the counts.
            page.uncheck("input.type-filter[value=OFFENSIVE]")
            shown = page.locator("#shown").inner_text()
            types = set(page.locator("#latest tbody tr td:nth-child(2)").all_inner_texts())
            assert "OFFENSIVE" not in types and types
            assert shown.startswith(str(sum(e.event_type != "OFFENSIVE" for e in dated)))
            page.fill("#from", "2099-01-01")
            page.dispatch_event("#from", "change")
            assert page.locator("#latest tbody tr").count() == 0
            # A date range never hides or places an undated event: they stay listed apart.
            assert page.locator("#undated tbody tr").count() == sum(e.event_type != "OFFENSIVE" for e in undated)
        finally:
            browser.close()
    assert errors == [] and outside == []
    assert SCREENSHOT.stat().st_size > 20_000
