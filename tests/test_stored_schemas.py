"""The cache of the schemas stored files were written with."""

from datetime import date

import pyarrow.parquet as pq

from pipeline.warehousing.store import Warehouse

from warehouse_rows import articles_table


def test_files_of_one_schema_share_one_cached_schema_object(tmp_path):
    """The cache holds an entry per live file; a 100,000-article warehouse has about 2,000 files."""
    from pipeline.warehousing.stored_schemas import FILE_SCHEMAS

    wh = Warehouse(tmp_path / "wh")
    for month in range(1, 13):
        wh.commit({"articles": articles_table(month, published=date(2024, month, 1))})
    files = [wh.folder.path(f) for f in wh.manifest().files("articles")]
    schemas = [FILE_SCHEMAS.schema(wh.fs, f) for f in files]
    assert len(files) == 12 and len({id(s) for s in schemas}) == 1
    assert schemas[0].equals(pq.read_schema(files[0]))
