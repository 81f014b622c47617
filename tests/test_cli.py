"""The CLI: documented commands, filters as bound parameters, clear errors, exports."""

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.warehousing.store import Warehouse
from pipeline.query import EventFilter, events_query, run_sql

from conftest import ROOT


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example: frontline " + name in result.output.replace("\n", " "), name
        assert f"frontline {name}" in (ROOT / "README.md").read_text(), f"README does not show frontline {name}"


def test_event_filters_are_bound_parameters():
    hostile = "'; drop table events; --"
    sql, params = events_query(EventFilter(event_type=hostile, actor=hostile, place=hostile))
    assert hostile not in sql and "drop" not in sql.lower()
    assert params.count(hostile.upper()) == 1 and hostile in params


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The seed article loaded without Prefect: the CLI reads whatever a run left behind."""
    from datetime import datetime, timezone

    from pipeline.events.assign import assign_events
    from pipeline.extract import extract_mentions
    from pipeline.ingest.read import read_folder
    from pipeline.records import Article, Event, Mention, to_arrow

    root = tmp_path_factory.mktemp("cli")
    read = read_folder(ROOT / "seeds", run_id="r", now=datetime.now(timezone.utc))
    mentions, events = assign_events(extract_mentions(read.articles, run_id="r"),
                                           {a.article_id: a.outlet for a in read.articles})
    wh = Warehouse(root / "wh")
    wh.commit({"articles": to_arrow(read.articles, Article), "event_mentions": to_arrow(mentions, Mention),
               "events": to_arrow(events, Event)})
    return wh


def test_events_command_filters_and_survives_injection(warehouse):
    runner = CliRunner()
    args = ["events", "--warehouse", str(warehouse.root), "--format", "jsonl"]
    result = runner.invoke(main, args + ["--type", "SURRENDER_DEMAND", "--actor", "RUS_PUTIN", "--since", "2025-03-14",
                                         "--place", "Kursk"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows and all(r["event_type"] == "SURRENDER_DEMAND" for r in rows)
    assert rows[0]["agent_name"] == "Vladimir Putin" and rows[0]["event_date"] == "2025-03-14"
    before = run_sql(warehouse, "select count(*) n from events")["n"][0].as_py()
    for option in ("--actor", "--type", "--place"):
        result = runner.invoke(main, args + [option, "'; drop table events; --"])
        assert result.exit_code == 0 and result.output == ""
    assert run_sql(warehouse, "select count(*) n from events")["n"][0].as_py() == before


def test_like_wildcards_in_filters_are_taken_literally(warehouse):
    """--actor % or --place _ match a name holding that character, not every name."""
    runner = CliRunner()
    args = ["events", "--warehouse", str(warehouse.root), "--format", "jsonl"]
    assert runner.invoke(main, args).output.count("\n") > 2
    for option, value in (("--actor", "%"), ("--actor", "_"), ("--place", "%"), ("--place", "K_rsk"),
                          ("--actor", "\\")):
        result = runner.invoke(main, args + [option, value])
        assert result.exit_code == 0 and result.output == "", (option, value)
    assert runner.invoke(main, args + ["--place", "Kurs"]).output.count("\n") >= 1


def test_bad_dates_and_bad_sql_get_clear_errors(warehouse):
    runner = CliRunner()
    result = runner.invoke(main, ["events", "--warehouse", str(warehouse.root), "--since", "2025-02-30"])
    assert result.exit_code == 2 and "not a date" in result.output
    result = runner.invoke(main, ["sql", "select nope from events", "--warehouse", str(warehouse.root)])
    assert result.exit_code == 1 and "nope" in result.output
    result = runner.invoke(main, ["sql", "drop table events", "--warehouse", str(warehouse.root)])
    assert result.exit_code == 1 and "read-only" in result.output


def test_sql_exports(warehouse, tmp_path):
    import pyarrow.parquet as pq

    runner = CliRunner()
    q = "select event_type, count(*) as n from event_mentions group by 1 order by 1"
    base = ["sql", q, "--warehouse", str(warehouse.root)]
    assert runner.invoke(main, base + ["--format", "csv", "-o", str(tmp_path / "c.csv")]).exit_code == 0
    assert (tmp_path / "c.csv").read_text().splitlines()[0] == '"event_type","n"'
    assert runner.invoke(main, base + ["--format", "parquet", "-o", str(tmp_path / "c.parquet")]).exit_code == 0
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.column_names == ["event_type", "n"] and table.num_rows >= 3
    out = runner.invoke(main, base + ["--format", "jsonl"]).output
    assert json.loads(out.splitlines()[0])["event_type"] == "CEASEFIRE_PROPOSAL"
    result = runner.invoke(main, base + ["--format", "parquet"])
    assert result.exit_code == 1 and "needs --output" in result.output
