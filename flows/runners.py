"""The flow's task runner: threads in this process, a local Dask cluster, or a given Dask cluster."""

from __future__ import annotations

import os
from pathlib import Path

DASK_CONFIG_DIR = Path(__file__).parent / "dask"


def task_runner(workers: int = 1, address: str | None = None):
    """None (the flow's own threads) for one worker; else Dask (a local cluster of ``workers``
    processes, or an existing cluster at ``address``) so extraction batches run in parallel."""
    if address is None and workers <= 1:
        return None
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    _share_api_with_workers()
    _keep_default_malloc_in_workers()
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None, "preload": ["flows.worker_setup"]})


def _keep_default_malloc_in_workers() -> None:
    """Apply ``flows/dask/`` (see there why) to the local cluster about to start; a cluster of your
    own reads it through DASK_CONFIG."""
    import dask

    for settings in dask.config.collect_yaml([str(DASK_CONFIG_DIR)]):
        dask.config.update(dask.config.config, settings, priority="new")


def _share_api_with_workers() -> None:
    """Point the local cluster's worker processes at this process's Prefect API. Without a server
    configured each worker would start its own temporary one (6-13 s each, both cores busy)."""
    from prefect.settings import PREFECT_API_URL

    if os.environ.get("PREFECT_API_URL"):
        return
    url = PREFECT_API_URL.value()
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # the one this process's own temporary API uses too
        server.start()
        url = server.api_url
    os.environ["PREFECT_API_URL"] = url  # inherited by the worker processes started next
