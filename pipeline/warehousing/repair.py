"""Bringing a damaged warehouse back to its last good state: `frontline repair`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.errors import WarehouseError
from pipeline.warehousing import compat
from pipeline.warehousing.manifest import FORMAT_VERSION, MARKER

if TYPE_CHECKING:
    from pipeline.warehousing.store import Warehouse


@dataclass
class RepairReport:
    """What `Warehouse.repair` found and did."""

    problem: str | None = None  # why the manifest could not be used
    restored: int | None = None  # snapshot restored from _history
    quarantined: dict[str, str] = field(default_factory=dict)  # file -> why it cannot be read
    marker_written: bool = False


def repaired(wh: Warehouse) -> RepairReport:
    """Bring a damaged warehouse back to its last good state, under the write lock.

    A missing or damaged manifest is restored from the newest manifest in _history whose files
    are all present; every live Parquet file is read through, and one that cannot be is moved to
    _quarantine/ and dropped from the snapshot (its rows are lost until `frontline run --full`
    reads the input again); the catalog file is rebuilt and the marker written."""
    if not (wh.is_marked() or compat.is_legacy(wh.folder) or wh.snapshots.history()):
        wh.require()
    report = RepairReport()
    with wh.write_lock():
        try:
            manifest = wh.manifest()
        except WarehouseError as exc:
            report.problem = str(exc)
            manifest = wh.snapshots.restorable()
            report.restored = manifest.snapshot
            wh.snapshots.write(manifest)
        tables = manifest.editable_tables()
        for entry in tables.values():
            good = []
            for rel in entry.get("files", []):
                problem = wh.files.unreadable(rel)
                if problem is None:
                    good.append(rel)
                    continue
                report.quarantined[rel] = problem
                wh.files.quarantine(rel)
            if len(good) != len(entry.get("files", [])):
                entry["files"] = good
                entry["rows"] = wh.files.row_count(good)
        if report.quarantined:
            wh.publish(manifest.succeeded_by(tables), manifest)
        else:
            wh.catalog.publish(manifest)
        report.marker_written = not wh.is_marked()
        if report.marker_written:
            wh.folder.write_small(MARKER, json.dumps({"frontline_warehouse": FORMAT_VERSION}).encode("utf-8"))
    return report
