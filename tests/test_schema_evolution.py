"""Changing a table declaration over an existing warehouse: additions work, incompatible changes stop."""

import dataclasses

import pyarrow as pa
import pytest

import pipeline.load as load
from pipeline.errors import WarehouseError
from pipeline.load import Warehouse
from pipeline.query import run_sql
from schemas import Column, table_schemas

from test_load import articles_table


def declare(monkeypatch, table: str, schema) -> None:
    current = dict(table_schemas()) | {table: schema}
    monkeypatch.setattr(load, "table_schemas", lambda: current)
    monkeypatch.setattr(load, "table_schema", lambda name: current[name])


def test_an_added_column_reads_null_in_old_files_and_is_stored_in_new_ones(tmp_path, monkeypatch):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2)})
    v1 = table_schemas()["articles"]
    columns = list(v1.columns)
    columns.insert(len(columns) - 1, Column("language", "string"))  # before the partition column
    v2 = dataclasses.replace(v1, version=v1.version + 1, columns=tuple(columns))
    declare(monkeypatch, "articles", v2)

    batch = articles_table(3)
    batch = batch.append_column("language", pa.array(["en"], pa.string()))
    wh.commit({"articles": batch})
    rows = run_sql(wh, "select article_id, language from articles order by article_id").to_pylist()
    assert [r["language"] for r in rows] == [None, None, "en"]
    assert wh.manifest().tables["articles"]["schema_version"] == v2.version
    # The old snapshot's files were not rewritten: the change cost nothing but a version bump.
    assert len(wh.manifest().files("articles")) == 2


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
