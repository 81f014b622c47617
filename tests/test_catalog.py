"""The catalog file frontline.duckdb: other DuckDB clients read the live files through it, from anywhere."""

import duckdb

from pipeline.warehousing.store import Warehouse

from warehouse_rows import articles_table, count


def plain_duckdb_count(root, table: str = "articles") -> int:
    """What another DuckDB client reads through the catalog file, opened from another folder."""
    with duckdb.connect(str(root / "frontline.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def test_catalog_opens_with_plain_duckdb(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2)})
    assert plain_duckdb_count(wh.root) == 2


def test_the_catalog_opens_from_any_folder(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2)})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert plain_duckdb_count(wh.root) == 2


def test_a_copied_warehouse_reads_its_own_files_not_the_originals(tmp_path):
    """frontline reads the copy's own files; the copy's catalog file is stale until re-pointed."""
    import shutil

    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2)})
    copy = tmp_path / "copy"
    shutil.copytree(wh.root, copy)
    wh.commit({"articles": articles_table(3)})
    shutil.rmtree(wh.root)  # the original is gone: the copy must not have depended on it
    assert count(Warehouse(copy), "articles") == 2
    assert not Warehouse(copy).catalog_is_current()
    assert Warehouse(copy).refresh_catalog()
    assert plain_duckdb_count(copy) == 2


def test_the_duckdb_command_line_client_reads_the_catalog(tmp_path):
    """`cd warehouse && duckdb frontline.duckdb -c ...` works, with the CLI the environment installs, and so
    does opening it from any other folder."""
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).parent / "duckdb"
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2, 3)})
    out = subprocess.run([str(cli), "-csv", "frontline.duckdb", "-c", "select count(*) as n from articles"],
                         capture_output=True, text=True, timeout=60, check=True, cwd=wh.root).stdout
    assert out.split() == ["n", "3"]
    out = subprocess.run([str(cli), "-csv", str(wh.catalog_path), "-c", "select count(*) as n from articles"],
                         capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path).stdout
    assert out.split() == ["n", "3"]
