"""Warehouse: commits are atomic, idempotent and partitioned, and readers see declared columns only."""

from datetime import date

import pyarrow.parquet as pq
import pytest

from pipeline.errors import QueryError, WarehouseError
from pipeline.query import run_sql
from pipeline.records import Reject, to_arrow
from pipeline.warehousing.store import Warehouse

from warehouse_rows import NOW, articles_table, count


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


def test_a_failure_mid_load_leaves_the_previous_snapshot(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1)})
    before = wh.manifest().snapshot

    from pipeline.warehousing.manifest import Snapshots

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    real_write = Snapshots.write
    monkeypatch.setattr(Snapshots, "write", explode)
    rejects = to_arrow([Reject("r" * 32, "f" * 32, "x.txt", None, "empty_file", "empty", None, 0, NOW, "r2")], Reject)
    with pytest.raises(WarehouseError, match="No space left on device"):
        wh.commit({"articles": articles_table(2, 3), "rejects": rejects})
    # Files were written but not published: readers still see exactly the old snapshot.
    assert wh.manifest().snapshot == before
    assert count(wh, "articles") == 1 and count(wh, "rejects") == 0
    written = list((tmp_path / "wh" / "tables").rglob("*.parquet"))
    assert len(written) == 3

    monkeypatch.setattr(Snapshots, "write", real_write)
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
