"""Commands that need no flow do not import Prefect: bad arguments and paths are answered before it
loads, reading commands never load it, and a run with nothing to do is recorded without it.
Each check runs in a fresh interpreter, whose sys.modules says what was imported."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql
from pipeline.runs import NOTHING_TO_DO

from conftest import ROOT, SEED_ARTICLE, SEEDS


INVOKE = """
    from click.testing import CliRunner
    from pipeline.cli import main

    def invoke(*args):
        r = CliRunner().invoke(main, [str(a) for a in args])
        return {"exit": r.exit_code, "output": r.output, "exception": repr(r.exception)}
"""


def in_fresh_python(script: str, tmp_path) -> dict:
    """Run ``script`` (which defines ``results``, and may call the CLI with ``invoke``) in a new
    interpreter; its results, with which of Prefect's modules were imported."""
    code = textwrap.dedent(INVOKE) + textwrap.dedent(script) + textwrap.dedent("""
        import json, sys
        results["prefect_modules"] = sorted(m for m in sys.modules if m == "prefect" or m.startswith("prefect."))
        print("RESULTS " + json.dumps(results, default=str))
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    [line] = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")]
    return json.loads(line.removeprefix("RESULTS "))


def test_bad_paths_and_options_are_answered_in_one_line_before_prefect_loads(tmp_path):
    not_a_warehouse = tmp_path / "papers"
    not_a_warehouse.mkdir()
    (not_a_warehouse / "notes.txt").write_text("mine\n")
    out = in_fresh_python(f"""
        results = {{
            "missing": invoke("run", {str(tmp_path / 'seedz')!r}, "--warehouse", {str(tmp_path / 'wh')!r}),
            "a_file": invoke("run", {str(SEED_ARTICLE)!r}, "--warehouse", {str(tmp_path / 'wh')!r}),
            "batch": invoke("run", {str(SEEDS)!r}, "--warehouse", {str(tmp_path / 'wh')!r}, "--batch-size", "0"),
            "not_a_warehouse": invoke("run", {str(SEEDS)!r}, "--warehouse", {str(not_a_warehouse)!r}),
            "inside": invoke("run", {str(tmp_path)!r}, "--warehouse", {str(tmp_path / 'wh')!r}),
        }}
    """, tmp_path)
    assert out["prefect_modules"] == []
    missing = out["missing"]
    assert missing["exit"] == 1
    assert missing["output"] == f"Error: input directory {str(tmp_path / 'seedz')!r} does not exist or is not a directory\n"
    assert out["a_file"]["exit"] == 2 and "is a file" in out["a_file"]["output"]  # click's own check
    assert out["batch"]["exit"] == 2 and "--batch-size" in out["batch"]["output"]
    assert out["not_a_warehouse"]["exit"] == 1 and "not a frontline warehouse" in out["not_a_warehouse"]["output"]
    assert out["inside"]["exit"] == 1 and "must not overlap" in out["inside"]["output"]
    assert all("Traceback" not in r["output"] for k, r in out.items() if k != "prefect_modules")
    assert not (tmp_path / "wh").exists()  # nothing was created for a run that could not start
    assert sorted(p.name for p in not_a_warehouse.iterdir()) == ["notes.txt"]


def test_sql_events_report_and_eval_never_import_prefect(tmp_path):
    gold = tmp_path / "gold.jsonl"
    lines = (ROOT / "tests" / "data" / "dev" / "gold.jsonl").read_text().splitlines()
    gold.write_text("\n".join(ln for ln in lines if json.loads(ln)["file"] == SEED_ARTICLE.name) + "\n")
    wh, report = tmp_path / "wh", tmp_path / "report.html"
    out = in_fresh_python(f"""
        from datetime import datetime, timezone
        from pathlib import Path

        from pipeline.events.assign import assign_events
        from pipeline.extract import extract_mentions
        from pipeline.ingest.read import read_folder
        from pipeline.warehousing.store import Warehouse
        from pipeline.records import Article, Event, Mention, to_arrow

        seeds = Path({str(SEEDS)!r})
        read = read_folder(seeds, run_id="r", now=datetime.now(timezone.utc))
        mentions, events = assign_events(extract_mentions(read.articles, run_id="r"),
                                               {{a.article_id: a.outlet for a in read.articles}})
        Warehouse({str(wh)!r}).commit({{"articles": to_arrow(read.articles, Article),
                                        "event_mentions": to_arrow(mentions, Mention),
                                        "events": to_arrow(events, Event)}})
        results = {{
            "sql": invoke("sql", "select count(*) as n from events", "-w", {str(wh)!r}, "--format", "jsonl"),
            "events": invoke("events", "-w", {str(wh)!r}, "--type", "SURRENDER_DEMAND", "--format", "jsonl"),
            "report": invoke("report", "-w", {str(wh)!r}, "-o", {str(report)!r}),
            "eval": invoke("eval", {str(gold)!r}, "--input", {str(SEEDS)!r}, "--json"),
            "n_events": len(events),
        }}
    """, tmp_path)
    assert out["prefect_modules"] == []
    for name in ("sql", "events", "report", "eval"):
        assert out[name]["exit"] == 0, (name, out[name])
    assert json.loads(out["sql"]["output"]) == {"n": out["n_events"]}
    rows = [json.loads(line) for line in out["events"]["output"].splitlines()]
    assert rows and {r["agent_name"] for r in rows} == {"Vladimir Putin"}
    assert report.stat().st_size > 0 and f"({out['n_events']} events)" in out["report"]["output"]
    scores = json.loads(out["eval"]["output"])
    assert scores["articles"] == 1 and scores["events"]


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_with_nothing_to_do_is_recorded_without_prefect(tmp_path):
    from flows.etl import etl

    src, wh_dir = tmp_path / "in", tmp_path / "wh"
    src.mkdir()
    (src / "a.txt").write_bytes(SEED_ARTICLE.read_bytes())
    (src / "empty.txt").write_bytes(b"")  # a reject is an unchanged file too
    first = etl(input_dir=str(src), warehouse=str(wh_dir))
    assert (first["files_new"], first["articles_new"], first["rejects"]) == (2, 1, 1)
    wh = Warehouse(wh_dir)
    tables = ("articles", "event_mentions", "events", "rejects", "files")
    counts = lambda: {t: run_sql(wh, f"select count(*) n from {t}")["n"][0].as_py() for t in tables}  # noqa: E731
    before = counts()

    out = in_fresh_python(f"""
        results = {{"run": invoke("run", {str(src)!r}, "--warehouse", {str(wh_dir)!r}, "--no-show")}}
    """, tmp_path)
    assert out["prefect_modules"] == []
    assert out["run"]["exit"] == 0, out["run"]
    assert "2 files (0 new, 0 changed, 2 unchanged)" in out["run"]["output"]
    assert NOTHING_TO_DO in out["run"]["output"]
    assert counts() == before
    runs = run_sql(wh, "select status, input_dir, \"full\", files_seen, files_new, files_changed, files_unchanged, "
                       "articles_read, rejects, mentions_new, events, message from runs order by started_at")
    rows = runs.to_pylist()
    assert len(rows) == 2
    assert rows[1] == {"status": "completed", "input_dir": str(src), "full": False, "files_seen": 2, "files_new": 0,
                       "files_changed": 0, "files_unchanged": 2, "articles_read": 0, "rejects": 0,
                       "mentions_new": 0, "events": None, "message": NOTHING_TO_DO}

    # An edited file is work: the flow runs (and it needs Prefect).
    (src / "a.txt").write_bytes(SEED_ARTICLE.read_bytes() + b"\nRussian forces shelled the town of Sumy on Monday.\n")
    from prefect.settings import PREFECT_API_URL

    out = in_fresh_python(f"""
        import os
        os.environ["PREFECT_API_URL"] = {PREFECT_API_URL.value()!r}  # the session's test server
        results = {{"run": invoke("run", {str(src)!r}, "--warehouse", {str(wh_dir)!r}, "--no-show")}}
    """, tmp_path)
    assert out["run"]["exit"] == 0, out["run"]
    assert "prefect" in out["prefect_modules"]
    last = run_sql(wh, "select files_changed, files_unchanged, articles_new from runs order by started_at desc limit 1")
    assert last.to_pylist() == [{"files_changed": 1, "files_unchanged": 1, "articles_new": 1}]


def test_the_configured_prefect_api_comes_from_the_environment_or_the_active_profile(tmp_path, monkeypatch):
    from pipeline import prefect_api

    monkeypatch.delitem(sys.modules, "prefect.settings", raising=False)  # read as a fresh `frontline run` does
    home = tmp_path / "prefect"
    home.mkdir()
    env = {"PREFECT_HOME": str(home)}
    assert prefect_api.configured_api(env) is None
    (home / "profiles.toml").write_text('active = "mine"\n\n[profiles.mine]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n'
                                        '\n[profiles.other]\nPREFECT_API_URL = "http://10.0.0.6:4200/api"\n')
    assert prefect_api.configured_api(env) == "http://10.0.0.5:4200/api"
    assert prefect_api.configured_api(env | {"PREFECT_PROFILE": "other"}) == "http://10.0.0.6:4200/api"
    assert prefect_api.configured_api(env | {"PREFECT_API_URL": "http://h:1/api"}) == "http://h:1/api"
    (home / "profiles.toml").write_text("active = \n")  # not TOML: as if there were no profile
    assert prefect_api.configured_api(env) is None


def test_a_server_record_counts_only_while_its_server_answers(tmp_path):
    from pipeline import prefect_api

    state = tmp_path / "state"
    assert prefect_api.recorded_server(state) is None
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    prefect_api.write_server_record(state, f"http://127.0.0.1:{prefect_api.free_port()}/api", int(dead.stdout))
    assert prefect_api.recorded_server(state) is None  # its process is gone
    prefect_api.write_server_record(state, f"http://127.0.0.1:{prefect_api.free_port()}/api", os.getpid())
    assert prefect_api.recorded_server(state) is None  # alive, but nothing answers on that port
    (state / "server.json").write_text("{")
    assert prefect_api.recorded_server(state) is None
