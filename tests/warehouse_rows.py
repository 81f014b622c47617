"""Small article tables to commit in warehouse tests, and a row count read back through SQL."""

from datetime import date, datetime, timezone

from pipeline.query import run_sql
from pipeline.records import Article, to_arrow
from pipeline.warehousing.store import Warehouse

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
