"""One self-contained HTML file for analysts: a timeline by type, a map, the latest events, the
undated events apart, filters. An event is drawn at its own date period, never its publication date.

Plotly draws the charts; plotly.js and the map's country shapes are inlined, so the file opens
with no network at all.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

ASSETS = Path(__file__).parent / "assets"
COLORS = {"OFFENSIVE": "#c0392b", "TALKS": "#2471a3", "CEASEFIRE_PROPOSAL": "#229954", "SURRENDER_DEMAND": "#b9770e"}
OTHER_COLORS = ["#7d3c98", "#17a589", "#5d6d7e", "#d35400"]
LATEST = 100

REPORT_SQL = """
SELECT e.event_id, e.event_type, e.modality, e.agent_name, e.target_name, e.place_name, e.place_country,
       e.latitude, e.longitude, e.geo_precision, CAST(e.event_date AS VARCHAR) AS day,
       CAST(coalesce(e.event_date_end, e.event_date) AS VARCHAR) AS day_end, e.date_precision,
       CAST(e.first_reported AS VARCHAR) AS first_reported, e.n_mentions, e.n_articles, e.n_sources, e.confidence, e.evidence,
       a.title, a.outlet, a.url, a.source_path, f.input_root
FROM events e
LEFT JOIN event_mentions m ON m.mention_id = e.evidence_mention_id
LEFT JOIN articles a ON a.article_id = m.article_id
LEFT JOIN (SELECT article_id, min(input_root) AS input_root
           FROM (SELECT unnest(article_ids) AS article_id, input_root FROM files) GROUP BY article_id) f
       ON f.article_id = a.article_id
ORDER BY e.event_date DESC NULLS LAST, e.first_reported DESC, e.event_id
"""


# Characters that could end or re-enter a <script> element, or an HTML comment in it ("<!--", "</script",
# "-->"), written as JSON escapes: the data then means the same and is inert in every HTML context.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                              "\u2029": "\\u2029"})
LINK_SCHEMES = ("http", "https")


def _json(value: object) -> str:
    """JSON safe to place inside a <script> element, whatever the strings hold."""
    return json.dumps(value, ensure_ascii=False, default=str).translate(_SCRIPT_SAFE)


def _link(url: object) -> str | None:
    """An article's URL if it is an http(s) link to a host; anything else (javascript:, data:, file:,
    a relative path) is no link at all."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return parts.geturl() if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else None


def _file_link(input_root: object, source_path: object) -> str | None:
    """A file:// link to the article's input file, built from the folder frontline read it from (never
    from article data), for an article with no URL; none for object storage or an unknown folder."""
    from pathlib import PurePosixPath

    if not isinstance(input_root, str) or not isinstance(source_path, str) or "://" in input_root:
        return None
    root = PurePosixPath(input_root)
    path = root / source_path
    if not root.is_absolute() or ".." in PurePosixPath(source_path).parts:
        return None
    return path.as_uri()


def render_report(events: list[dict], *, warehouse: str, n_articles: int, n_mentions: int,
                  generated: datetime) -> str:
    """Events (rows of REPORT_SQL) -> the HTML document. Pure: no I/O beyond the packaged assets."""
    import plotly.offline

    for row in events:
        row["link"] = _link(row.get("url")) or _file_link(row.get("input_root"), row.get("source_path"))
        row["source"] = row.get("outlet") or row.get("source_path") or "source"
    types = sorted({e["event_type"] for e in events} | set(COLORS))
    colors = dict(COLORS)
    for i, t in enumerate(t for t in types if t not in colors):
        colors[t] = OTHER_COLORS[i % len(OTHER_COLORS)]
    days = sorted(d for e in events for d in (e.get("day"), e.get("day_end")) if d)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True)
    return env.get_template("report.html.j2").render(
        plotly_js=plotly.offline.get_plotlyjs(),
        topojson=(ASSETS / "world_110m.json").read_text(encoding="utf-8"),
        events=_json(events), colors=_json(colors), types=types, latest=LATEST,
        first_day=days[0] if days else "", last_day=days[-1] if days else "",
        n_events=len(events), n_articles=n_articles, n_mentions=n_mentions,
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"), warehouse=warehouse,
    )


def write_report(warehouse: Warehouse, output: Path) -> int:
    """Query the warehouse and write the report; returns the number of events in it."""
    events = run_sql(warehouse, REPORT_SQL).to_pylist()
    counts = run_sql(warehouse, "select (select count(*) from articles) a, (select count(*) from event_mentions) m")
    a, m = counts["a"][0].as_py(), counts["m"][0].as_py()
    html = render_report(events, warehouse=warehouse.uri, n_articles=a, n_mentions=m,
                         generated=datetime.now(timezone.utc))
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(output)
    return len(events)
