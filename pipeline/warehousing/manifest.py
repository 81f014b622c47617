"""The manifest: which Parquet files are live in each table, one numbered snapshot per commit,
with the last few kept in ``_history/`` so that a lost or damaged one can be restored."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pyarrow.fs as pafs

from pipeline.errors import WarehouseError

if TYPE_CHECKING:
    from pipeline.warehousing.folder import Folder

MANIFEST = "_manifest.json"
MARKER = "_frontline_warehouse.json"  # marks the folder as a frontline warehouse
HISTORY = "_history"
FORMAT_VERSION = 2  # 2: `retired` maps each superseded file to the snapshot that retired it
KEEP_SNAPSHOTS = 5  # manifests kept in _history, and how long a superseded file outlives its snapshot
HISTORY_NAME = re.compile(r"manifest-(\d{8})\.json")


@dataclass
class Manifest:
    snapshot: int = 0
    committed_at: str | None = None
    tables: dict[str, dict] = field(default_factory=dict)
    # Files live in an earlier snapshot, with the snapshot that retired them: kept while a manifest
    # in _history still lists them (for readers still on it, and for `frontline repair`).
    retired: dict[str, int] = field(default_factory=dict)

    def files(self, table: str) -> list[str]:
        return list(self.tables.get(table, {}).get("files", []))

    def live(self) -> set[str]:
        return {f for t in self.tables.values() for f in t.get("files", [])}

    def kept(self) -> set[str]:
        """Files some kept manifest lists: the live ones and those retired recently."""
        return self.live() | set(self.retired)

    def editable_tables(self) -> dict[str, dict]:
        """A copy of the table entries, for a commit to change into the next snapshot's."""
        return {k: dict(v) for k, v in self.tables.items()}

    def succeeded_by(self, tables: dict[str, dict]) -> Manifest:
        new = Manifest(self.snapshot + 1, datetime.now(timezone.utc).isoformat(), tables)
        live = new.live()
        new.retired = {f: s for f, s in self.retired.items() if f not in live and s > oldest_kept(new.snapshot)}
        new.retired |= {f: new.snapshot for f in self.live() - live}
        return new

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT_VERSION, "snapshot": self.snapshot, "committed_at": self.committed_at,
             "tables": self.tables, "retired": self.retired},
            indent=1,
            sort_keys=True,
        )


def oldest_kept(snapshot: int) -> int:
    """The oldest snapshot whose manifest is kept in _history once ``snapshot`` is current."""
    return snapshot - KEEP_SNAPSHOTS + 1


def parse_manifest(data: bytes) -> Manifest:
    """A manifest's bytes -> Manifest; ValueError names what is wrong (``{}``, ``[]``, a torn file)."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("snapshot"), int) or isinstance(raw["snapshot"], bool):
        raise ValueError("not a frontline manifest (no snapshot number)")
    tables, retired = raw.get("tables", {}), raw.get("retired", {})
    if not isinstance(tables, dict) or not all(
            isinstance(e, dict) and isinstance(e.get("files", []), list)
            and all(isinstance(f, str) and _inside_tables(f) for f in e.get("files", []))
            for e in tables.values()):
        raise ValueError("its tables are not lists of files under tables/")
    if isinstance(retired, list):  # format 1: retired by the snapshot itself
        retired = {f: raw["snapshot"] for f in retired}
    if not isinstance(retired, dict) or not all(isinstance(f, str) and _inside_tables(f) for f in retired):
        raise ValueError("its retired files are not files under tables/")
    return Manifest(raw["snapshot"], raw.get("committed_at"), tables,
                    {f: int(s) for f, s in retired.items()})


def _inside_tables(rel: str) -> bool:
    """A manifest entry must name a file under tables/: a doctored one cannot point a reader elsewhere."""
    parts = rel.split("/")
    return parts[0] == "tables" and len(parts) > 2 and not any(p in ("", ".", "..") for p in parts)


class Snapshots:
    """The current manifest of a warehouse folder and the kept history of earlier ones."""

    def __init__(self, folder: Folder):
        self.folder = folder

    def current(self) -> Manifest:
        """The committed snapshot. A warehouse whose manifest is gone while it holds data, or whose
        manifest is not one, is an error that names the repair, never an empty snapshot: read
        as empty, the next commit would have treated every file as garbage."""
        path, uri = self.folder.path(MANIFEST), self.folder.uri
        try:
            data = self.folder.read_bytes(MANIFEST)
        except FileNotFoundError:
            if self.holds_data():
                raise WarehouseError(
                    f"{path} is missing but the warehouse holds data; run `frontline repair "
                    f"--warehouse {uri}` to restore the last good manifest") from None
            return Manifest()
        except OSError as exc:
            raise WarehouseError(f"cannot read {path}: {exc}") from exc
        try:
            return parse_manifest(data)
        except ValueError as exc:
            raise WarehouseError(
                f"{path} is damaged: {exc}; run `frontline repair --warehouse {uri}` "
                f"to restore the last good manifest") from None

    def holds_data(self) -> bool:
        """Whether Parquet tables or kept manifests are here: then a missing manifest is an accident."""
        return any(self.folder.holds_files(rel) for rel in ("tables", HISTORY))

    def write(self, manifest: Manifest) -> None:
        """Make ``manifest`` the current one, in one atomic replacement."""
        self.folder.write_small(MANIFEST, manifest.to_json().encode("utf-8"))

    def keep(self, manifest: Manifest) -> None:
        """A copy in _history, written before the manifest itself is replaced."""
        self.folder.write_small(f"{HISTORY}/manifest-{manifest.snapshot:08d}.json", manifest.to_json().encode("utf-8"))

    def history(self) -> list[int]:
        """Snapshots whose manifests are kept in _history, newest first."""
        selector = pafs.FileSelector(self.folder.path(HISTORY), allow_not_found=True)
        found = [HISTORY_NAME.fullmatch(i.base_name) for i in self.folder.fs.get_file_info(selector)]
        return sorted((int(m[1]) for m in found if m), reverse=True)

    def prune(self, snapshot: int) -> None:
        """Forget manifests older than the ones kept once ``snapshot`` is current."""
        for old in self.history():
            if old < oldest_kept(snapshot):
                self.folder.delete(f"{HISTORY}/manifest-{old:08d}.json")

    def restorable(self) -> Manifest:
        """The newest kept manifest whose files all exist."""
        for snapshot in self.history():
            try:
                candidate = parse_manifest(self.folder.read_bytes(f"{HISTORY}/manifest-{snapshot:08d}.json"))
            except (OSError, ValueError):
                continue
            if all(self.folder.exists(f) for f in candidate.live()):
                return candidate
        if not self.holds_data():
            return Manifest()
        raise WarehouseError(f"{self.folder.uri}: no manifest in {HISTORY}/ lists files that all exist; "
                             "nothing was changed")
