import dataclasses
from datetime import date, datetime, timezone

import pyarrow as pa
import pytest

from pipeline.errors import SchemaError
from pipeline.records import RECORD_TYPES, Article, from_arrow, to_arrow
from schemas import Column, _parse, table_schemas
from schemas.codegen import RECORDS_PATH, record_source, with_generated_records


def test_every_declared_table_has_a_record_type_with_the_same_columns():
    declared = table_schemas()
    assert set(declared) == {r.table for r in RECORD_TYPES} == {"articles", "event_mentions", "rejects", "runs", "files", "events"}
    for record in RECORD_TYPES:
        schema = declared[record.table]
        fields = [f.name for f in dataclasses.fields(record)]
        assert fields == [c.name for c in schema.data_columns], record.__name__
        assert record.__dataclass_params__.frozen, record.__name__


def test_the_records_are_the_ones_the_declarations_generate():
    """A column declared in schemas/ and missing from pipeline/records.py (or typed otherwise) fails here."""
    text = RECORDS_PATH.read_text(encoding="utf-8")
    assert with_generated_records(text, table_schemas()) == text, "run `python -m schemas.codegen`"


def test_a_declared_column_becomes_a_typed_record_field():
    rejects = table_schemas()["rejects"]
    grown = dataclasses.replace(rejects, columns=rejects.columns + (Column("retries", "int32", nullable=False),
                                                                    Column("tags", "list<string>")))
    source = record_source(grown)
    assert source.startswith("@dataclass(frozen=True)\nclass Reject:")
    assert source.endswith("    retries: int\n    tags: tuple[str, ...] | None\n")
    assert "    rejected_at: datetime\n" in source and "    source_record: int | None\n" in source


def test_minimum_columns_are_declared():
    mentions = table_schemas()["event_mentions"].column_names
    for col in ["mention_id", "article_id", "source_path", "event_type", "modality", "agent", "target",
                "location", "event_date", "date_precision", "sentence", "sentence_start", "sentence_end",
                "confidence"]:
        assert col in mentions
    articles = table_schemas()["articles"].column_names
    for col in ["article_id", "source_path", "outlet", "section", "published_date", "title", "body",
                "ingested_at", "run_id"]:
        assert col in articles


def test_arrow_schema_and_sql_come_from_the_declaration():
    schema = table_schemas()["articles"]
    arrow = schema.arrow_schema()
    assert arrow.field("published_date").type == pa.date32()
    assert arrow.field("quality_flags").type == pa.list_(pa.string())
    assert not arrow.field("article_id").nullable
    assert "published_month" not in schema.arrow_schema(with_partition=False).names
    assert 'CAST("published_date" AS DATE)' in schema.cast_select_sql("t")


def test_records_round_trip_through_arrow():
    article = Article(
        article_id="a" * 32, source_path="x/y.txt", source_record=None, source_format="text", outlet=None,
        section=None, url=None, published_date=date(2025, 3, 15), title="T \u05e9\u05dc\u05d5\u05dd \U0001f600",
        body="Body \u201cquoted\u201d", quality_flags=("no_title",),
        ingested_at=datetime(2025, 3, 15, 12, tzinfo=timezone.utc), run_id="r1",
    )
    assert from_arrow(to_arrow([article], Article), Article) == [article]


def test_a_malformed_declaration_is_refused(tmp_path):
    bad = tmp_path / "t.toml"
    bad.write_text('name = "t"\nversion = 1\nkey = "id"\n[[columns]]\nname = "id"\ntype = "uuid"\n')
    with pytest.raises(SchemaError, match="unknown column types"):
        _parse(bad)
