"""What clustering reads of a mention, and the rules the Python clustering and the SQL lookup share.

Each rule both executions apply is declared here once: which dates steer clustering
(``STATED_BASES``), which modalities count as one group (``REAL``), the time window
(``DAY_SLACK``, ``UNDATED_WINDOW``) and the place block key. ``cluster`` applies them to
``MentionKey``s, ``neighbours`` writes them as SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.rules import listed_words

REAL = {"asserted", "claimed"}  # things that happened: never one event with a proposal or a denial
DAY_SLACK = timedelta(days=1)
UNDATED_WINDOW = timedelta(days=3)
# The date bases that steer clustering: a date the text states ("text"), or a row written before
# ``date_basis`` existed (None, when only stated dates were stored). A date only the reporting verb
# or the publication implies says nothing about which event this is.
STATED_BASES = (None, "text")
STATE_SECTORS = {"government", "military", "diplomat", "police"}
# Words that name nobody in particular: an agent written only with them is no key ("the army", "troops").
GENERIC_PARTY = set(listed_words("generic_party"))
_WORD = re.compile(r"[\w'-]+")


@dataclass(frozen=True)
class MentionKey:
    """What clustering needs to know about one mention."""

    mention_id: str
    article_id: str
    event_type: str
    modality: str
    agent_id: str | None
    agent_name: str | None
    agent_country: str | None
    place_name: str | None
    place_admin1: str | None
    event_date: date | None
    event_date_end: date | None
    published_date: date | None
    antecedent_id: str | None = None  # the earlier mention of the same article this one refers back to
    agent_sector: str | None = None
    target_id: str | None = None
    target_name: str | None = None
    target_country: str | None = None
    target_sector: str | None = None
    place_country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None


def stated(m) -> bool:
    """A date the text gives the event itself, not one implied by the reporting verb or the
    publication (rows written before ``date_basis`` existed only had stated dates)."""
    return m.event_date is not None and m.date_basis in STATED_BASES


def key_of(m) -> MentionKey:
    """A Mention record -> the fields clustering reads."""
    start, end = (m.event_date, m.event_date_end) if stated(m) else (None, None)
    return MentionKey(m.mention_id, m.article_id, m.event_type, m.modality, m.agent_id, m.agent_name,
                      m.agent_country, m.place_name, m.place_admin1, start, end,
                      m.published_date, m.antecedent_id, m.agent_sector, m.target_id, m.target_name,
                      m.target_country, m.target_sector, m.place_country, m.latitude, m.longitude, m.geo_precision)


def modality_group(modality: str) -> str:
    """Asserted and claimed are one group (it happened); every other modality is its own."""
    return "real" if modality in REAL else modality


def place_key(m: MentionKey) -> str | None:
    """The place block: a place's region when known (a town and its region meet there), else its name."""
    return (m.place_admin1 or m.place_name) if m.place_name else None


def actor_key(actor_id: str | None, name: str | None, country: str | None, sector: str | None) -> str | None:
    """What makes two actors the same side: a state's organs share its country code, a known group
    keeps its id, an unknown one its name; a generic description ("the army") is no key at all."""
    if actor_id:
        if country and (sector in STATE_SECTORS or actor_id == country or actor_id.endswith("_MIL")):
            return country
        return actor_id
    words = [w.removesuffix("'s") for w in _WORD.findall((name or "").lower().replace("\u2019", "'"))]
    words = [w for w in words if w and w not in ("'s", "s", "'")]
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    if not words or all(w in GENERIC_PARTY for w in words):
        return None
    # word order and shared nouns do not matter: "NATO and Afghan forces" ~ "Afghan and NATO forces"
    return " ".join(sorted({w for w in words if w not in GENERIC_PARTY and w not in ("and", "&")} or set(words)))
