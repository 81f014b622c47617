"""Actor mentions -> canonical actors: id, name, country (ISO3) and sector, from curated data.

Names and aliases come from `actors.csv`; titles ("Russia's leader", "the
Ukrainian president") from `titles.csv`, which dates each office holder so a
2024 article's "US president" is not today's; "his envoy" resolves through
an actor's `role_of` (envoy:USA_TRUMP) once "his" is known. Unknown people
and groups keep their text and no id: they are never dropped.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from pipeline.rules import data_dir, load_actors

# The id suffix of a nationality's armed forces: "Ukrainian troops" is UKR_MIL, the Ukrainian military.
MILITARY_SUFFIX = "_MIL"


@dataclass(frozen=True)
class ActorRef:
    id: str | None
    name: str
    country: str | None
    sector: str | None
    type: str | None = None  # state_forces, rebel_group, political_militia, identity_militia, ...


@dataclass(frozen=True)
class _Title:
    country: str
    title: str
    actor_id: str
    valid_from: date | None
    valid_to: date | None


def _titles() -> list[_Title]:
    return _load_titles(data_dir())


@cache
def _load_titles(folder: Path) -> list[_Title]:
    with (folder / "titles.csv").open(encoding="utf-8", newline="") as fh:
        return [
            _Title(r["country"], r["title"].lower(), r["actor_id"],
                   date.fromisoformat(r["valid_from"]) if r["valid_from"] else None,
                   date.fromisoformat(r["valid_to"]) if r["valid_to"] else None)
            for r in csv.DictReader(fh)
        ]


def office_holder(country: str, title: str, on: date | None) -> str | None:
    """Who held a title in a country on a date (the latest holder when the date is unknown)."""
    title = " ".join(title.lower().split())
    matches = [t for t in _titles() if t.country == country and t.title == title]
    if on is not None:
        matches = [t for t in matches if (t.valid_from is None or t.valid_from <= on)
                   and (t.valid_to is None or on <= t.valid_to)]
    if not matches:
        return None
    return max(matches, key=lambda t: t.valid_from or date.min).actor_id


def envoy_of(principal_id: str, role: str = "envoy") -> str | None:
    for actor in load_actors().values():
        if actor.role_of == f"{role}:{principal_id}":
            return actor.actor_id
    return None


def describe(actor_id: str | None, text: str) -> ActorRef:
    """The canonical record for an id; unknown ids (or none) keep the text as written."""
    if actor_id:
        actor = load_actors().get(actor_id)
        if actor is not None:
            return ActorRef(actor.actor_id, actor.name, actor.country, actor.sector, actor.actor_type)
        if actor_id.endswith(MILITARY_SUFFIX):
            country = actor_id.removesuffix(MILITARY_SUFFIX)
            base = load_actors().get(country)
            name = f"{base.name} armed forces" if base else f"{country} armed forces"
            return ActorRef(actor_id, name, country, "military", "state_forces")
        if len(actor_id) == 3 and actor_id.isupper():  # a nationality used as an actor: "Ukrainian"
            base = load_actors().get(actor_id)
            return ActorRef(actor_id, base.name if base else actor_id, actor_id, "government", "state_forces")
    return ActorRef(None, text, None, None)


def normalise(text: str, actor_id: str | None, *, published: date | None) -> ActorRef:
    """An actor as written -> its canonical record, resolving titles held by a country's officials."""
    words = text.replace("\u2019", "'").split()
    lowered = " ".join(words).lower()
    if actor_id and len(actor_id) == 3 and actor_id.isupper():
        # "Russia's leader", "the Russian president", "Ukraine's foreign minister"
        for title in sorted({t.title for t in _titles() if t.country == actor_id}, key=len, reverse=True):
            if lowered.endswith(title):
                holder = office_holder(actor_id, title, published)
                if holder:
                    return describe(holder, text)
    return describe(actor_id, text)
