"""What a `--place` filter means: the countries, admin areas and canonical place names a name stands
for, so that `--place Sudan` finds an event in El Fasher and `--place Kharkov` one in Kharkiv."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaceTerms:
    text: str  # as typed: still matched as part of a place or admin1 name
    countries: tuple[str, ...] = ()  # ISO3 codes of the countries it names (name, official name or code)
    admin1: tuple[str, ...] = ()  # first-level area names it names (as stored in place_admin1)
    admin2: tuple[str, ...] = ()  # second-level area names it names (as stored in place_admin2)
    names: tuple[str, ...] = ()  # canonical names of the places it is a name of (an alias: Kharkov -> Kharkiv)


def country_codes(text: str) -> tuple[str, ...]:
    """ISO3 codes of the countries ``text`` names: a name, official or common name, an ISO 3166 alpha-2
    or alpha-3 code (pycountry), or a name several states share ('Congo', from ambiguous_aliases.csv)."""
    import csv

    import pycountry

    from pipeline.rules import data_dir

    text = text.strip()
    if not text:
        return ()
    with (data_dir() / "ambiguous_aliases.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            owners = tuple(c for c in row["candidates"].split("|") if len(c) == 3 and c.isupper())
            if row["alias"].casefold() == text.casefold() and "/" not in row["alias"] and len(owners) > 1:
                return owners
    try:
        return (pycountry.countries.lookup(text).alpha_3,)
    except LookupError:
        return ()


def place_terms(text: str, gazetteer=None) -> PlaceTerms:
    """The terms ``text`` matches. A country is found without the gazetteer; anything else is looked up
    in ``gazetteer`` (pipeline.normalize.places.Gazetteer) when one is given: the admin areas of that
    name and the towns it is a name of, in any of their GeoNames names."""
    countries = country_codes(text)
    if countries or gazetteer is None:
        return PlaceTerms(text, countries)
    from pipeline.normalize.places import _area_key, _key

    areas = gazetteer.regions.get(_key(text), []) + gazetteer.regions.get(_area_key(text), [])
    admin1 = {p.admin1 or p.name for p in areas if p.kind == "region"}
    admin2 = {p.name for p in areas if p.kind == "district"}
    towns = {t.name for t in gazetteer.candidates(text)}
    curated = {p.name for p in areas if p.kind not in ("region", "district")}
    return PlaceTerms(text, (), tuple(sorted(admin1)), tuple(sorted(admin2)), tuple(sorted(towns | curated)))
