"""`frontline run` shows the events of that run only: a screenful at most, then how many more and the
query that lists them all."""

import shlex
import shutil

import pytest
from click.testing import CliRunner
from rich.console import Console

from pipeline.cli import _show_run_events, main
from pipeline.query import run_events_sql, run_sql

from conftest import ROOT
from loaded import load_folder

DEV = ROOT / "tests" / "data" / "dev" / "articles"


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """Run r1 read the Almaty talks; run r2 the Kursk seed and the Gaza deal."""
    wh_dir = tmp_path_factory.mktemp("wh") / "wh"
    for run_id, names in (("r1", ["008_caucasus_monitor_2024-05-11_almaty_talks.txt"]),
                          ("r2", ["000_etv_bharat_2025-03-15_kursk.txt", "021_gulf_evening_post_2025-01-15_gaza_deal.txt"])):
        src = tmp_path_factory.mktemp(run_id)
        for name in names:
            shutil.copy(DEV / name, src / name)
        wh = load_folder(src, wh_dir, run_id=run_id)
    return wh


def shown(wh, run_id: str, height: int) -> str:
    console = Console(width=200, height=height, record=True, file=open("/dev/null", "w"))
    _show_run_events(console, str(wh.root), run_id)
    return console.export_text()


def test_only_this_runs_events_are_shown(wh):
    of_r2 = run_sql(wh, run_events_sql("r2")).to_pylist()
    of_r1 = run_sql(wh, run_events_sql("r1")).to_pylist()
    assert of_r1 and of_r2 and not {e["event_id"] for e in of_r1} & {e["event_id"] for e in of_r2}
    text = shown(wh, "r2", height=200)
    assert f"events of this run ({len(of_r2)})" in text and "more; all of them" not in text
    lines = text.splitlines()
    assert all(e["event_id"] in text for e in of_r2)
    assert not any(e["event_id"] in text for e in of_r1)
    assert all(len(line) <= 200 for line in lines)  # one line per event, nothing wrapped
    assert sum(any(e["event_id"] in line for e in of_r2) for line in lines) == len(of_r2)


def test_a_long_list_stops_at_a_screenful_and_gives_the_query_for_the_rest(wh):
    total = len(run_sql(wh, run_events_sql("r2")))
    text = shown(wh, "r2", height=16)  # room for 8 rows
    assert total > 8 and f"events of this run (first 8 of {total})" in text
    assert f"{total - 8} more; all of them: frontline sql" in text
    command = shlex.split(next(line for line in text.splitlines() if "all of them:" in line).split(": ", 1)[1])
    assert command[:2] == ["frontline", "sql"] and command[3:] == ["--warehouse", str(wh.root)]
    result = CliRunner().invoke(main, command[1:] + ["--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == total
    assert shown(wh, "r3", height=40).strip() == "no new events in this run"


def test_run_help_mentions_no_show():
    assert "--no-show" in CliRunner().invoke(main, ["run", "--help"]).output
