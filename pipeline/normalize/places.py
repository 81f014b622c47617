"""Place mentions -> gazetteer places with coordinates, admin areas and a precision code, offline.

The gazetteer (towns, their admin areas, countries, curated regions) is built and cached by
``pipeline.normalize.gazetteer``; this module is its index and how a mention is resolved in it.

A name with several candidates is resolved in context (``Gazetteer.resolve``):
a country before anything else of that name, an admin area before a small
town of its name, then a score of population, capitals, the article's
countries and dateline, and closeness to the article's other places, so
"Cairo" is Egypt's and "Geneva" Switzerland's, unless the article is about a
namesake.

Precision follows ACLED's geo_precision: 1 = the town itself, 2 = near a town
or part of a region, 3 = a region's or a country's centroid.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from pipeline.rules import listed_words

TOWN, NEAR, REGION = 1, 2, 3
WORLD_REGION = "world_region"  # the kind of a region of several states ("the Middle East")

REGION_WORDS = {"region", "oblast", "province", "state", "governorate", "district", "territory", "prefecture",
                "county", "department", "municipality", "raion", "krai", "division"}
_ADMIN_SUFFIX = re.compile(r"\b(governorate|province|oblast|region|state|district|prefecture|county|department|"
                           r"municipality|autonomous|republic of|muhafazat|vilayeti|wilayah|velayat|ostan|"
                           r"division|territory|krai|kray|city|capital|special|metropolitan)\b")
_PEOPLE = re.compile(r"(ians|eans|ans|ese|ists|ites|ers)$")
_APOSTROPHES = re.compile(r"['’`‘]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# 'el-Bur', 'al-Qaim': the lower-case articles of party_and_place_words.csv's name_articles list
_FEATURE_WORDS = frozenset(listed_words("feature_words"))
_DIRECTION_WORDS = frozenset({"lower", "upper", "northern", "southern", "eastern", "western", "central"})
_ARTICLE_PREFIX = re.compile(r"^(?:%s)-(?=[A-Z])" % "|".join(listed_words("name_articles")))
# How much each piece of context counts when a name has several candidates (see ``Gazetteer.resolve``).
ARTICLE_COUNTRY = 1.0  # a candidate in a country the article's actors or places belong to
DATELINE_COUNTRY = 1.5  # in the country the story was filed from
CAPITAL = 1.5  # a national capital
NEARBY = 1.5  # within NEARBY_KM of a place the article already named
NEARBY_KM = 400.0
BIG_TOWN = 100_000
FOREIGN_NAMESAKE = 50_000  # a smaller town outside the article's countries is not taken for a name it lacks  # a town this big keeps its name against the admin area named after it (Homs, Kursk)


@dataclass(frozen=True)
class Place:
    name: str  # canonical name
    country: str | None  # ISO 3166-1 alpha-3
    admin1: str | None  # first-level administrative area's name
    latitude: float | None
    longitude: float | None
    precision: int  # 1 town, 2 near town / part of region, 3 region or country centroid
    geonameid: int | None
    kind: str  # town | region | area | country | world_region
    admin1_code: str | None = None  # ISO 3166-2, where pycountry knows the area
    admin2: str | None = None  # second-level area's name, for towns


class Town(NamedTuple):  # a tuple: 235,000 of them pickle and load fast
    geonameid: int
    name: str
    cc: str
    admin1: str  # GeoNames admin1 code
    lat: float
    lon: float
    population: int
    admin2: str  # second-level area's name, or ""


# Letters that Unicode does not decompose into a base letter and an accent: dropped, 'Christiansø'
# would read as the English word 'Christians'.
_UNDECOMPOSED = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss",
                               "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "þ": "th", "Þ": "Th",
                               "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H"})


def _key(name: str) -> str:
    """Case-, accent- and punctuation-insensitive lookup key."""
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED)).encode("ascii", "ignore").decode()
    text = _APOSTROPHES.sub("", name.lower())
    return " ".join(_NON_ALNUM.sub(" ", text).split()).removeprefix("the ")


def _area_key(name: str) -> str:
    """An admin area's name without its kind: 'Homs Governorate' -> 'homs', 'Oblast' words dropped."""
    return " ".join(_ADMIN_SUFFIX.sub(" ", _key(name)).split()).removeprefix("al ")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class Context:
    """What an article says about where it is: its countries, its dateline's country, places it named."""

    countries: frozenset[str] = frozenset()
    dateline_country: str | None = None
    seen: list[tuple[float, float]] = field(default_factory=list)
    towns: list = field(default_factory=list)  # town mentions (Roles) named so far, for "the town"
    initials: dict[str, str] = field(default_factory=dict)  # 'CAR' -> 'Central African Republic', as written


def initials_of(name: str) -> str | None:
    """'Central African Republic' -> 'CAR', 'Democratic Republic of the Congo' -> 'DRC'; a one-word
    name has none."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 2 else None


class Gazetteer:
    """Offline place lookup; build once per process with ``gazetteer()``."""

    def __init__(self, towns: list[Town], countries: dict[str, dict], admin1_names: dict[tuple[str, str], str],
                 admin1_codes: dict[tuple[str, str], str], country_names: dict[str, list[str]], curated: list[dict],
                 shared_names: dict[str, list[str]] | None = None):
        self.iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
        self.by_name: dict[str, list[Town]] = defaultdict(list)
        for town in towns:
            self.by_name[_key(town.name)].append(town)
        self.admin1_names = admin1_names  # (cc, GeoNames admin1 code) -> area name
        self.admin1_codes = admin1_codes  # (cc, GeoNames admin1 code) -> ISO 3166-2 code
        self.capitals: set[int] = set()
        self.countries: dict[str, list[Place]] = defaultdict(list)
        self._population: dict[str, int] = {}  # country ISO3 -> population, to choose between namesakes
        self.regions: dict[str, list[Place]] = defaultdict(list)
        by_country: dict[str, list[Town]] = defaultdict(list)
        by_area: dict[tuple[str, str], list[Town]] = defaultdict(list)
        for town in towns:
            by_country[town.cc].append(town)
            by_area[(town.cc, town.admin1)].append(town)
        names = {iso3: list(v) for iso3, v in country_names.items()}
        for name, owners in (shared_names or {}).items():  # "Congo": both Congos, chosen in context
            for iso3 in owners:
                names.setdefault(iso3, []).append(name)
        self._load_countries(countries, names, by_country)
        self._load_areas(by_area)
        self._load_curated(curated, by_area)

    # -- building ------------------------------------------------------------------

    @staticmethod
    def _centroid(towns: list[Town]) -> tuple[float | None, float | None]:
        if not towns:
            return None, None
        return (round(sum(t.lat for t in towns) / len(towns), 5), round(sum(t.lon for t in towns) / len(towns), 5))

    def add_alias(self, alias: str, town: Town) -> None:
        bucket = self.by_name[_key(alias)]
        if town not in bucket:
            bucket.append(town)

    def _load_countries(self, countries: dict[str, dict], names: dict[str, list[str]],
                        by_country: dict[str, list[Town]]) -> None:
        for c in countries.values():
            towns = by_country.get(c["iso"], [])
            capital = _key(c.get("capital") or "")
            seat = max((t for t in towns if _key(t.name) == capital), key=lambda t: t.population, default=None)
            if seat is not None:
                self.capitals.add(seat.geonameid)
            lat, lon = (seat.lat, seat.lon) if seat is not None else self._centroid(towns)
            place = Place(c["name"], c["iso3"], None, lat, lon, REGION, c.get("geonameid"), "country")
            self._population[c["iso3"]] = int(c.get("population") or 0)
            for name in (c["name"], *names.get(c["iso3"], [])):
                if _key(name) and place not in self.countries[_key(name)]:
                    self.countries[_key(name)].append(place)

    def _load_areas(self, by_area: dict[tuple[str, str], list[Town]]) -> None:
        """Every first-level area is a place (a region, at its towns' centroid), and so is every
        second-level one (a district, part of a region: precision 2)."""
        for (cc, code), towns in by_area.items():
            name = self.admin1_names.get((cc, code))
            if not name:
                continue
            lat, lon = self._centroid(towns)
            place = Place(name, self.iso3.get(cc), name, lat, lon, REGION, None, "region",
                          self.admin1_codes.get((cc, code)))
            for key in {_key(name), _area_key(name)}:
                if key:
                    self.regions[key].append(place)
            districts: dict[str, list[Town]] = defaultdict(list)
            for town in towns:
                if town.admin2:
                    districts[town.admin2].append(town)
            for district, members in districts.items():
                lat, lon = self._centroid(members)
                place = Place(district, self.iso3.get(cc), name, lat, lon, NEAR, None, "district",
                              self.admin1_codes.get((cc, code)), district)
                for key in {_key(district), _area_key(district)}:
                    if key:
                        self.regions[key].append(place)

    def _load_curated(self, rows: list[dict], by_area: dict[tuple[str, str], list[Town]]) -> None:
        for row in rows:
            names = [row["name"], *[a for a in row.get("aliases", "").split("|") if a]]
            iso3 = row["country"] or None
            anchor = self._anchor(row["anchor"], iso3) if row.get("anchor") else None
            if row["kind"] == "city":
                if anchor is not None:
                    for name in names:
                        self.add_alias(name, anchor)
                continue
            admin1 = code = None
            if anchor is not None and row["kind"] == "region":
                lat, lon = self._centroid(by_area[(anchor.cc, anchor.admin1)])
                admin1 = self.admin1_names.get((anchor.cc, anchor.admin1)) or row["name"]
                code = self.admin1_codes.get((anchor.cc, anchor.admin1))
            elif anchor is not None:  # an area named after its main town: the town's coordinates
                lat, lon = anchor.lat, anchor.lon
                admin1 = self.admin1_names.get((anchor.cc, anchor.admin1))
            else:
                lat = lon = None
            place = Place(row["name"], iso3, admin1, lat, lon, REGION,
                          anchor.geonameid if anchor and row["kind"] == "area" else None, row["kind"], code)
            for name in names:
                self.regions[_key(name)].insert(0, place)  # curated first

    def _anchor(self, name: str, iso3: str | None) -> Town | None:
        options = self.by_name.get(_key(name), [])
        if iso3:
            options = [t for t in options if self.iso3.get(t.cc) == iso3] or options
        return max(options, key=lambda t: t.population) if options else None

    # -- lookups -------------------------------------------------------------------

    def town_place(self, town: Town, precision: int = TOWN) -> Place:
        return Place(town.name, self.iso3.get(town.cc), self.admin1_names.get((town.cc, town.admin1)),
                     town.lat, town.lon, precision, town.geonameid, "town",
                     self.admin1_codes.get((town.cc, town.admin1)), town.admin2 or None)

    def country(self, text: str, context: Context | None = None) -> Place | None:
        """A country by any of its names; a name two countries share ('Congo') goes to the one the
        article is about, else to the more populous."""
        options = self.countries.get(_key(text))
        if not options:
            return None
        countries = context.countries if context else frozenset()
        return max(options, key=lambda p: (p.country in countries, self._population.get(p.country or "", 0)))

    def _score(self, town: Town, key: str, context: Context) -> float:
        iso3 = self.iso3.get(town.cc)
        score = math.log10(town.population + 10)
        score += 0.5 if _key(town.name) == key else 0.0  # its own name, not one of its alternate names
        score += CAPITAL if town.geonameid in self.capitals else 0.0
        score += ARTICLE_COUNTRY if iso3 in context.countries else 0.0
        score += DATELINE_COUNTRY if iso3 and iso3 == context.dateline_country else 0.0
        if any(km(town.lat, town.lon, lat, lon) <= NEARBY_KM for lat, lon in context.seen):
            score += NEARBY
        return score

    def candidates(self, text: str) -> list[Town]:
        return self.by_name.get(_key(text), [])

    def named(self, text: str) -> bool:
        """Is this a place's name? Its own name, or an alternate one that reads like a place name
        ('Haditha' for Ḩadīthah) - not an abbreviation ('CAR') nor a word for people ('Christians')."""
        key = _key(text)
        if key in self.countries or key in self.regions or _area_key(text) in self.regions:
            return True
        towns = self.by_name.get(key, ())
        if any(_key(t.name) == key for t in towns):
            return True
        word = _ARTICLE_PREFIX.sub("", text.strip())  # 'el-Bur' is capitalised after its article
        return bool(towns) and word[:1].isupper() and not word.isupper() and len(key) >= 4 \
            and not _PEOPLE.search(key)

    def resolve(self, text: str, *, near: bool = False, region: bool = False,
                countries: frozenset[str] = frozenset(), context: Context | None = None) -> Place | None:
        """One place mention -> a Place, or None when the gazetteer does not know it.

        ``region``: the text says "region/oblast/province of X" (so X is the area, not its main town).
        ``countries`` (or ``context``): what the article says about where it is, to choose between
        places of the same name. A country wins over anything of its name; an admin area over towns
        named after it, unless its own main town is big (Homs, Kursk, Geneva) and the text does not
        say "region"; among towns, the best score (population, capital, the article's countries and
        dateline, closeness to places the article already named).
        """
        context = context or Context(countries)
        if text.isupper() and text in context.initials and self.country(text, context) is None:
            text = context.initials[text]  # "the CAR" of an article that names the Central African Republic
        words = text.split()
        if words and _key(words[-1]) in REGION_WORDS:
            region, text = True, " ".join(words[:-1])
        key = _key(text)
        if not key:
            return None
        if (country := self.country(text, context)) is not None:
            return country
        areas = self.regions.get(key) or self.regions.get(_area_key(text)) or []
        area = min(areas, key=lambda p: (p.kind == "district", p.country not in context.countries,
                                         p.country != context.dateline_country), default=None) if areas else None
        towns = self.candidates(text)
        own = [t for t in towns if _key(t.name) == key]
        if area is not None:
            if region or area.kind != "region":
                return area
            # a town of the area's name inside the area is its seat, and what the news means ("Kidal",
            # "Homs", "Geneva"); an area with no such town is the area ("Alaska", "Helmand")
            seat = max((t for t in own if self.iso3.get(t.cc) == area.country
                        and (area.kind != "region" or self.admin1_names.get((t.cc, t.admin1)) in (area.admin1, area.name))),
                       key=lambda t: t.population, default=None)
            if seat is None:
                return area
            return self.town_place(seat, NEAR if near else TOWN)
        if not towns:
            return self._feature_of(text, near=near, context=context)
        if not own and _PEOPLE.search(key):
            return None  # "Christians", "Syrians": people, whatever town lists them among its names
        if text.strip().isupper() and len(key) <= 5:
            return None  # "CAR", "DRC", "UK": an abbreviation, never the village that has it as a name
        best = max(towns, key=lambda t: (self._score(t, key, context), t.population))
        if context.countries and self.iso3.get(best.cc) not in context.countries and best.population < FOREIGN_NAMESAKE:
            return None  # a village of that name abroad is likelier a place our data lacks ("Marjah")
        return self.town_place(best, NEAR if near else TOWN)

    def _feature_of(self, text: str, *, near: bool, context: Context) -> Place | None:
        """'the lower Helmand River valley', 'the Swat Valley': a feature named after a region, a
        district or a town is in it; a country's name does not place it ('the Jordan Valley')."""
        words = text.split()
        while words and _key(words[0]) in _DIRECTION_WORDS:
            words = words[1:]
        cut = len(words)
        while cut > 1 and _key(words[cut - 1]) in _FEATURE_WORDS:
            cut -= 1
        if cut == len(words) or cut == 0:
            return None
        name = " ".join(words[:cut])
        if self.country(name, context) is not None:
            return None
        return self.resolve(name, near=near, context=context)

    def knows(self, text: str) -> bool:
        key = _key(text)
        return bool(key) and (key in self.by_name or key in self.regions or key in self.countries
                              or _area_key(text) in self.regions)
