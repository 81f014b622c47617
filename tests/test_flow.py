"""The whole path on Prefect: files -> flow -> Parquet -> SQL."""

import shutil

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from conftest import SEED_ARTICLE

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

MAX_BYTES = 8192


@pytest.fixture
def mixed_folder(tmp_path):
    """One good article and six bad files, one per reject reason."""
    root = tmp_path / "in"
    (root / "nested").mkdir(parents=True)
    shutil.copy(SEED_ARTICLE, root / "nested" / SEED_ARTICLE.name)
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    (root / "bad_date.txt").write_text(" date 2025-02-30 Wire / world\n\nTitle\n\nBody text.\n")
    (root / "no_body.txt").write_text(" date 2025-03-15 Wire / world\n\nA headline alone\n")
    (root / "huge.txt").write_text("word " * (MAX_BYTES // 4))
    (root / "feed.jsonl").write_text('{"title": "broken", "text": \n')
    return root


def counts(wh: Warehouse) -> dict[str, int]:
    return {t: run_sql(wh, f"select count(*) as n from {t}")["n"][0].as_py()
            for t in ["articles", "event_mentions", "rejects"]}


def test_good_and_bad_files_in_one_batch(mixed_folder, tmp_path):
    from flows.etl import etl

    wh_dir = tmp_path / "wh"
    summary = etl(input_dir=str(mixed_folder), warehouse=str(wh_dir), max_bytes=MAX_BYTES, batch_size=3)
    wh = Warehouse(wh_dir)
    assert summary["files_seen"] == 7
    rejects = run_sql(wh, "select source_path, reason, detail, run_id from rejects order by reason").to_pylist()
    assert [r["reason"] for r in rejects] == sorted(
        ["empty_file", "binary_file", "bad_date", "no_body", "too_large", "bad_json"])
    assert {r["source_path"] for r in rejects} == {
        "empty.txt", "binary.txt", "bad_date.txt", "no_body.txt", "huge.txt", "feed.jsonl"}
    assert all(r["detail"] and r["run_id"] == summary["run_id"] for r in rejects)
    articles = run_sql(wh, "select source_path, published_date, published_month from articles").to_pylist()
    assert [(a["source_path"], str(a["published_date"]), a["published_month"]) for a in articles] == [
        (f"nested/{SEED_ARTICLE.name}", "2025-03-15", "2025-03")]
    first = counts(wh)
    assert first["articles"] == 1 and first["rejects"] == 6 and first["event_mentions"] >= 5

    # Same input again: nothing new anywhere, one more row in the run log.
    again = etl(input_dir=str(mixed_folder), warehouse=str(wh_dir), max_bytes=MAX_BYTES)
    assert again["added"] == {"articles": 0, "event_mentions": 0, "rejects": 0, "files": 0, "runs": 1}
    assert (again["files_unchanged"], again["articles_read"]) == (7, 0)
    assert counts(wh) == first
    runs = run_sql(wh, "select status, files_seen, files_new, files_unchanged, articles_new, rejects from runs "
                       "order by started_at").to_pylist()
    assert [tuple(r.values()) for r in runs] == [("completed", 7, 7, 0, 1, 6), ("completed", 7, 0, 7, 0, 0)]


def test_cli_run_then_sql(tmp_path):
    wh_dir = tmp_path / "wh"
    runner = CliRunner()
    result = runner.invoke(main, ["run", str(SEED_ARTICLE.parent), "--warehouse", str(wh_dir)])
    assert result.exit_code == 0, result.output
    assert "SURRENDER_DEMAND" in result.output
    n = counts(Warehouse(wh_dir))["event_mentions"]
    result = runner.invoke(main, ["sql", "select count(*) as n from event_mentions", "--warehouse", str(wh_dir)])
    assert result.exit_code == 0, result.output
    assert str(n) in result.output.split()
    rows = run_sql(Warehouse(wh_dir), """
        select agent_id, target_id, location, event_date, date_precision, modality
        from event_mentions where event_type = 'SURRENDER_DEMAND' and modality = 'asserted'""").to_pylist()
    assert [(r["agent_id"], r["target_id"], r["location"], str(r["event_date"]), r["date_precision"])
            for r in rows] == [("RUS_PUTIN", "UKR_MIL", "Kursk", "2025-03-14", "day")]


def test_cli_reports_bad_sql_and_missing_input(tmp_path):
    runner = CliRunner()
    Warehouse(tmp_path / "wh").ensure()
    result = runner.invoke(main, ["sql", "select nope from event_mentions", "--warehouse", str(tmp_path / "wh")])
    assert result.exit_code == 1
    assert "nope" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["run", str(tmp_path / "missing"), "--warehouse", str(tmp_path / "wh")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_two_articles_on_one_event_make_one_event_row(tmp_path):
    """Two outlets report Israel's capture of the Rafah crossing: one events row, two articles, two sources."""
    from flows.etl import etl

    src = tmp_path / "in"
    src.mkdir()
    dev = SEED_ARTICLE.parents[1] / "tests" / "data" / "dev" / "articles"
    for name in ("003_levant_live_2024-05-07_rafah.txt", "004_gulf_evening_post_2024-05-07_rafah.txt"):
        shutil.copy(dev / name, src / name)
    wh_dir = tmp_path / "wh"
    etl(input_dir=str(src), warehouse=str(wh_dir))
    wh = Warehouse(wh_dir)
    query = """select event_id, n_articles, n_sources, n_mentions from events
               where event_type = 'OFFENSIVE' and place_name like 'Rafa%' and n_articles = 2"""
    [event] = run_sql(wh, query).to_pylist()
    assert event["n_sources"] == 2 and event["n_mentions"] >= 2
    linked = run_sql(wh, "select count(distinct article_id) n from event_mentions where event_id = ?",
                     [event["event_id"]])["n"][0].as_py()
    assert linked == 2
    # Every mention belongs to exactly one event, and the events account for every mention.
    totals = run_sql(wh, "select (select count(*) from event_mentions where event_id is null) orphans, "
                         "(select sum(n_mentions) from events) clustered, (select count(*) from event_mentions) m")
    row = totals.to_pylist()[0]
    assert row["orphans"] == 0 and row["clustered"] == row["m"]
    # A new article on another event extends the table without duplicating this one.
    shutil.copy(SEED_ARTICLE, src / SEED_ARTICLE.name)
    etl(input_dir=str(src), warehouse=str(wh_dir))
    assert run_sql(wh, query).to_pylist() == [event]


def test_the_file_listing_is_not_tracked_item_by_item_by_prefect(tmp_path):
    """Prefect keeps a record per item of a list a task returns, for the whole run; a listing of
    100,000 files must not leave 100,000 records in the flow's memory."""
    from prefect import flow
    from prefect.context import FlowRunContext

    from flows.tasks import read_state, scan_input
    from pipeline.sources import open_source

    for i in range(300):
        (tmp_path / f"{i:03d}.txt").write_text(f" date 2025-03-15 Wire / world\n\nHeadline {i}\n\nBody {i}.\n")

    @flow
    def listing() -> tuple[int, int]:
        source = open_source(str(tmp_path))
        names = list(source.names())
        known = read_state(str(tmp_path / "wh"), source.root, names).value
        files = scan_input(source, names, known, False).value
        return len(files), len(FlowRunContext.get().run_results)

    files, tracked = listing()
    assert files == 300 and tracked < 10


def test_a_name_that_is_not_utf8_and_a_folder_that_cannot_be_listed_are_rejects_and_the_run_goes_on(
        tmp_path, monkeypatch):
    import os

    from flows.etl import etl

    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    shutil.copy(SEED_ARTICLE, src / SEED_ARTICLE.name)
    with open(os.path.join(os.fsencode(src), b"r\xe9sum\xe9.txt"), "wb") as fh:
        fh.write(b" date 2025-03-15 Wire / world\n\nHeadline\n\nTroops attacked the town on Friday.\n")
    (src / "locked" / "inside.txt").write_text("Headline\n\nTroops shelled the city.\n")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).rstrip("/").endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = etl(input_dir=str(src), warehouse=str(tmp_path / "wh"))
    wh = Warehouse(tmp_path / "wh")
    assert summary["files_seen"] == 3 and summary["articles_new"] == 1
    assert run_sql(wh, "select source_path from articles")["source_path"].to_pylist() == [SEED_ARTICLE.name]
    rejects = run_sql(wh, "select source_path, reason from rejects order by 1").to_pylist()
    assert rejects == [{"source_path": "locked/", "reason": "unreadable"},
                       {"source_path": "r\\xe9sum\\xe9.txt", "reason": "bad_name"}]
