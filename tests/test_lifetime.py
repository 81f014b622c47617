"""A `frontline run` stopped by SIGTERM or killed by SIGKILL leaves no temporary Prefect server behind,
and a stopped run leaves its `runs` row. Real processes, real signals."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from conftest import ROOT

pytestmark = pytest.mark.flow

FRONTLINE = Path(sys.executable).parent / "frontline"
DEV = ROOT / "tests" / "data" / "dev" / "articles"


def servers(pid: int) -> list[int]:
    """Live Prefect API servers (uvicorn) started by ``pid`` (zombies are dead)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z" and b"uvicorn" in command:
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def start_run(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    src = tmp_path / "in"
    src.mkdir()
    for path in sorted(DEV.glob("0[0-2]*.txt")):
        shutil.copy(path, src / path.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}  # no server: a temporary one
    env.update(FRONTLINE_STATE_DIR=str(tmp_path / "state"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    proc = subprocess.Popen([str(FRONTLINE), "run", str(src), "--warehouse", str(tmp_path / "wh"), "--no-show", *extra],
                            env=env, cwd=tmp_path, stdout=(tmp_path / "run.log").open("w"), stderr=subprocess.STDOUT)
    return proc, tmp_path / "wh"


def test_sigkill_does_not_leave_the_temporary_prefect_server_running(tmp_path):
    proc, _ = start_run(tmp_path)
    server = -1
    try:
        [server] = wait_for(lambda: servers(proc.pid), 180, "the temporary Prefect server to start")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        wait_for(lambda: not alive(server), 30, f"the server {server} to stop with its parent")
    finally:
        if proc.poll() is None:
            proc.kill()
        if alive(server):  # the old code left it: do not leave it to the machine
            os.kill(server, signal.SIGKILL)


def test_sigterm_records_the_run_as_interrupted_and_stops_the_server(tmp_path):
    proc, wh_dir = start_run(tmp_path, "--commit-every", "3", "--batch-size", "1")
    server = None
    try:
        wait_for(lambda: (wh_dir / "_manifest.json").exists(), 240, "the run's first commit")
        [server] = servers(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 128 + signal.SIGTERM, (tmp_path / "run.log").read_text()[-3000:]
        wait_for(lambda: not alive(server), 30, f"the server {server} to stop")
    finally:
        if proc.poll() is None:
            proc.kill()
        if server is not None and alive(server):
            os.kill(server, signal.SIGKILL)
    assert "recorded as interrupted" in (tmp_path / "run.log").read_text()
    wh = Warehouse(wh_dir)
    assert run_sql(wh, "select status, message from runs").to_pylist() == [
        {"status": "interrupted", "message": "stopped by SIGTERM"}]
    assert run_sql(wh, "select count(*) n from articles")["n"][0].as_py() >= 3  # its commits stay


def test_a_stop_signal_is_remembered_when_duckdb_turns_it_into_another_error():
    """A signal handler's exception raised during a DuckDB query comes out as RuntimeError('Query
    interrupted'); the run must still know it was asked to stop (and record itself as interrupted)."""
    import threading

    import duckdb

    from pipeline import lifetime

    done = threading.Event()

    def keep_asking() -> None:
        # Once is not always enough on a loaded machine: a signal that lands while DuckDB runs the
        # query on a worker thread can wait for the next check; asking again until it stops is what
        # a supervisor does too.
        while not done.wait(0.5) and lifetime.stop_requested() is None:
            os.kill(os.getpid(), signal.SIGTERM)

    asker = threading.Thread(target=keep_asking, daemon=True)
    with lifetime.stop_signals():
        asker.start()
        try:
            with pytest.raises(BaseException) as raised:
                duckdb.connect().execute("select count(*) from range(100000000000) t(x) where x % 7 = 3").fetchall()
        finally:
            done.set()
            asker.join()
        assert lifetime.stop_requested() == signal.SIGTERM
    assert isinstance(raised.value, (RuntimeError, lifetime.Stopped))
    assert lifetime.stop_requested() is None  # forgotten once the outermost block is left
