"""Whether a run's input can be read and its warehouse written, checked before any work starts.

`frontline run` calls these before Prefect is imported, so a mistyped folder is answered at once.
The input of a local folder is checked with the standard library only: pyarrow and DuckDB are
imported only when the input is fine and the warehouse must be looked at.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.errors import FrontlineError


def check_input(input_dir: str) -> None:
    """FrontlineError when the input folder (or s3:// prefix) does not exist or cannot be read."""
    if urlsplit(input_dir).scheme == "s3":  # the only remote scheme (pipeline.storage): ask the store
        from pyarrow.fs import FileType

        from pipeline import storage

        src = storage.location(input_dir)
        if src.fs.get_file_info(src.path).type == FileType.NotFound:
            raise FrontlineError(f"input {input_dir!r} does not exist (no objects under that prefix)")
        return
    src_dir = Path(input_dir)
    if not src_dir.is_dir():
        raise FrontlineError(f"input directory {input_dir!r} does not exist or is not a directory")
    if not os.access(src_dir, os.R_OK | os.X_OK):
        raise FrontlineError(f"input directory {input_dir!r} is not readable")


def check_locations(input_dir: str, warehouse: str) -> None:
    """Fail before any work when the input cannot be read, the warehouse cannot be written, is not a
    warehouse (a folder that is not empty and has no marker), or one lies inside the other."""
    check_input(input_dir)
    from pipeline import incremental, storage
    from pipeline.warehouse.folder import TMP
    from pipeline.warehouse.store import Warehouse

    overlap = incremental.nested(input_dir, warehouse)
    if overlap:
        raise FrontlineError(f"the warehouse {warehouse!r} and the input {input_dir!r} must not overlap: {overlap}")
    try:
        Warehouse(warehouse).ensure()
        if storage.is_remote(warehouse):
            wh = storage.location(warehouse)
            probe = wh.join(f".write-check-{uuid.uuid4().hex[:8]}")
            storage.write_bytes(wh.fs, probe, b"")
            wh.fs.delete_file(probe)
            return
        private = Path(warehouse) / TMP
        private.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=private, prefix="write-check-"):
            pass
    except OSError as exc:
        raise FrontlineError(f"warehouse {warehouse!r} is not writable: {exc.strerror or exc}") from None
