"""Gold events read from a gold file, and the key by which gold files name an article.

Gold files come in two layouts: ours (``file``, ``event_type``,
``date_precision``) and the real-news one (``article``, ``type``, dates
written to their precision: ``2014``, ``2014-08``, ``2014-08-05``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.errors import GoldError
from pipeline.records import Article

# The fields of an event that are scored, at mention and at event level.
FIELDS = ("agent", "target", "location", "event_date", "modality")


@dataclass(frozen=True)
class GoldEvent:
    file: str
    event_type: str
    sentence: str
    modality: str
    agent: str | None = None
    target: str | None = None
    location: str | None = None
    event_date: date | None = None
    date_precision: str = "unknown"
    attribution: str | None = None
    duration_days: int | None = None


def load_gold(path: Path) -> list[GoldEvent]:
    events = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(_gold_event(json.loads(line)))
        except (KeyError, ValueError, TypeError) as exc:
            raise GoldError(f"{path}:{n}: {exc}") from None
    return events


_PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}


def _gold_event(raw: dict) -> GoldEvent:
    """One gold line in either layout; a real-news date says its precision by its length."""
    written = raw.get("event_date")
    if "article" in raw:  # the real-news layout
        precision = _PRECISION_OF_LENGTH[len(written)] if written else "unknown"
        when = date.fromisoformat((written + "-01-01")[:10]) if written else None
        return GoldEvent(file=raw["article"], event_type=raw["type"], sentence=raw["sentence"],
                         modality=raw["modality"], agent=raw.get("agent"), target=raw.get("target"),
                         location=raw.get("location"), event_date=when, date_precision=precision)
    return GoldEvent(
        file=raw["file"], event_type=raw["event_type"], sentence=raw["sentence"], modality=raw["modality"],
        agent=raw.get("agent"), target=raw.get("target"), location=raw.get("location"),
        event_date=date.fromisoformat(written) if written else None,
        date_precision=raw.get("date_precision") or "unknown", attribution=raw.get("attribution"),
        duration_days=raw.get("duration_days"),
    )


def file_key(article: Article) -> str:
    """How gold files name an article: its path, plus '#N' for the N-th line of a JSON Lines file."""
    if article.source_record is None:
        return article.source_path
    return f"{article.source_path}#{article.source_record}"
