"""`frontline events --place` finds an event by its place's country (name or code), its admin area,
and any name the gazetteer knows for the place."""

import json
import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.normalize.gazetteer import gazetteer
from pipeline.place_terms import country_codes, place_terms
from pipeline.query import run_sql

from conftest import ROOT
from loaded import load_folder

DEV = ROOT / "tests" / "data" / "dev" / "articles"


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """El Fasher (Sudan, North Darfur) and Kursk (Russia) and Kyiv (Ukraine) events."""
    src = tmp_path_factory.mktemp("in")
    for name in ("005_nile_courier_2024-06-15_el_fasher.txt", "000_etv_bharat_2025-03-15_kursk.txt"):
        shutil.copy(DEV / name, src / name)
    return load_folder(src, tmp_path_factory.mktemp("wh") / "wh")


def listed(wh, place: str) -> list[dict]:
    out = CliRunner().invoke(main, ["events", "--warehouse", str(wh.root), "--place", place, "--format", "jsonl",
                                    "--undated"])
    assert out.exit_code == 0, out.output
    return [json.loads(line) for line in out.output.splitlines() if line]


def stored(wh, where: str) -> set[str]:
    return {r["event_id"] for r in run_sql(wh, f"select event_id from events where {where}").to_pylist()}


def test_a_country_name_or_code_finds_the_events_in_its_towns(wh):
    in_sudan = stored(wh, "place_country = 'SDN'")
    assert in_sudan and stored(wh, "place_name = 'El Fasher'") <= in_sudan
    assert not stored(wh, "place_name ILIKE '%sudan%'")  # no event's place is called Sudan
    for name in ("Sudan", "sudan", "SDN", "SD", "Republic of the Sudan"):
        rows = listed(wh, name)
        assert {r["event_id"] for r in rows} == in_sudan, name
        assert {r["place_country"] for r in rows} == {"SDN"}
    assert {r["event_id"] for r in listed(wh, "Russian Federation")} == stored(wh, "place_country = 'RUS'")
    assert listed(wh, "Norway") == []


def test_an_admin_area_or_another_name_of_the_town_finds_its_events(wh):
    fasher = stored(wh, "place_name = 'El Fasher'")
    [admin1] = {r["place_admin1"] for r in run_sql(wh, "select place_admin1 from events where "
                                                       "place_name = 'El Fasher'").to_pylist()}
    assert admin1 == "Northern Darfur"
    assert fasher <= {r["event_id"] for r in listed(wh, "North Darfur")}  # the area's usual name, not GeoNames'
    assert {r["event_id"] for r in listed(wh, "Al Fashir")} == fasher  # another spelling GeoNames knows


def test_place_terms_are_countries_areas_and_canonical_names():
    assert country_codes("Congo") == ("COD", "COG")  # a name two states share stands for both
    assert country_codes("El Fasher") == ()
    g = gazetteer()
    assert place_terms("Sudan", g).countries == ("SDN",)
    assert place_terms("Kharkov", g).names == ("Kharkiv",)
    assert place_terms("Kursk Oblast", g).admin1 == ("Kursk",)
