"""Every table and view exports to CSV, JSON Lines and Parquet, and DuckDB reads each file back whole."""

import json
import re
import shutil

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.warehousing.catalog import derived_views
from pipeline.query import LIST_SEPARATOR, run_sql
from schemas import table_schemas

from conftest import ROOT
from loaded import load_folder

DEV = ROOT / "tests" / "data" / "dev" / "articles"
ARTICLES = ("000_etv_bharat_2025-03-15_kursk.txt", "008_caucasus_monitor_2024-05-11_almaty_talks.txt",
            "021_gulf_evening_post_2025-01-15_gaza_deal.txt", "022_levant_live_2025-03-18_gaza_strikes.txt",
            "034_kyiv_ledger_2024-05-11_kharkiv_live.txt", "039_undated_pokrovsk.txt", "040_undated_gaza_truce.txt")
VIEWS = [re.search(r"VIEW\s+(\w+)", v)[1] for v in derived_views()]
NAMES = sorted(table_schemas()) + VIEWS


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """Dev articles (day, week, month and undated events, a truce with a response, talks) and a bad file."""
    src = tmp_path_factory.mktemp("in")
    for name in ARTICLES:
        shutil.copy(DEV / name, src / name)
    (src / "binary.txt").write_bytes(b"\x00\x01\x02")
    return load_folder(src, tmp_path_factory.mktemp("wh") / "wh")


def export(wh, query: str, fmt: str, out) -> object:
    return CliRunner().invoke(main, ["sql", query, "--warehouse", str(wh.root), "--format", fmt, "-o", str(out)])


READERS = {"csv": "read_csv('{}', header = true)", "jsonl": "read_json('{}', format = 'newline_delimited')",
           "parquet": "read_parquet('{}')"}


@pytest.mark.parametrize("name", NAMES)
def test_every_table_and_view_exports_and_reads_back(wh, name, tmp_path):
    expected = run_sql(wh, f"select * from {name}")
    assert expected.num_rows > 0, f"the fixture leaves {name} empty"
    for fmt, reader in READERS.items():
        out = tmp_path / f"{name}.{fmt}"
        result = export(wh, f"select * from {name}", fmt, out)
        assert result.exit_code == 0, result.output
        back = duckdb.sql(f"select * from {reader.format(out)}")
        assert back.columns == expected.column_names, fmt
        assert duckdb.sql(f"select count(*) from {reader.format(out)}").fetchall() == [(expected.num_rows,)], fmt


def test_lists_in_csv_are_delimited_strings_and_nested_values_json(wh, tmp_path):
    out = tmp_path / "events.csv"
    assert export(wh, "select event_id, sources, article_ids, n_sources from events order by event_id", "csv",
                  out).exit_code == 0
    rows = duckdb.sql(f"select * from read_csv('{out}', header = true, all_varchar = true)").fetchall()
    stored = run_sql(wh, "select event_id, sources, article_ids from events order by event_id").to_pylist()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (s["event_id"], LIST_SEPARATOR.join(s["sources"]), LIST_SEPARATOR.join(s["article_ids"])) for s in stored]
    assert any(LIST_SEPARATOR in r[2] for r in rows) or all(int(r[3]) == 1 for r in rows)

    out = tmp_path / "truces.csv"
    assert export(wh, "select event_id, responses from ceasefire_tracker where responses is not null", "csv",
                  out).exit_code == 0
    [(event_id, responses)] = duckdb.sql(f"select * from read_csv('{out}', header = true, all_varchar = true)"
                                         ).fetchall()
    assert json.loads(responses) == [{"response": "accepted", "responder": "Israel", "reported": "2025-01-15"}]

    out = tmp_path / "timeline.csv"
    assert export(wh, "select top_sources from timeline where len(top_sources) > 1 limit 1", "csv",
                  out).exit_code == 0
    [(top,)] = duckdb.sql(f"select * from read_csv('{out}', header = true, all_varchar = true)").fetchall()
    assert top.count(LIST_SEPARATOR) == 1


def test_a_failed_export_leaves_no_file(wh, tmp_path):
    out = tmp_path / "e.csv"
    result = export(wh, "select nope from events", "csv", out)
    assert result.exit_code == 1 and "nope" in result.output
    result = export(wh, "select * from events", "csv", tmp_path / "no" / "such" / "folder" / "e.csv")
    assert result.exit_code == 1 and "cannot write" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_events_command_exports_csv_with_lists(wh, tmp_path):
    out = tmp_path / "events.csv"
    result = CliRunner().invoke(main, ["events", "--warehouse", str(wh.root), "--format", "csv", "-o", str(out),
                                       "--undated"])
    assert result.exit_code == 0, result.output
    n = duckdb.sql(f"select count(*) from read_csv('{out}', header = true)").fetchall()[0][0]
    assert n == run_sql(wh, "select count(*) n from events")["n"][0].as_py()
