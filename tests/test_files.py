"""Table files: compaction merges small files into bounded files and row groups, keeping every row."""

from datetime import date

import pyarrow.parquet as pq

from pipeline.query import run_sql
from pipeline.warehousing.store import Warehouse

from warehouse_rows import articles_table


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
    from pipeline.warehousing.manifest import KEEP_SNAPSHOTS

    for n in range(8, 8 + KEEP_SNAPSHOTS - 1):
        wh.commit({"articles": articles_table(n)})
    assert {p.relative_to(wh.root).as_posix() for p in (wh.root / "tables").rglob("*.parquet")} == set(
        wh.manifest().files("articles"))


def test_compaction_streams_rows_into_bounded_row_groups_and_files(tmp_path, monkeypatch):
    """Merging reads and writes a row group at a time: the most it holds is MERGE_ROW_GROUP rows."""
    from pipeline.warehousing import files

    monkeypatch.setattr(files, "MERGE_ROW_GROUP", 2)
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
