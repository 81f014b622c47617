"""Prefect flows: thin orchestration around the functions in `pipeline`.

Importing them changes nothing in the process: entry points call
``pipeline.settings.prepare_process`` first.
"""
