"""Prefect flows: thin orchestration around the functions in `pipeline`."""

from pipeline.settings import configure_prefect, limit_malloc_arenas

limit_malloc_arenas()
configure_prefect()
