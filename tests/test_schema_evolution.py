"""Changing a table declaration over an existing warehouse: additions work, incompatible changes stop."""

import dataclasses

import pyarrow as pa
import pytest

from pipeline.errors import WarehouseError
from pipeline.warehousing import catalog, files, store
from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql
from schemas import Column, table_schemas

from warehouse_rows import articles_table


def declare(monkeypatch, table: str, schema) -> None:
    declare_all(monkeypatch, dict(table_schemas()) | {table: schema})


def declare_all(monkeypatch, current: dict) -> None:
    """The warehouse sees ``current`` as the declarations, as if schemas/ had been edited."""
    for module in (catalog, files, store):
        monkeypatch.setattr(module, "table_schema", lambda name: current[name])
    for module in (catalog, store):
        monkeypatch.setattr(module, "table_schemas", lambda: current)


def matches_columns_by_name(wh: Warehouse, view: str) -> bool:
    con = wh.connect()
    try:
        (sql,), = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = ?", [view]).fetchall()
    finally:
        con.close()
    return "union_by_name" in sql


def test_an_added_column_reads_null_in_old_files_and_is_stored_in_new_ones(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2)})
    wh.commit({"articles": articles_table(4)})
    # Files of one version are read as they are: matching by name would open every footer first.
    assert not matches_columns_by_name(wh, "articles")
    v1 = table_schemas()["articles"]
    columns = list(v1.columns)
    columns.insert(len(columns) - 1, Column("language", "string"))  # before the partition column
    v2 = dataclasses.replace(v1, version=v1.version + 1, columns=tuple(columns))
    declare(monkeypatch, "articles", v2)

    batch = articles_table(3)
    batch = batch.append_column("language", pa.array(["en"], pa.string()))
    wh.commit({"articles": batch})
    assert matches_columns_by_name(wh, "articles")
    rows = run_sql(wh, "select article_id, language from articles order by article_id").to_pylist()
    assert [r["language"] for r in rows] == [None, None, "en", None]
    assert wh.manifest().tables["articles"]["schema_version"] == v2.version
    # The old snapshot's files were not rewritten: the change cost nothing but a version bump.
    assert len(wh.manifest().files("articles")) == 3
    # Compaction merges files of both versions into one of the new version, old rows NULL.
    assert wh.compact(target_rows=100)["articles"] == (3, 1)
    assert not matches_columns_by_name(wh, "articles")
    assert run_sql(wh, "select article_id, language from articles order by article_id").to_pylist() == rows


def test_an_incompatible_type_change_fails_clearly_and_writes_nothing(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1)})
    before = wh.manifest()
    v1 = table_schemas()["articles"]
    changed = tuple(Column(c.name, "int64", c.nullable) if c.name == "title" else c for c in v1.columns)
    declare(monkeypatch, "articles", dataclasses.replace(v1, version=v1.version + 1, columns=changed))
    with pytest.raises(WarehouseError, match=r"articles\.title is stored as string but declared as int64"):
        wh.commit({"articles": articles_table(2).set_column(
            articles_table(2).schema.get_field_index("title"), "title", pa.array([7], pa.int64()))})
    assert wh.manifest().snapshot == before.snapshot


def test_a_newer_warehouse_is_not_written_by_an_older_declaration(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1)})
    v1 = table_schemas()["articles"]
    declare(monkeypatch, "articles", dataclasses.replace(v1, version=v1.version - 1 if v1.version > 1 else 0))
    with pytest.raises(WarehouseError, match="newer than this frontline"):
        wh.commit({"articles": articles_table(2)})


def test_a_table_that_gains_a_partition_is_read_as_before_and_moved_into_it_on_the_next_commit(tmp_path, monkeypatch):
    """events were unpartitioned in schema version 1 and are partitioned by month since version 2."""
    from datetime import date

    from pipeline.records import Event, to_arrow

    def event(i: int, first: date) -> Event:
        fields = {f.name: None for f in dataclasses.fields(Event)}
        return Event(**fields | dict(event_id=f"ev_{i}", event_type="OFFENSIVE", modality="asserted",
                                     date_precision="day", n_mentions=1, n_articles=1, n_sources=1,
                                     sources=("x",), article_ids=("a",), first_reported=first,
                                     last_reported=first, confidence=0.5, evidence="s",
                                     evidence_mention_id=f"m{i}"))

    v2 = table_schemas()["events"]
    v1 = dataclasses.replace(v2, version=1, partition=None,
                             columns=tuple(c for c in v2.columns if c.name != v2.partition.column))
    wh = Warehouse(tmp_path / "wh")
    with monkeypatch.context() as m:
        declare(m, "events", v1)
        wh.commit({"events": to_arrow([event(1, date(2025, 3, 2)), event(2, date(2025, 4, 9))], Event)})
    assert wh.manifest().files("events") == [f for f in wh.manifest().files("events") if "=" not in f]
    assert run_sql(wh, "select event_id, first_reported_month from events order by 1").to_pylist() == [
        {"event_id": "ev_1", "first_reported_month": None}, {"event_id": "ev_2", "first_reported_month": None}]

    wh.commit({"events": to_arrow([event(3, date(2025, 4, 20))], Event)}, replace={"events": ("event_id", ["ev_1"])})
    assert all("/first_reported_month=" in f for f in wh.manifest().files("events"))
    assert run_sql(wh, "select event_id, first_reported_month from events order by 1").to_pylist() == [
        {"event_id": "ev_2", "first_reported_month": "2025-04"}, {"event_id": "ev_3", "first_reported_month": "2025-04"}]
