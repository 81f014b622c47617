"""A hostile or careless user of the warehouse: SQL that writes or reads elsewhere, a lost or damaged
manifest, a damaged Parquet file, a folder that is not a warehouse, a typo, a read-only or copied
warehouse. Each gets a clear error or is repaired; none loses data or reaches outside the warehouse."""

import json
import os

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import QueryError, WarehouseError
from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from warehouse_rows import articles_table, count


def sql(wh: Warehouse, query: str):
    return CliRunner().invoke(main, ["sql", query, "--warehouse", str(wh.root), "--format", "csv"])


@pytest.fixture
def wh(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2)})
    wh.commit({"articles": articles_table(3)})
    return wh


def parquet_files(root) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "tables").rglob("*.parquet")}


def test_sql_runs_one_select_and_cannot_write_anything(wh, tmp_path):
    live = wh.root / wh.manifest().files("articles")[0]
    manifest = (wh.root / "_manifest.json").read_bytes()
    writes = [f"copy (select 42) to '{tmp_path / 'x.csv'}'",
              f"copy (select * from articles where false) to '{live}' (format parquet)",
              f"copy (select 1) to '{wh.root / '_manifest.json'}'",
              "select 1; copy (select 42) to 'y.csv'",
              "create table t as select 1", "set enable_external_access = true",
              f"attach '{tmp_path / 'other.duckdb'}'", "pragma version"]
    for query in writes:
        result = sql(wh, query)
        assert result.exit_code == 1 and "read-only" in result.output and "Traceback" not in result.output, query
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "other.duckdb").exists()
    assert (wh.root / "_manifest.json").read_bytes() == manifest
    assert count(wh, "articles") == 3
    for query in ("select count(*) n from articles", "with a as (select 1 x) select * from a", "describe articles",
                  "show tables", "summarize articles", f"select count(*) n from read_parquet('{live}')"):
        assert sql(wh, query).exit_code == 0, query


def test_sql_cannot_read_outside_the_warehouse(wh, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the password\n")
    for query in (f"select content from read_text('{secret}')", f"select * from glob('{tmp_path}/*')",
                  "select * from read_csv('/etc/passwd', sep = ':')",
                  f"select * from read_text('{wh.root}/tables/../../secret.txt')",
                  f"select content from read_text('{wh.root / '_manifest.json'}')"):
        result = sql(wh, query)
        assert result.exit_code == 1 and "password" not in result.output, query
        assert "disabled by configuration" in result.output, result.output
    with pytest.raises(QueryError, match="disabled by configuration"):
        run_sql(wh, "select * from glob('/root/*')")


def test_a_lost_manifest_is_an_error_never_an_empty_warehouse_and_repair_restores_it(wh):
    on_disk = parquet_files(wh.root)
    (wh.root / "_manifest.json").unlink()
    result = sql(wh, "select count(*) n from articles")
    assert result.exit_code == 1 and "frontline repair" in result.output and "Traceback" not in result.output
    with pytest.raises(WarehouseError, match="missing but the warehouse holds data"):
        wh.commit({"articles": articles_table(4)})
    assert parquet_files(wh.root) == on_disk  # nothing was taken for a dead run's leftovers

    result = CliRunner().invoke(main, ["repair", "--warehouse", str(wh.root)])
    assert result.exit_code == 0 and "restored the manifest of snapshot 2" in result.output, result.output
    assert count(wh, "articles") == 3
    wh.commit({"articles": articles_table(4)})
    assert count(wh, "articles") == 4


@pytest.mark.parametrize("damage", [b"{}", b"[]", b'{"snapshot": 2, "tables": []}', b'{"snap', b"",
                                    b'{"snapshot": 2, "tables": {"articles": {"files": ["/etc/passwd"]}}}'])
def test_a_damaged_manifest_is_a_clear_error_and_repair_restores_the_last_good_one(wh, damage):
    (wh.root / "_manifest.json").write_bytes(damage)
    result = sql(wh, "select count(*) n from articles")
    assert result.exit_code == 1 and "is damaged" in result.output and "Traceback" not in result.output
    assert CliRunner().invoke(main, ["repair", "--warehouse", str(wh.root)]).exit_code == 0
    assert count(wh, "articles") == 3


def test_a_damaged_parquet_file_is_quarantined_by_repair_and_the_rest_reads(wh):
    first, second = sorted(wh.manifest().files("articles"))
    (wh.root / second).write_bytes(b"PAR1" + b"\0" * 100 + b"PAR1")
    result = sql(wh, "select count(*) n from articles")
    assert result.exit_code == 1 and "frontline repair" in result.output and "Traceback" not in result.output
    with pytest.raises(WarehouseError, match="frontline repair"):
        wh.commit({"articles": articles_table(4)})

    result = CliRunner().invoke(main, ["repair", "--warehouse", str(wh.root)])
    assert result.exit_code == 0 and f"quarantined {second}" in result.output, result.output
    assert (wh.root / "_quarantine" / second).exists() and not (wh.root / second).exists()
    assert wh.manifest().files("articles") == [first]
    assert count(wh, "articles") == 2 and wh.manifest().tables["articles"]["rows"] == 2
    wh.commit({"articles": articles_table(3, 4)})
    assert count(wh, "articles") == 4
    # A healthy warehouse: repair only checks it.
    result = CliRunner().invoke(main, ["repair", "--warehouse", str(wh.root)])
    assert result.exit_code == 0 and "read back whole" in result.output


def test_a_folder_that_is_not_a_warehouse_is_refused_and_nothing_in_it_is_touched(tmp_path):
    home = tmp_path / "home"
    (home / "tables" / "mine").mkdir(parents=True)
    files = {"notes.tmp": b"draft", "data.parquet": b"PAR1", "tables/mine/part-1.parquet": b"PAR1"}
    for rel, data in files.items():
        (home / rel).write_bytes(data)
    wh = Warehouse(home)
    with pytest.raises(WarehouseError, match="not empty and is not a frontline warehouse"):
        wh.commit({"articles": articles_table(1)})
    with pytest.raises(WarehouseError, match="not a frontline warehouse"):
        run_sql(wh, "select count(*) from articles")
    from pipeline.locations import check_locations
    from pipeline.errors import FrontlineError

    (tmp_path / "in").mkdir()
    with pytest.raises(FrontlineError, match="not a frontline warehouse"):
        check_locations(str(tmp_path / "in"), str(home))
    assert {p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()} == set(files)


def test_a_warehouse_removes_only_files_it_wrote(wh):
    """Its own temporary files live in _tmp/; a user's *.tmp or foreign Parquet file is left alone."""
    (wh.root / "notes.tmp").write_text("mine")
    foreign = wh.root / "tables" / "articles" / "published_month=2025-03" / "exported.parquet"
    foreign.write_bytes(b"PAR1")
    (wh.root / "_tmp").mkdir(exist_ok=True)
    (wh.root / "_tmp" / "_manifest.json.0badc0de.tmp").write_text("torn")
    wh.commit({"articles": articles_table(4)})
    assert (wh.root / "notes.tmp").read_text() == "mine" and foreign.exists()
    assert not list((wh.root / "_tmp").iterdir())
    assert count(wh, "articles") == 4


def test_a_warehouse_written_before_the_marker_is_recognised(wh):
    (wh.root / "_frontline_warehouse.json").unlink()
    assert count(wh, "articles") == 3
    wh.commit({"articles": articles_table(4)})
    assert (wh.root / "_frontline_warehouse.json").exists() and count(wh, "articles") == 4


def test_a_mistyped_warehouse_is_an_error_and_is_not_created(wh, tmp_path):
    typo = tmp_path / "whh"
    for args in (["sql", "select 1"], ["events"], ["report", "-o", str(tmp_path / "r.html")], ["compact"]):
        result = CliRunner().invoke(main, args + ["--warehouse", str(typo)])
        assert result.exit_code == 1 and "no warehouse at" in result.output, (args, result.output)
    assert not typo.exists()


def test_a_read_only_warehouse_with_a_stale_catalog_reads_without_writing(wh, monkeypatch):
    """Readers never write: not even a stale catalog file is rebuilt by a query."""
    from pipeline.warehousing.catalog import FileCatalog
    from pipeline.warehousing.folder import LocalFolder

    (wh.root / "frontline.duckdb").unlink()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(FileCatalog, "publish", refuse)
    monkeypatch.setattr(Warehouse, "write_lock", refuse)
    monkeypatch.setattr(LocalFolder, "write_small", refuse)
    result = sql(wh, "select count(*) n from articles")
    assert result.exit_code == 0 and result.output.split() == ['"n"', "3"], result.output


def test_a_connection_opened_before_a_commit_does_not_make_later_ones_stale(wh):
    held = wh.connect()
    try:
        assert held.execute("select count(*) from articles").fetchall() == [(3,)]
        wh.commit({"articles": articles_table(4, 5)})
        assert count(wh, "articles") == 5
    finally:
        held.close()


def test_kept_manifests_are_bounded_and_list_only_existing_files(tmp_path):
    from pipeline.warehousing.manifest import KEEP_SNAPSHOTS

    wh = Warehouse(tmp_path / "wh")
    for n in range(1, 12):
        wh.commit({"articles": articles_table(n)}, replace={"articles": ("article_id", [f"{n - 1:032d}"])})
    kept = sorted(p.name for p in (wh.root / "_history").iterdir())
    assert kept == [f"manifest-{s:08d}.json" for s in range(12 - KEEP_SNAPSHOTS, 12)]
    for name in kept:
        listed = {f for t in json.loads((wh.root / "_history" / name).read_text())["tables"].values()
                  for f in t["files"]}
        assert all((wh.root / f).exists() for f in listed), name
    assert len(parquet_files(wh.root)) == KEEP_SNAPSHOTS  # one live file, and those the kept manifests list
    assert os.listdir(wh.root / "_tmp") == []


def test_a_warehouse_and_an_input_that_overlap_are_refused(tmp_path):
    from pipeline.locations import check_locations
    from pipeline.errors import FrontlineError

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Headline\n\nTroops attacked the town.\n")
    Warehouse(tmp_path / "wh").commit({"articles": articles_table(1)})
    for input_dir, warehouse, why in [(src, src / "wh", "inside the input"), (src, src, "same folder"),
                                      (tmp_path / "wh" / "tables", tmp_path / "wh", "input folder is inside")]:
        with pytest.raises(FrontlineError, match=why):
            check_locations(str(input_dir), str(warehouse))
    assert not (src / "wh").exists()
