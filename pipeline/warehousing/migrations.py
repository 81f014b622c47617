"""Stored rows rewritten when a table's declaration changes what a column means, not only adds one.

An added column needs nothing (old files read it as NULL). A changed key does: ``files`` and
``rejects`` version 1 knew a file only by its path under the input folder, so the same name in two
input folders was one file. Version 2 keys them by input folder and path (``file_id``). The folder
of an old row is the input of the run that wrote it (``runs.input_dir``; for a run that left no
row, the most recent run's). ``Warehouse`` runs these under its write lock, in one commit
(``pipeline.warehousing.compat`` decides when, ``TableFiles.migrate`` rewrites the files).
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from pipeline.ingest.ids import file_id
from pipeline.sources import input_root


def _roots(runs: pa.Table) -> tuple[dict[str, str], str]:
    """run_id -> the input root it read, and the root of the latest run (for rows whose run is unknown)."""
    if not runs.num_rows:
        return {}, ""
    rows = sorted(runs.select(["run_id", "input_dir", "started_at"]).to_pylist(), key=lambda r: r["started_at"])
    by_run = {r["run_id"]: input_root(r["input_dir"]) for r in rows}
    return by_run, by_run[rows[-1]["run_id"]]


def _with_file_ids(rows: pa.Table, runs: pa.Table, *, with_root: bool) -> pa.Table:
    by_run, latest = _roots(runs)
    roots = [by_run.get(r, latest) for r in rows["run_id"].to_pylist()]
    ids = [file_id(root, path) for root, path in zip(roots, rows["source_path"].to_pylist())]
    rows = rows.set_column(rows.schema.get_field_index("file_id"), "file_id", pa.array(ids, pa.string()))
    if with_root:
        rows = rows.set_column(rows.schema.get_field_index("input_root"), "input_root", pa.array(roots, pa.string()))
    return rows


def files_v1(rows: pa.Table, runs: pa.Table) -> pa.Table:
    return _with_file_ids(rows, runs, with_root=True)


def rejects_v1(rows: pa.Table, runs: pa.Table) -> pa.Table:
    return _with_file_ids(rows, runs, with_root=False)


# (table, stored version) -> rows of that version (declared columns, new ones NULL) and the runs
# table -> rows of the next version.
MIGRATIONS: dict[tuple[str, int], Callable[[pa.Table, pa.Table], pa.Table]] = {
    ("files", 1): files_v1,
    ("rejects", 1): rejects_v1,
}
