"""Input and warehouse on S3-compatible object storage: a local S3 server (moto) on 127.0.0.1,
started and stopped here. The flow reads articles from a bucket prefix, writes Parquet and its
manifest to another, and DuckDB queries the same Parquet (through pyarrow, no httpfs)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pyarrow.fs as pafs
import pytest
from click.testing import CliRunner

from pipeline import storage
from pipeline.errors import FrontlineError
from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from conftest import ROOT, SEED_ARTICLE

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

ARTICLES = ROOT / "tests" / "data" / "dev" / "articles"
NAMES = ["003_levant_live_2024-05-07_rafah.txt", "004_gulf_evening_post_2024-05-07_rafah.txt",
         "006_great_lakes_dispatch_2025-01-27_goma.txt", "020_bosphorus_daily_2025-05-16_istanbul_talks.txt",
         "feed_2025.jsonl"]
BUCKET = "frontline-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A moto S3 server on loopback for this module; the AWS settings point frontline at it."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"moto server exited: {log.read_text()}")
                time.sleep(0.1)
        saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                                                "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION")}
        os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                          AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=endpoint)
        os.environ.pop("AWS_ENDPOINT_URL_S3", None)
        os.environ.pop("AWS_REGION", None)
        fs = pafs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", region="us-east-1",
                               access_key="testing", secret_key="testing", allow_bucket_creation=True)
        fs.create_dir(BUCKET)
        yield fs
    finally:
        server.terminate()
        server.wait(timeout=30)
        for k, v in locals().get("saved", {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def upload(fs: pafs.FileSystem, prefix: str, files) -> None:
    for path in files:
        storage.write_bytes(fs, f"{BUCKET}/{prefix}/{path.name}", path.read_bytes())


def rows(wh: Warehouse, sql: str) -> list[tuple]:
    return sorted(tuple(r.values()) for r in run_sql(wh, sql).to_pylist())


COMPARE = (
    "select mention_id, event_id, event_type, modality, agent_id, place_name, event_date, sentence_start "
    "from event_mentions",
    "select event_id, event_type, n_mentions, n_articles, sources from events",
    "select article_id, source_path, outlet, published_month from articles",
    "select source_path, content_sha256, article_ids from files",
)


def test_the_flow_runs_from_bucket_to_bucket_and_matches_a_local_run(s3, tmp_path):
    from flows.etl import etl

    files = [SEED_ARTICLE] + [ARTICLES / n for n in NAMES]
    upload(s3, "inbox/2025", files)
    local_in = tmp_path / "inbox" / "2025"
    local_in.mkdir(parents=True)
    for f in files:
        shutil.copy(f, local_in)
    inbox, warehouse = f"s3://{BUCKET}/inbox", f"s3://{BUCKET}/warehouse"

    local = Warehouse(tmp_path / "wh")
    etl(input_dir=str(tmp_path / "inbox"), warehouse=str(local.root))
    # Small batches and commits, so several Parquet uploads, deletes and manifest replacements happen.
    summary = etl(input_dir=inbox, warehouse=warehouse, batch_size=2, commit_every=3)
    remote = Warehouse(warehouse)
    assert summary["files_new"] == len(files) and summary["mentions_new"] > 20
    for sql in COMPARE:
        assert rows(remote, sql) == rows(local, sql), sql
    assert rows(remote, "select input_dir from runs") == [(inbox,)]

    # The warehouse really is in the bucket: Parquet objects under month partitions, a manifest, no catalog file.
    keys = [i.path for i in s3.get_file_info(pafs.FileSelector(f"{BUCKET}/warehouse", recursive=True))
            if i.type == pafs.FileType.File]
    assert f"{BUCKET}/warehouse/_manifest.json" in keys
    assert any("/tables/event_mentions/published_month=2024-05/" in k and k.endswith(".parquet") for k in keys)
    assert not any(k.endswith(".duckdb") for k in keys)
    # Superseded files are deleted one commit later (readers of the previous snapshot may still need them).
    manifest = remote.manifest()
    assert manifest.live() | set(manifest.retired) == {k.removeprefix(f"{BUCKET}/warehouse/") for k in keys
                                                       if k.endswith(".parquet")}

    # DuckDB SQL over the bucket's Parquet, including the derived views and the CLI.
    n = rows(remote, "select count(*) from event_mentions")[0][0]
    assert n == summary["mentions_new"]
    assert rows(remote, "select count(*) from ceasefire_tracker") == rows(local, "select count(*) from ceasefire_tracker")
    from pipeline.cli import main

    result = CliRunner().invoke(main, ["sql", "select count(*) as n from events where n_articles = 2",
                                       "--warehouse", warehouse, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == str(rows(local, "select count(*) from events where n_articles = 2")[0][0])

    # A re-run over the unchanged bucket does nothing; an edited object replaces its article.
    again = etl(input_dir=inbox, warehouse=warehouse)
    assert (again["files_unchanged"], again["articles_read"], again["mentions_new"]) == (len(files), 0, 0)
    edited = SEED_ARTICLE.read_text(encoding="utf-8").replace("Kursk", "Belgorod")
    storage.write_bytes(s3, f"{BUCKET}/inbox/2025/{SEED_ARTICLE.name}", edited.encode("utf-8"))
    third = etl(input_dir=inbox, warehouse=warehouse)
    assert (third["files_changed"], third["articles_new"], third["articles_removed"]) == (1, 1, 1)
    places = {p for (p,) in rows(remote, f"select distinct coalesce(place_name, '') from event_mentions where source_path = "
                                         f"'2025/{SEED_ARTICLE.name}'")}
    assert "Belgorod" in places and "Kursk" not in places


def test_a_missing_bucket_prefix_is_a_clear_error(s3, tmp_path):
    from flows.etl import etl

    with pytest.raises(FrontlineError, match="no objects under that prefix"):
        etl(input_dir=f"s3://{BUCKET}/nothing-here", warehouse=str(tmp_path / "wh"))
    with pytest.raises(FrontlineError, match="needs a bucket"):
        storage.location("s3:///prefix")
