"""Prefect flows: thin orchestration around the functions in `pipeline`."""

from pipeline.settings import configure_prefect, tune_allocators

tune_allocators()
configure_prefect()
