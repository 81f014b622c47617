"""The article layouts frontline reads, each text -> Fields (what was found before ids are attached).

The header layout of the sample articles (`` date YYYY-MM-DD Outlet / section``, blank line,
headline, blank line, body), JSON Lines / JSON arrays of article objects, and plain text with no
header. Pure: they raise BadArticle, and touch no file.
"""

from __future__ import annotations

import email.utils
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from pipeline import errors
from pipeline.errors import BadArticle

HEADER = re.compile(r"^[ \t]*date\b[ \t]*(?P<date>\S*)[ \t]*(?P<rest>.*)$")
_URL_LINE = re.compile(r"^[ \t]*url:[ \t]*(?P<url>\S+)[ \t]*$", re.IGNORECASE)
_MAX_TITLE_CHARS = 300
# What may follow an ISO date that Python cannot parse whole: a time, a fraction, a zone. Not "garbage".
_TIME_AFTER_DATE = re.compile(r"[T ]([01]?\d|2[0-3])(:[0-5]\d){0,2}([.,]\d+)?\s*(Z|UTC|GMT|[+-]\d{2}(:?\d{2})?)?",
                              re.IGNORECASE)

# JSON field names we accept, in order of preference.
_TITLE_KEYS = ("title", "headline")
_BODY_KEYS = ("text", "body", "content", "article")
_DATE_KEYS = ("published", "date", "published_at", "publish_date", "pub_date", "published_date")
_OUTLET_KEYS = ("outlet", "source", "publisher", "site")
_SECTION_KEYS = ("section", "category")
_URL_KEYS = ("url", "link")

@dataclass(frozen=True)
class Fields:
    """What a layout parser found, before ids and run metadata are attached."""

    title: str | None
    body: str
    published_date: date | None
    outlet: str | None = None
    section: str | None = None
    url: str | None = None
    record: int | None = None


def parse_date(value: object) -> date:
    """An ISO 8601 or RFC 2822 date/time -> date; BadArticle when missing or impossible."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BadArticle(errors.BAD_DATE, "the publication date is missing")
    if not isinstance(value, str):
        raise BadArticle(errors.BAD_DATE, f"the publication date is not a string: {value!r}")
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except (ValueError, OverflowError):
        pass
    if _TIME_AFTER_DATE.fullmatch(text[10:]):  # "2025-03-15 10:00 UTC": the date part, if the rest is a time
        try:
            return date.fromisoformat(text[:10])
        except (ValueError, OverflowError):
            pass
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is not None:
        return parsed.date()
    raise BadArticle(errors.BAD_DATE, f"impossible or unreadable publication date {text!r}")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def _clean_body(text: str) -> str:
    """Trim surrounding blank lines and trailing spaces, keep paragraph breaks."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return "\n".join(lines).strip()


def parse_header_layout(text: str) -> Fields:
    """The sample-article layout: header line, an optional 'url: ...' line, blank, headline, blank, body."""
    first, _, rest = text.partition("\n")
    match = HEADER.match(first)
    if match is None:  # pragma: no cover - callers check first
        raise BadArticle(errors.BAD_DATE, "no ' date YYYY-MM-DD' header line")
    published = parse_date(match["date"])
    outlet, _, section = match["rest"].partition(" / ")
    rest = rest.lstrip("\n")
    url = None
    if (line := _URL_LINE.match(rest.partition("\n")[0])) is not None:  # optional 'url: https://...' line
        url, rest = line["url"], rest.partition("\n")[2].lstrip("\n")
    title, sep, body = rest.partition("\n\n")
    title = title.strip()
    body = _clean_body(body) if sep else ""
    if not title and not body:
        raise BadArticle(errors.NO_BODY, "header line but no headline or body")
    if not body:
        raise BadArticle(errors.NO_BODY, "header and headline but no body text")
    return Fields(
        title=" ".join(title.split()) or None,
        body=body,
        published_date=published,
        outlet=outlet.strip() or None,
        section=section.strip() or None,
        url=url,
    )


def parse_plain_text(text: str) -> Fields:
    """Plain text with no header: a short first paragraph of one line is the headline."""
    paras = _paragraphs(text)
    if not paras:
        raise BadArticle(errors.EMPTY_FILE, "no text")
    title = None
    first = paras[0]
    if len(paras) > 1 and "\n" not in first and len(first) <= _MAX_TITLE_CHARS:
        title = first
        body = _clean_body(text.strip().split("\n", 1)[1])
    else:
        body = _clean_body(text)
    return Fields(title=title, body=body, published_date=None)


def _first(obj: dict, keys: tuple[str, ...]) -> object:
    for k in keys:
        if k in obj and obj[k] not in (None, ""):
            return obj[k]
    return None


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # e.g. {"source": {"name": "Reuters"}}
        value = value.get("name") or value.get("title")
        if value is None:
            return None
    return unicodedata.normalize("NFC", " ".join(str(value).split())) or None


def fields_from_json(obj: object, record: int) -> Fields:
    """One JSON article object -> Fields. A date field that is present must be valid."""
    if not isinstance(obj, dict):
        raise BadArticle(errors.BAD_JSON, f"expected an object, got {type(obj).__name__}", record)
    body = _first(obj, _BODY_KEYS)
    if not isinstance(body, str) or not body.strip():
        raise BadArticle(errors.NO_BODY, f"no text in any of the fields {list(_BODY_KEYS)}", record)
    raw_date = _first(obj, _DATE_KEYS)
    try:
        published = parse_date(raw_date) if raw_date is not None else None
    except BadArticle as exc:
        raise BadArticle(exc.reason, exc.detail, record) from None
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n"))
    title = _optional_str(_first(obj, _TITLE_KEYS))
    return Fields(
        title=unicodedata.normalize("NFC", title) if title else None,
        body=_clean_body(body),
        published_date=published,
        outlet=_optional_str(_first(obj, _OUTLET_KEYS)),
        section=_optional_str(_first(obj, _SECTION_KEYS)),
        url=_optional_str(_first(obj, _URL_KEYS)),
        record=record,
    )


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply to parse"
    return str(exc)  # e.g. an integer with more digits than Python converts


def parse_json_lines(text: str) -> list[Fields | BadArticle]:
    out: list[Fields | BadArticle] = []
    if not text.strip():
        return [BadArticle(errors.EMPTY_FILE, "no JSON lines")]
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            out.append(BadArticle(errors.BAD_JSON, f"line {lineno}: {_json_problem(exc)}", lineno))
            continue
        try:
            out.append(fields_from_json(obj, lineno))
        except BadArticle as exc:
            out.append(exc)
    return out


def parse_json_document(text: str) -> list[Fields | BadArticle]:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadArticle(errors.BAD_JSON, _json_problem(exc)) from None
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    items = doc if isinstance(doc, list) else [doc]
    if not items:
        raise BadArticle(errors.EMPTY_FILE, "the JSON document holds no articles")
    out: list[Fields | BadArticle] = []
    for index, obj in enumerate(items):
        try:
            out.append(fields_from_json(obj, index))
        except BadArticle as exc:
            out.append(exc)
    return out
