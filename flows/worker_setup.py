"""Dask worker preload: prepare the worker process as the flow's own, and import the flow's code
when a local worker starts, not on its first task.

A worker is a fresh Python process; importing Prefect, spaCy and frontline takes it a few
seconds, which the flow's own process paid before its run began. The English model itself is
still loaded by the first extraction task, inside the measured run.
"""


def dask_setup(worker) -> None:
    """Called by Dask once the worker process has started."""
    from pipeline.settings import prepare_process

    prepare_process()
    import flows.tasks  # noqa: F401
