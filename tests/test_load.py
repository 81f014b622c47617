from datetime import date, datetime, timezone

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.errors import QueryError, WarehouseError
from pipeline.load import Warehouse
from pipeline.query import run_sql
from pipeline.records import Article, Reject, to_arrow

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def article(n: int, published: date | None = date(2025, 3, 15)) -> Article:
    return Article(
        article_id=f"{n:032d}", source_path=f"a{n}.txt", source_record=None, source_format="header",
        outlet="Wire", section=None, url=None, published_date=published, title=f"Title {n}",
        body=f"Body {n}.", quality_flags=(), ingested_at=NOW, run_id="r1",
    )


def articles_table(*ns, published=date(2025, 3, 15)):
    return to_arrow([article(n, published) for n in ns], Article)


def count(wh: Warehouse, table: str) -> int:
    return run_sql(wh, f"select count(*) as n from {table}")["n"][0].as_py()


def test_empty_warehouse_has_typed_empty_views(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.ensure()  # a new warehouse, as `frontline run` makes it before its first commit
    for table in ["articles", "event_mentions", "rejects", "runs"]:
        assert count(wh, table) == 0
    columns = run_sql(wh, "select column_name, data_type from information_schema.columns "
                          "where table_name = 'articles'").to_pylist()
    types = {c["column_name"]: c["data_type"] for c in columns}
    assert types["published_date"] == "DATE"


def test_commit_is_idempotent_and_partitions_by_month(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    result = wh.commit({"articles": articles_table(1, 2)})
    assert result.added == {"articles": 2} and result.snapshot == 1
    again = wh.commit({"articles": articles_table(1, 2)})
    assert again.added == {"articles": 0} and again.snapshot is None
    assert wh.manifest().snapshot == 1
    assert wh.commit({"articles": articles_table(2, 3, 3)}).added == {"articles": 1}
    assert count(wh, "articles") == 3
    months = run_sql(wh, "select distinct published_month from articles")["published_month"].to_pylist()
    assert months == ["2025-03"]
    files = wh.manifest().files("articles")
    assert all(f.startswith("tables/articles/published_month=2025-03/") for f in files)


def test_unknown_publication_dates_get_their_own_partition(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, published=None)})
    rows = run_sql(wh, "select published_month, published_date from articles").to_pylist()
    assert rows == [{"published_month": "unknown", "published_date": None}]


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


def test_a_failure_mid_load_leaves_the_previous_snapshot(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1)})
    before = wh.manifest().snapshot

    import pipeline.load as load

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    real_write = load.Warehouse._write_manifest
    monkeypatch.setattr(load.Warehouse, "_write_manifest", explode)
    rejects = to_arrow([Reject("r" * 32, "f" * 32, "x.txt", None, "empty_file", "empty", None, 0, NOW, "r2")], Reject)
    with pytest.raises(WarehouseError, match="No space left on device"):
        wh.commit({"articles": articles_table(2, 3), "rejects": rejects})
    # Files were written but not published: readers still see exactly the old snapshot.
    assert wh.manifest().snapshot == before
    assert count(wh, "articles") == 1 and count(wh, "rejects") == 0
    written = list((tmp_path / "wh" / "tables").rglob("*.parquet"))
    assert len(written) == 3

    monkeypatch.setattr(load.Warehouse, "_write_manifest", real_write)
    assert wh.commit({"articles": articles_table(2, 3), "rejects": rejects}).added == {"articles": 2, "rejects": 1}
    assert count(wh, "articles") == 3
    # The unpublished files of the failed commit are gone.
    live = set(wh.manifest().files("articles") + wh.manifest().files("rejects"))
    on_disk = {p.relative_to(tmp_path / "wh").as_posix() for p in (tmp_path / "wh" / "tables").rglob("*.parquet")}
    assert on_disk == live


def test_data_that_does_not_fit_the_declaration_is_refused(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    table = articles_table(1).drop_columns(["title"])
    with pytest.raises(WarehouseError, match="missing \\['title'\\]"):
        wh.commit({"articles": table})


def test_sql_is_read_only_and_errors_are_clear(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1)})
    with pytest.raises(QueryError, match="read-only"):
        run_sql(wh, "create table x as select 1")
    with pytest.raises(QueryError, match="no_such_column"):
        run_sql(wh, "select no_such_column from articles")
    assert count(wh, "articles") == 1


def test_parquet_files_carry_the_declared_schema(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1)})
    [f] = wh.manifest().files("articles")
    meta = pq.read_schema(tmp_path / "wh" / f).metadata
    assert meta[b"frontline.table"] == b"articles"
    assert meta[b"frontline.schema_version"] == b"1"


def test_a_second_writer_waits_then_reports_the_lock(tmp_path):
    from filelock import FileLock

    wh = Warehouse(tmp_path / "wh", lock_timeout=0.2)
    (tmp_path / "wh").mkdir()
    with FileLock(tmp_path / "wh" / ".lock"):
        with pytest.raises(WarehouseError, match="another frontline run"):
            wh.commit({"articles": articles_table(1)})


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


def test_replace_removes_old_versions_atomically_with_the_insert(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2, 3)})
    wh.commit({"articles": articles_table(4, published=date(2025, 4, 1))})
    result = wh.commit(
        {"articles": articles_table(5)},
        replace={"articles": ("article_id", [f"{2:032d}", f"{4:032d}", "not-there"])},
    )
    assert result.removed == {"articles": 2} and result.added == {"articles": 1}
    ids = sorted(run_sql(wh, "select article_id from articles")["article_id"].to_pylist())
    assert ids == [f"{n:032d}" for n in (1, 3, 5)]
    # The emptied April partition holds no file any more; the March files were rewritten.
    assert not any("2025-04" in f for f in wh.manifest().files("articles"))
    assert wh.manifest().tables["articles"]["rows"] == 3


def test_compaction_merges_small_files_atomically_and_keeps_every_row(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    for n in range(1, 7):
        wh.commit({"articles": articles_table(n)})
    wh.commit({"articles": articles_table(7, published=date(2025, 4, 2))})
    before = sorted(run_sql(wh, "select * exclude (ingested_at) from articles").to_pylist(), key=str)
    assert len(wh.manifest().files("articles")) == 7
    report = wh.compact(target_rows=100)
    assert report["articles"] == (7, 2)  # six March files became one; April's single file stays
    after = sorted(run_sql(wh, "select * exclude (ingested_at) from articles").to_pylist(), key=str)
    assert after == before
    on_disk = {p.relative_to(wh.root).as_posix() for p in (wh.root / "tables").rglob("*.parquet")}
    assert len(on_disk) == 7 + 1  # the old files stay while a kept manifest lists them, for readers still on it
    from pipeline.load import KEEP_SNAPSHOTS

    for n in range(8, 8 + KEEP_SNAPSHOTS - 1):
        wh.commit({"articles": articles_table(n)})
    assert {p.relative_to(wh.root).as_posix() for p in (wh.root / "tables").rglob("*.parquet")} == set(
        wh.manifest().files("articles"))


def test_compaction_streams_rows_into_bounded_row_groups_and_files(tmp_path, monkeypatch):
    """Merging reads and writes a row group at a time: the most it holds is MERGE_ROW_GROUP rows."""
    import pipeline.load as load

    monkeypatch.setattr(load, "MERGE_ROW_GROUP", 2)
    wh = Warehouse(tmp_path / "wh")
    for n in range(1, 8):
        wh.commit({"articles": articles_table(n)})
    before = sorted(run_sql(wh, "select * from articles").to_pylist(), key=str)
    assert wh.compact(target_rows=5)["articles"] == (7, 2)  # one-row files are all under half of 5
    row_groups = sorted([m.row_group(i).num_rows for i in range(m.num_row_groups)]
                        for m in (pq.read_metadata(wh.root / f) for f in wh.manifest().files("articles")))
    assert row_groups == [[2], [2, 2, 1]]
    assert sorted(run_sql(wh, "select * from articles").to_pylist(), key=str) == before
    # Rows that end on a row group inside a file: that file is finished too.
    for n in range(8, 12):
        wh.commit({"articles": articles_table(n, published=date(2025, 5, 1))})
    assert wh.compact(target_rows=5)["articles"] == (6, 3)
    may = [f for f in wh.manifest().files("articles") if "2025-05" in f]
    assert [pq.read_metadata(wh.root / f).num_row_groups for f in may] == [2]
    assert run_sql(wh, "select count(*) n from articles")["n"][0].as_py() == 11


def test_files_of_one_schema_share_one_cached_schema_object(tmp_path):
    """The cache holds an entry per live file; a 100,000-article warehouse has about 2,000 files."""
    from pipeline import load

    wh = Warehouse(tmp_path / "wh")
    for month in range(1, 13):
        wh.commit({"articles": articles_table(month, published=date(2024, month, 1))})
    files = [wh._path(f) for f in wh.manifest().files("articles")]
    schemas = [load._file_schema(wh.fs, f) for f in files]
    assert len(files) == 12 and len({id(s) for s in schemas}) == 1
    assert schemas[0].equals(pq.read_schema(files[0]))
