"""Extraction on a Dask cluster (LocalCluster, 2 worker processes) gives the same rows as a local run."""

import shutil

import pytest

from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from conftest import ROOT

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

ARTICLES = ["000_etv_bharat_2025-03-15_kursk.txt", "003_levant_live_2024-05-07_rafah.txt",
            "004_gulf_evening_post_2024-05-07_rafah.txt", "006_great_lakes_dispatch_2025-01-27_goma.txt",
            "020_bosphorus_daily_2025-05-16_istanbul_talks.txt", "feed_2025.jsonl"]


def table(wh: Warehouse, sql: str) -> list[tuple]:
    return sorted(tuple(r.values()) for r in run_sql(wh, sql).to_pylist())


def test_dask_local_cluster_matches_the_local_run(tmp_path):
    from flows.etl import etl
    from flows.runners import task_runner

    src = tmp_path / "in"
    src.mkdir()
    for name in ARTICLES:
        shutil.copy(ROOT / "tests" / "data" / "dev" / "articles" / name, src / name)
    local, dask = Warehouse(tmp_path / "local"), Warehouse(tmp_path / "dask")
    etl(input_dir=str(src), warehouse=str(local.root), batch_size=2)
    summary = etl.with_options(task_runner=task_runner(workers=2))(
        input_dir=str(src), warehouse=str(dask.root), batch_size=2)
    assert summary["mentions_new"] > 20
    for sql in ("select mention_id, event_id, event_type, modality, agent_id, place_name, event_date "
                "from event_mentions",
                "select event_id, event_type, n_mentions, n_articles from events",
                "select article_id, source_path from articles"):
        assert table(dask, sql) == table(local, sql)


def test_local_workers_keep_glibc_default_malloc_settings():
    """Dask's default MALLOC_TRIM_THRESHOLD_ freezes glibc's mmap threshold and slows extraction;
    the local cluster frontline starts must not pass it to its workers."""
    import os

    from distributed import Client, LocalCluster

    from flows.runners import task_runner

    runner = task_runner(workers=2)
    kwargs = {**runner.cluster_kwargs, "n_workers": 1, "preload": []}
    with LocalCluster(**kwargs) as cluster, Client(cluster) as client:
        [env] = client.run(lambda: {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}).values()
        [threads] = client.run(lambda: os.environ.get("OMP_NUM_THREADS")).values()
    assert env == {} and threads == "1"  # Dask's other worker settings are kept
