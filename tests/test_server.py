"""A real Prefect server on 127.0.0.1: the flow served as a deployment with one run triggered through the API,
and `frontline server`'s UI, state and use by runs."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql

from conftest import ROOT, SEED_ARTICLE

pytestmark = pytest.mark.flow

BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 120
RUN_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{what}: process exited with {proc.returncode}")
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def stop(proc: subprocess.Popen) -> None:
    """Stop a process group: SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def get_json(client: httpx.Client, method: str, url: str, *, must: bool = False, **kw):
    """The JSON answer, or None while the server is not ready; ``must``: fail with the server's words."""
    try:
        r = client.request(method, url, **kw)
    except httpx.HTTPError:
        if must:
            raise
        return None
    if must:
        assert r.status_code in (200, 201), f"{method} {url}: {r.status_code} {r.text[:500]}"
    return r.json() if r.status_code in (200, 201) else None


def test_served_deployment_completes_a_run_on_a_local_server(tmp_path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    src, wh_dir = tmp_path / "in", tmp_path / "wh"
    src.mkdir()
    shutil.copy(SEED_ARTICLE, src / SEED_ARTICLE.name)
    private, stolen = tmp_path / "private", tmp_path / "stolen"
    private.mkdir()
    (private / "diary.txt").write_text("Dear diary\n\nThe army attacked the town of Secretville on Monday.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_UI_ENABLED="false", FRONTLINE_STATE_DIR=str(tmp_path / "state"))
    logs = tmp_path / "logs"
    logs.mkdir()
    server = serve = None
    try:
        server = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=tmp_path, stdout=(logs / "server.log").open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        with httpx.Client(timeout=10) as client:
            wait_for(lambda: get_json(client, "GET", f"{api}/health") is not None, STARTUP_TIMEOUT,
                     "the Prefect server", server)
            serve = subprocess.Popen(
                [str(BIN / "frontline"), "serve", "--input", str(src), "--warehouse", str(wh_dir),
                 "--interval", "3600", "--api-url", api],
                env={**env, "PREFECT_API_URL": api}, cwd=ROOT, stdout=(logs / "serve.log").open("w"),
                stderr=subprocess.STDOUT, start_new_session=True)
            deployment = wait_for(
                lambda: get_json(client, "GET", f"{api}/deployments/name/frontline-scheduled/frontline-etl"),
                STARTUP_TIMEOUT, "the deployment to be registered", serve)
            assert deployment["parameters"] == {} and str(src) in deployment["description"]
            assert deployment["schedules"], "the deployment has its interval schedule"
            # Retried only while the API refuses (a busy machine can answer 5xx right after registration).
            run = wait_for(lambda: get_json(client, "POST", f"{api}/deployments/{deployment['id']}/create_flow_run",
                                            json={}), 60, "the API to accept a flow run", serve)
            final = wait_for(
                lambda: (lambda fr: fr if fr and fr["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED")
                         else None)(get_json(client, "GET", f"{api}/flow_runs/{run['id']}")),
                RUN_TIMEOUT, "the flow run to finish", serve)
            assert final["state"]["type"] == "COMPLETED", (logs / "serve.log").read_text()[-3000:]
            artifacts = get_json(client, "POST", f"{api}/artifacts/filter",
                                 json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}, must=True)
            assert any(a["key"] == "frontline-run-summary" and "Top new events" in a["data"] for a in artifacts)
            # Anyone who reaches the API can ask for a run; they cannot choose what it reads or writes.
            attack = client.post(f"{api}/deployments/{deployment['id']}/create_flow_run",
                                 json={"parameters": {"input_dir": str(private), "warehouse": str(stolen)}})
            if attack.status_code in (200, 201):
                ended = wait_for(
                    lambda: (lambda fr: fr if fr and fr["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED")
                             else None)(get_json(client, "GET", f"{api}/flow_runs/{attack.json()['id']}")),
                    RUN_TIMEOUT, "the overriding flow run to end", serve)
                assert ended["state"]["type"] != "COMPLETED"
    finally:
        for proc in (serve, server):
            if proc is not None:
                stop(proc)
    assert not stolen.exists()
    wh = Warehouse(wh_dir)
    runs = run_sql(wh, "select status, files_new, articles_new from runs").to_pylist()
    assert runs == [{"status": "completed", "files_new": 1, "articles_new": 1}]
    assert run_sql(wh, "select count(*) n from articles where body like '%Secretville%'")["n"][0].as_py() == 0
    n = run_sql(wh, "select count(*) n from event_mentions where event_type = 'SURRENDER_DEMAND'")["n"][0].as_py()
    assert n >= 1


def test_the_server_refuses_to_listen_beyond_loopback_without_authentication(monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import main

    monkeypatch.delenv("PREFECT_SERVER_API_AUTH_STRING", raising=False)
    result = CliRunner().invoke(main, ["server", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "no authentication" in result.output


def test_frontline_server_ui_works_on_any_port_keeps_its_state_and_serves_runs(tmp_path):
    """`frontline server --port P`: the UI page loads and calls the API on P (not the 4200 a stale
    PREFECT_API_URL names), no analytics, state under the state folder (not ~/.prefect); a run
    started with the same state folder uses it without configuration."""
    port = free_port()
    base, state, home = f"http://127.0.0.1:{port}", tmp_path / "state", tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(FRONTLINE_STATE_DIR=str(state), HOME=str(home))
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")  # a run with a reject and no article: no model to load
    logs = tmp_path / "logs"
    logs.mkdir()
    server = None
    try:
        server = subprocess.Popen([str(BIN / "frontline"), "server", "--port", str(port)],
                                  env={**env, "PREFECT_API_URL": "http://127.0.0.1:4200/api"}, cwd=tmp_path,
                                  stdout=(logs / "server.log").open("w"), stderr=subprocess.STDOUT,
                                  start_new_session=True)
        with httpx.Client(timeout=10) as client:
            assert wait_for(lambda: get_json(client, "GET", f"{base}/api/health"), STARTUP_TIMEOUT,
                            "frontline server", server) is True
            assert get_json(client, "GET", f"{base}/ui-settings", must=True)["api_url"] == f"{base}/api"
            settings = get_json(client, "GET", f"{base}/api/admin/settings", must=True)
            assert settings["server"]["analytics_enabled"] is False
            assert settings["home"] == str(state / "prefect")
            page = client.get(f"{base}/", headers={"Accept": "text/html"}, follow_redirects=True)
            assert page.status_code == 200 and "<html" in page.text.lower()
            scripts = re.findall(r'<script[^>]+src="([^"]+)"', page.text)
            assert scripts, page.text[:500]
            asset = client.get(httpx.URL(str(page.url)).join(scripts[0]))
            assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
            assert (state / "prefect" / "prefect.db").is_file() and not (home / ".prefect").exists()
            assert json.loads((state / "server.json").read_text())["api_url"] == f"{base}/api"

            run = subprocess.run([str(BIN / "frontline"), "run", str(src), "--warehouse", str(tmp_path / "wh"),
                                  "--no-show"], env=env, cwd=tmp_path, capture_output=True, text=True,
                                 timeout=RUN_TIMEOUT)
            assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
            assert f"using the frontline server at {base}" in run.stdout
            flow_runs = get_json(client, "POST", f"{base}/api/flow_runs/filter", json={}, must=True)
            assert [r["state"]["type"] for r in flow_runs] == ["COMPLETED"]
    finally:
        if server is not None:
            stop(server)
    runs = run_sql(Warehouse(tmp_path / "wh"), "select status, files_new, rejects from runs").to_pylist()
    assert runs == [{"status": "completed", "files_new": 1, "rejects": 1}]
