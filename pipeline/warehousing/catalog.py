"""The DuckDB views over the live files: built per connection for frontline's readers, and published
as ``frontline.duckdb`` beside a local warehouse for other DuckDB clients."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from pipeline.errors import WarehouseError
from pipeline.warehousing.manifest import Manifest
from pipeline.warehousing.scan import repr_sql, select_sql, sql_string
from schemas import TableSchema, table_schema, table_schemas

if TYPE_CHECKING:
    from pipeline.warehousing.folder import Folder, LocalFolder

CATALOG = "frontline.duckdb"
CATALOG_STORAGE_VERSION = "v1.0.0"
CATALOG_LAYOUT = 2  # bump when the views' SQL changes shape, so catalogs built before are rebuilt


def view_sql(folder: Folder, schema: TableSchema, manifest: Manifest, con: duckdb.DuckDBPyConnection, *,
             relative: bool = False) -> str:
    files = manifest.files(schema.name)
    source = folder.source(con, schema, files, relative=relative) if files else ""
    return f"CREATE OR REPLACE VIEW {schema.name} AS {select_sql(folder, schema, files, source)}"


def reader_connection(folder: Folder, manifest: Manifest, settings: dict[str, str] | None = None,
                      tables: Iterable[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A new in-memory connection whose views read ``manifest``'s files, confined to the warehouse's
    tables and locked after ``settings`` are applied (see ``Warehouse.connect``)."""
    con = duckdb.connect()
    try:
        wanted = table_schemas() if tables is None else {t: table_schema(t) for t in tables}
        for schema in wanted.values():
            con.execute(view_sql(folder, schema, manifest, con))
        for statement in derived_views() if tables is None else []:
            con.execute(statement)
        allowed = folder.allowed_directories()
        con.execute(f"SET allowed_directories = [{', '.join(repr_sql(d) for d in allowed)}]")
        for name, value in (settings or {}).items():
            con.execute(f"SET {name} = {repr_sql(value)}")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except (duckdb.Error, pa.ArrowException) as exc:
        con.close()
        raise WarehouseError(f"cannot read the warehouse {folder.uri}: {str(exc).strip()}; if a Parquet file is "
                             f"damaged, `frontline repair` quarantines it") from None
    except BaseException:
        con.close()
        raise
    return con


class FileCatalog:
    """``frontline.duckdb`` in a local warehouse folder: one view per table over the live files."""

    def __init__(self, folder: LocalFolder):
        self.folder = folder
        self.path = folder.root / CATALOG

    def present(self) -> bool:
        return self.path.exists()

    def publish(self, manifest: Manifest) -> None:
        """Build the catalog in a new file and rename it over the old one: readers never see it half-built.

        Its views name the files by absolute paths, so any DuckDB client opens it from any folder
        (README: "Query it with other tools"); it records the root it points into, and a copied or
        moved warehouse's catalog is rebuilt by the next run or ``frontline repair``."""
        tmp = self.folder.tmp_path(CATALOG)
        with duckdb.connect(config={"file_search_path": str(self.folder.root)}) as con:
            # An older storage version so that DuckDB 1.x clients (e.g. the duckdb CLI) can open it too.
            con.execute(f"ATTACH '{sql_string(tmp)}' AS catalog (STORAGE_VERSION '{CATALOG_STORAGE_VERSION}')")
            con.execute("USE catalog")
            for schema in table_schemas().values():
                con.execute(view_sql(self.folder, schema, manifest, con))
            for statement in derived_views():
                con.execute(statement)
            con.execute("CREATE TABLE _frontline_catalog (snapshot BIGINT, root VARCHAR, declared VARCHAR)")
            con.execute("INSERT INTO _frontline_catalog VALUES (?, ?, ?)",
                        [manifest.snapshot, self._root(), declarations_digest()])
            con.execute("USE memory")
            con.execute("DETACH catalog")
        self.folder.replace_with(tmp, CATALOG)

    def is_current(self, snapshot: Callable[[], int]) -> bool:
        """Whether the file shows the current ``snapshot()`` with this code's declarations."""
        try:
            with duckdb.connect(str(self.path), read_only=True) as con:
                rows = con.execute("SELECT snapshot, root, declared FROM _frontline_catalog").fetchall()
                views = {r[0] for r in con.execute(
                    "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        except duckdb.Error:
            return False
        wanted = set(table_schemas()) | {re.search(r"VIEW\s+(\w+)", v)[1] for v in derived_views()}
        return rows == [(snapshot(), self._root(), declarations_digest())] and wanted <= views

    def _root(self) -> str:
        """The folder the catalog's views point into: a copied or moved warehouse's catalog names
        another folder, so it is stale until rebuilt (by the next run, or ``frontline repair``)."""
        return str(Path(self.folder.root).resolve())


class NoCatalog:
    """Object storage has no catalog file (DuckDB cannot read s3:// without the httpfs extension):
    readers build their views per connection, so there is never anything to rebuild."""

    def present(self) -> bool:
        return True

    def publish(self, manifest: Manifest) -> None:
        pass

    def is_current(self, snapshot: Callable[[], int]) -> bool:
        return True


def derived_views() -> list[str]:
    """The ready-made views of schemas/views.sql, one CREATE VIEW statement each."""
    from schemas import SCHEMA_DIR

    text = (SCHEMA_DIR / "views.sql").read_text(encoding="utf-8")
    return [s.strip() for s in re.split(r";\s*\n", text) if s.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in s.strip().splitlines())]


def declarations_digest() -> str:
    """Changes when a table declaration or a view does, so a catalog built by other code is rebuilt."""
    text = repr(sorted((s.name, s.version, s.partition, [(c.name, c.duckdb_type) for c in s.columns])
                       for s in table_schemas().values())) + "".join(derived_views()) + f"{CATALOG_LAYOUT}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
