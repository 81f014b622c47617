"""Interoperability columns (sub_type, fatalities, actor types, admin areas, Goldstein and QuadClass) and
the ACLED- and PLOVER-shaped exports, read back with DuckDB."""

import csv
import shutil
import tomllib

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.crosswalk import cameo_scales, crosswalk_rows
from pipeline.interop_export import ACLED_COLUMNS, PLOVER_COLUMNS, inter_codes
from pipeline.nlp.fatalities import fatality_patterns, reported_fatalities
from pipeline.rules import DATA_DIR
from pipeline.nlp.sub_types import SUB_TYPES, offensive_sub_type, sub_type_cues
from pipeline.query import run_sql

from conftest import ROOT
from loaded import load_folder

DEV = ROOT / "tests" / "data" / "dev" / "articles"


@pytest.mark.parametrize("sentence, trigger, expected", [
    ("Velmar warplanes hit a fuel depot near Orsk on Monday.", "hit", "air_drone_strike"),
    ("Rebel drones struck the airfield overnight.", "struck", "air_drone_strike"),
    ("The army shelled the market in Tarvo.", "shelled", "shelling_artillery_missile"),
    ("Rebels attacked the garrison with mortars at dawn.", "attacked", "shelling_artillery_missile"),
    ("Government troops recaptured the town of Orsk.", "recaptured", "capture_territory"),
    ("Militia fighters clashed with police in the old quarter.", "clashed", "armed_clash"),
    ("Tanks and infantry pushed into the suburbs.", "pushed", "ground_assault"),
    ("The Velmar army launched an offensive in the north.", "offensive", "ground_assault"),
    ("An attack was reported on Tuesday.", "attack", "other"),
])
def test_offensive_sub_type_from_trigger_and_nearby_words(sentence, trigger, expected):
    assert offensive_sub_type(trigger, sentence, sentence.index(trigger), sub_type_cues(DATA_DIR)) == expected


@pytest.mark.parametrize("sentence, killed, approximate", [
    ("Shelling on Orsk killed 14 people and wounded 30 others.", 14, False),
    ("The strike hit a school, killing at least 9 children.", 9, True),
    ("Twelve soldiers were killed when the convoy was ambushed.", 12, False),
    ("The death toll from the raid rose to 1,250, officials said.", 1250, False),
    ("Dozens of fighters died in the battle for the bridge.", 24, True),
    ("Forty people were wounded and hundreds displaced.", None, None),
    ("The offensive of 2019 killed 3 people, the report said.", 3, False),  # a year is no count
    ("The raid killed no one, the governor said.", 0, False),
])
def test_fatalities_are_people_killed_apart_from_other_counts(sentence, killed, approximate):
    found = reported_fatalities(sentence, fatality_patterns(DATA_DIR))
    if killed is None:
        assert found is None
    else:
        assert (found.killed, found.approximate) == (killed, approximate)


def test_every_code_we_emit_has_a_goldstein_value_and_quad_class():
    taxonomy = tomllib.loads((DATA_DIR / "event_types.toml").read_text())
    emitted = {spec["cameo"] for spec in taxonomy.values()} | {r.cameo_code for r in crosswalk_rows(DATA_DIR)}
    scales = cameo_scales(DATA_DIR)
    assert emitted <= set(scales)
    for code, (goldstein, quad) in scales.items():
        assert -10 <= goldstein <= 10
        root = int(code[:2])  # GDELT: roots 01-05 verbal cooperation ... 15-20 material conflict
        assert quad == (1 if root <= 5 else 2 if root <= 8 else 3 if root <= 14 else 4)
    subs = {r.sub_type for r in crosswalk_rows(DATA_DIR) if r.event_type == "OFFENSIVE"}
    assert subs == set(SUB_TYPES)
    with (DATA_DIR / "offensive_sub_types.csv").open() as fh:
        assert all(r["source"] for r in csv.DictReader(fh))


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """Gaza air strikes with a death toll, the Kursk seed (a retaken region), El Fasher."""
    src = tmp_path_factory.mktemp("in")
    for name in ("003_levant_live_2024-05-07_rafah.txt", "022_levant_live_2025-03-18_gaza_strikes.txt",
                 "000_etv_bharat_2025-03-15_kursk.txt", "005_nile_courier_2024-06-15_el_fasher.txt"):
        shutil.copy(DEV / name, src / name)
    return load_folder(src, tmp_path_factory.mktemp("wh") / "wh")


def exported(wh, fmt, tmp_path):
    out = tmp_path / f"{fmt}.csv"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(out), "--warehouse", str(wh.root)])
    assert result.exit_code == 0, result.output
    return duckdb.sql(f"select * from read_csv('{out}', header = true)")


def test_events_carry_the_new_columns_from_their_mentions(wh):
    rows = run_sql(wh, "select e.*, m.fatalities as m_fatalities from events e join event_mentions m "
                       "on m.mention_id = e.evidence_mention_id where e.event_type = 'OFFENSIVE'").to_pylist()
    assert {r["sub_type"] for r in rows} <= set(SUB_TYPES) and all(r["sub_type"] for r in rows)
    assert all(r["goldstein"] is not None and r["quad_class"] == 4 for r in rows)
    killed = [r for r in rows if r["fatalities"] is not None]
    assert killed and all(r["fatalities"] > 0 for r in killed)
    typed = [r for r in rows if r["agent_id"]]
    stored = {r["agent_id"]: r["agent_type"] for r in run_sql(
        wh, "select distinct agent_id, agent_type from event_mentions where agent_id is not null").to_pylist()}
    assert typed and all(r["agent_type"] == stored[r["agent_id"]] for r in typed)
    assert all(r["place_admin1"] for r in rows if r["geo_precision"] == 1)


def test_acled_export_reads_back_with_acleds_columns(wh, tmp_path):
    rel = exported(wh, "acled", tmp_path)
    assert rel.columns == list(ACLED_COLUMNS)
    rows = [dict(zip(rel.columns, r)) for r in rel.fetchall()]
    expected = run_sql(wh, "select count(*) n from events where event_date is not null "
                           "and modality in ('asserted', 'claimed')")["n"][0].as_py()
    assert len(rows) == expected > 0
    assert duckdb.sql(f"select count(*) from read_csv('{tmp_path / 'acled.csv'}') where event_date is null"
                      ).fetchall() == [(0,)]
    types = {(r["event_type"], r["sub_event_type"]) for r in rows}
    assert ("Explosions/Remote violence", "Air/drone strike") in types
    strike = next(r for r in rows if r["sub_event_type"] == "Air/drone strike" and r["fatalities"] > 0)
    assert "fatalities approximate" in (strike["tags"] or "") and strike["iso"] == 275 and strike["admin1"]
    assert strike["disorder_type"] == "Political violence" and strike["year"] == strike["event_date"].year
    inter = inter_codes(DATA_DIR)
    for r in rows:
        assert r["time_precision"] in (1, 2, 3)
        if r["inter1"] and r["inter2"]:
            assert r["interaction"] == int("".join(sorted(f"{r['inter1']}{r['inter2']}")))
        assert r["inter1"] in set(inter.values()) | {None}
    retaken = [r for r in rows if r["sub_event_type"] in ("Government regains territory",
                                                          "Non-state actor overtakes territory")]
    assert retaken
    home = {r["agent_name"]: r["agent_country"] for r in run_sql(wh, "select agent_name, agent_country from events "
                                                                    "where agent_name is not null").to_pylist()}
    for r in retaken:  # state forces retaking ground at home; anyone else, foreign forces too, overtakes it
        at_home = r["inter1"] == 1 and home[r["actor1"]] == r["event_id_cnty"][:3]
        assert (r["sub_event_type"] == "Government regains territory") == at_home


def test_plover_export_reads_back_with_plover_fields(wh, tmp_path):
    rel = exported(wh, "plover", tmp_path)
    assert rel.columns == list(PLOVER_COLUMNS)
    rows = [dict(zip(rel.columns, r)) for r in rel.fetchall()]
    assert rows and {r["event_type"] for r in rows} <= {"ASSAULT", "COERCE", "CONSULT", "RETREAT", "DEMAND"}
    stored = {r["event_id"]: r for r in run_sql(wh, "select event_id, cameo_code, goldstein, quad_class, sub_type "
                                                    "from events").to_pylist()}
    for r in rows:
        e = stored[r["id"]]
        assert (str(r["cameo_code"]).zfill(len(e["cameo_code"])), r["goldstein"], r["quad_class"]) == (
            e["cameo_code"], e["goldstein"], e["quad_class"])
        if e["sub_type"] == "capture_territory":
            assert (r["event_type"], r["mode"]) == ("COERCE", "confiscate")
