"""A writer killed at any point of a load leaves readers on the old snapshot or the new one, never a mix,
and the next run finishes the work without duplicates. A full disk fails cleanly."""

import errno
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import WarehouseError
from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from warehouse_rows import articles_table, NOW

# Where the writer dies: (module:what is patched in it, on which call it kills the process)
CRASH_POINTS = {
    "before writing files": ("pipeline.warehousing.files:TableFiles.write", 1),
    "between two files": ("pyarrow.parquet:write_table", 2),
    "after files, before the manifest": ("pipeline.warehousing.manifest:Snapshots.write", 1),
    "after the manifest, before the catalog": ("pipeline.warehousing.catalog:FileCatalog.publish", 1),
}

CHILD = textwrap.dedent("""
    import importlib, os, signal, sys
    from datetime import datetime, timezone
    sys.path.insert(0, {tests!r})
    from pipeline.warehousing.store import Warehouse
    from warehouse_rows import articles_table, NOW
    from pipeline.records import Reject, to_arrow

    module, name = {target!r}.split(":")
    *owner, attr = name.split(".")
    holder = importlib.import_module(module)
    for part in owner:
        holder = getattr(holder, part)
    real = getattr(holder, attr)
    calls = []
    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == {nth}:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(holder, attr, dying)
    rejects = to_arrow([Reject("r" * 32, "f" * 32, "bad.txt", None, "empty_file", "empty", None, 0, NOW, "r2")], Reject)
    Warehouse({root!r}).commit({{"articles": articles_table(4, 5), "rejects": rejects}})
""")


def counts(wh: Warehouse) -> tuple[int, int]:
    row = run_sql(wh, "select (select count(*) from articles) a, (select count(*) from rejects) r").to_pylist()[0]
    return row["a"], row["r"]


@pytest.mark.parametrize("point", list(CRASH_POINTS))
def test_sigkill_during_a_load(tmp_path, point, caplog):
    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1, 2, 3)})
    target, nth = CRASH_POINTS[point]
    script = CHILD.format(tests=str(Path(__file__).parent), target=target, nth=nth, root=str(wh.root))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr  # killed, not finished

    old, new = (3, 0), (5, 1)
    # A DuckDB client reading the catalog file directly, and frontline's own reader:
    import duckdb
    with duckdb.connect(str(wh.catalog_path), read_only=True) as con:
        direct = con.execute("select (select count(*) from articles), (select count(*) from rejects)").fetchone()
    assert tuple(direct) in (old, new)
    assert counts(wh) in (old, new)

    # The next load completes the work, cleans up after the dead one, and duplicates nothing.
    from pipeline.records import Reject, to_arrow
    rejects = to_arrow([Reject("r" * 32, "f" * 32, "bad.txt", None, "empty_file", "empty", None, 0, NOW, "r2")], Reject)
    with caplog.at_level(logging.WARNING, logger="pipeline.warehousing"):
        wh.commit({"articles": articles_table(4, 5), "rejects": rejects})
    assert counts(wh) == new
    live = set(wh.manifest().files("articles") + wh.manifest().files("rejects"))
    on_disk = {p.relative_to(wh.root).as_posix() for p in (wh.root / "tables").rglob("*.parquet")}
    assert on_disk == live
    assert not list(wh.root.glob("*.tmp")) and not list((wh.root / "_tmp").glob("*"))
    if point in ("between two files", "after files, before the manifest"):
        assert "did not commit" in caplog.text  # the leftovers were found and said so


def test_a_full_disk_fails_cleanly_and_leaves_the_warehouse_intact(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    wh = Warehouse(tmp_path / "wh")
    wh.commit({"articles": articles_table(1)})
    real = pq.write_table

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(WarehouseError, match="No space left on device.*previous snapshot is intact"):
        wh.commit({"articles": articles_table(2, 3)})
    monkeypatch.setattr(pq, "write_table", real)
    assert counts(wh) == (1, 0)
    wh.commit({"articles": articles_table(2, 3)})
    assert counts(wh) == (3, 0)
