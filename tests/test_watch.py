"""The watching service: `frontline serve --watch` on a temporary folder loads an article dropped into
it, its mentions are visible through `frontline sql`, and SIGTERM stops it cleanly. The bounds are
generous: how fast it is belongs to bench/freshness.py."""

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline import watch
from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from conftest import SEED_ARTICLE
from test_server import wait_for

BIN = Path(sys.executable).parent
READY_TIMEOUT = 300
LOAD_TIMEOUT = 300


def sql_count(warehouse: Path, query: str) -> int:
    out = subprocess.run([str(BIN / "frontline"), "sql", query, "--warehouse", str(warehouse), "--format", "csv"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return 0
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.flow
def test_the_watching_service_loads_a_dropped_article_and_stops_on_sigterm(tmp_path):
    folder, warehouse = tmp_path / "in", tmp_path / "wh"
    folder.mkdir()
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)
    lines: list[str] = []
    proc = subprocess.Popen([str(BIN / "frontline"), "serve", "--watch", str(folder), "--warehouse", str(warehouse),
                             "--api-url", "http://127.0.0.1:9/api"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path, start_new_session=True)
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any("frontline watch: ready" in line for line in lines), READY_TIMEOUT, "the ready line", proc)
        shutil.copy(SEED_ARTICLE, folder / ".arriving.part")  # written under a hidden name, then renamed
        os.rename(folder / ".arriving.part", folder / "kursk.txt")
        n = wait_for(lambda: sql_count(warehouse, "select count(*) from event_mentions where source_path = 'kursk.txt'"),
                     LOAD_TIMEOUT, "the dropped article's mentions", proc)
        assert n >= 3
        kinds = run_sql(Warehouse(str(warehouse)), "select distinct event_type from event_mentions")
        assert "SURRENDER_DEMAND" in kinds["event_type"].to_pylist()
        assert sql_count(warehouse, "select count(*) from event_mentions where source_path like '%.part'") == 0
        # A second file, in a subfolder made after the service started.
        (folder / "later").mkdir()
        (folder / "later" / "b.txt").write_text(SEED_ARTICLE.read_text().replace("Kursk", "Sumy"))
        wait_for(lambda: sql_count(warehouse, "select count(*) from files where source_path = 'later/b.txt'"),
                 LOAD_TIMEOUT, "the second file", proc)
        runs = run_sql(Warehouse(str(warehouse)), "select status, files_seen from runs order by started_at")
        assert set(runs["status"].to_pylist()) == {"completed"}
        assert runs["files_seen"].to_pylist()[1:] == [1] * (runs.num_rows - 1)  # each run read what it was told of
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
        reader.join(timeout=10)
        assert any(line.startswith("stopped:") for line in lines), lines[-5:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_polling_finds_new_and_changed_files_and_skips_hidden_ones(tmp_path):
    (tmp_path / "a.txt").write_text("one")
    before = watch.signatures(str(tmp_path))
    (tmp_path / "a.txt").write_text("one, longer")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("two")
    (tmp_path / ".c.part").write_text("hidden")
    assert watch.changed_since(before, watch.signatures(str(tmp_path))) == {"a.txt", "sub/b.txt"}
    stop = threading.Event()
    source = watch.polled_changes(str(tmp_path), stop, interval=0.05)
    (tmp_path / "d.txt").write_text("three")
    assert next(source) == {"d.txt"}
    stop.set()


def test_notifications_report_written_files_relative_to_the_folder(tmp_path):
    stop = threading.Event()
    found: list[set[str]] = []

    def follow():
        for changes in watch.notified_changes(str(tmp_path), stop):
            found.append(changes)
            stop.set()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    wait_for(lambda: thread.is_alive(), 10, "the watcher")
    import time

    time.sleep(0.5)  # the watch is installed
    (tmp_path / ".x.part").write_text("hidden")
    (tmp_path / "x.txt").write_text("seen")
    thread.join(timeout=30)
    assert found and set().union(*found) == {"x.txt"}


def test_a_folder_made_after_the_watch_began_reports_the_files_already_in_it(tmp_path):
    """The kernel watches a new folder only once it has seen it made; a file written at once is found by
    listing the folder."""
    stop = threading.Event()
    found: set[str] = set()

    def follow():
        for changes in watch.notified_changes(str(tmp_path), stop):
            found.update(changes)
            if "later/deep/b.txt" in found:
                stop.set()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    import time

    time.sleep(0.5)  # the watch is installed
    (tmp_path / "later" / "deep").mkdir(parents=True)
    (tmp_path / "later" / "deep" / "b.txt").write_text("two")
    thread.join(timeout=30)
    stop.set()
    assert "later/deep/b.txt" in found
