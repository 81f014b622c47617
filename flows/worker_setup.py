"""Dask worker preload: import the flow's code when a local worker starts, not on its first task.

A worker is a fresh Python process; importing Prefect, spaCy and frontline takes it a few
seconds, which the flow's own process paid before its run began. The English model itself is
still loaded by the first extraction task, inside the measured run.
"""

import flows.etl  # noqa: F401
