"""Whether a run's input can be read and its warehouse written, checked before any work starts.

`frontline run` calls these before Prefect is imported, so a mistyped folder is answered at once.
The input of a local folder is checked with the standard library only: pyarrow and DuckDB are
imported only when the input is fine and the warehouse must be looked at.
"""

from __future__ import annotations

from pipeline.errors import FrontlineError
from pipeline.sources import open_source


def check_input(input_dir: str) -> None:
    """FrontlineError when the input folder (or s3:// prefix) does not exist or cannot be read."""
    open_source(input_dir).check()


def check_locations(input_dir: str, warehouse: str) -> None:
    """Fail before any work when the input cannot be read, the warehouse cannot be written, is not a
    warehouse (a folder that is not empty and has no marker), or one lies inside the other."""
    source = open_source(input_dir)
    source.check()
    from pipeline.warehousing.store import Warehouse

    overlap = source.overlap(warehouse)
    if overlap:
        raise FrontlineError(f"the warehouse {warehouse!r} and the input {input_dir!r} must not overlap: {overlap}")
    try:
        store = Warehouse(warehouse)
        store.ensure()
        store.check_writable()
    except OSError as exc:
        raise FrontlineError(f"warehouse {warehouse!r} is not writable: {exc.strerror or exc}") from None
