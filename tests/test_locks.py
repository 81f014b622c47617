"""The write lock: a second writer waits, then stops with a clear message."""

import pytest

from pipeline.errors import WarehouseError
from pipeline.warehousing.store import Warehouse

from warehouse_rows import articles_table


def test_a_second_writer_waits_then_reports_the_lock(tmp_path):
    from filelock import FileLock

    wh = Warehouse(tmp_path / "wh", lock_timeout=0.2)
    (tmp_path / "wh").mkdir()
    with FileLock(tmp_path / "wh" / ".lock"):
        with pytest.raises(WarehouseError, match="another frontline run"):
            wh.commit({"articles": articles_table(1)})
