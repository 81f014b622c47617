"""Prefect flows: thin orchestration around the functions in `pipeline`."""

from pipeline.settings import configure_prefect

configure_prefect()
