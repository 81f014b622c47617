"""The plan stage (`pipeline.ingest.plan`) and what it makes true of runs: only new and changed files are
processed; edits replace, never add."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.ingest.plan import plan, stale_article_ids
from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql
from pipeline.records import FileState
from pipeline.sources import ScannedFile

from conftest import NOW, ROOT, SEED_ARTICLE

ARTICLE = """ date 2025-06-02 Example Wire / world

Fighting flares near Sumy

Russian forces launched a fresh assault on the outskirts of Sumy on Sunday, regional officials said.

{extra}
"""


def state(path, sha, ids):
    return FileState(f"id-{path}", "/x", path, sha, 10, tuple(ids), 0, "r0", NOW)


def test_plan_classifies_by_content_hash_not_by_path_alone():
    h1, h2, h2_edited, h3 = (bytes([n]) * 32 for n in range(4))
    known = {"a.txt": state("a.txt", h1.hex(), ["A"]), "b.txt": state("b.txt", h2.hex(), ["B"])}
    scanned = [ScannedFile("/x", "a.txt", h1, 10), ScannedFile("/x", "b.txt", h2_edited, 10),
               ScannedFile("/x", "c.txt", h3, 10)]
    assert scanned[0].path == "/x/a.txt" and scanned[0].content_sha256 == "00" * 32
    p = plan(scanned, known)
    assert [f.source_path for f in p.new] == ["c.txt"]
    assert [f.source_path for f in p.changed] == ["b.txt"]
    assert [f.source_path for f in p.unchanged] == ["a.txt"]
    assert [f.source_path for f in p.to_process] == ["b.txt", "c.txt"]
    assert [f.source_path for f in plan(scanned, known, full=True).to_process] == ["a.txt", "b.txt", "c.txt"]
    # b's old article goes unless a file read now or another file's stored state still produces it.
    before = [known[f.source_path] for f in p.to_process if f.source_path in known]
    elsewhere = lambda ids: {i for path, s in known.items() if path != "b.txt" for i in s.article_ids} & ids
    assert stale_article_ids(before, ["B2", "C"], elsewhere) == {"B"}
    assert stale_article_ids(before, ["B", "C"], elsewhere) == set()
    known["a.txt"] = state("a.txt", h1.hex(), ["A", "B"])  # a.txt, not reprocessed, still has it
    assert stale_article_ids(before, ["B2", "C"], elsewhere) == set()


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_unchanged_run_processes_nothing_and_an_edit_replaces_mentions(tmp_path):
    from flows.etl import etl

    src, wh_dir = tmp_path / "in", tmp_path / "wh"
    src.mkdir()
    shutil.copy(SEED_ARTICLE, src / SEED_ARTICLE.name)
    sumy = src / "sumy.txt"
    sumy.write_text(ARTICLE.format(extra="Ukraine and Russia held talks in Istanbul on Monday."))
    wh = Warehouse(wh_dir)

    first = etl(input_dir=str(src), warehouse=str(wh_dir))
    assert (first["files_new"], first["articles_new"]) == (2, 2)
    sumy_types = lambda: sorted(run_sql(wh, "select event_type from event_mentions m join articles a "
                                            "using (article_id) where a.source_path = 'sumy.txt'")
                                ["event_type"].to_pylist())
    assert sumy_types() == ["OFFENSIVE", "TALKS"]
    totals = lambda: run_sql(wh, "select (select count(*) from articles) a, (select count(*) from event_mentions) m,"
                                 " (select count(*) from files) f").to_pylist()[0]
    before = totals()

    second = etl(input_dir=str(src), warehouse=str(wh_dir))
    assert (second["files_unchanged"], second["articles_read"], second["mentions_new"]) == (2, 0, 0)
    assert "nothing to do" in second["message"]
    assert totals() == before

    # The source edits its article: the talks sentence is gone, a ceasefire call is new.
    sumy.write_text(ARTICLE.format(extra="The governor called for a ceasefire to evacuate civilians."))
    third = etl(input_dir=str(src), warehouse=str(wh_dir))
    assert (third["files_changed"], third["files_unchanged"], third["articles_removed"]) == (1, 1, 1)
    assert sumy_types() == ["CEASEFIRE_PROPOSAL", "OFFENSIVE"]
    assert totals() == {"a": before["a"], "m": before["m"], "f": 2}
    assert run_sql(wh, "select count(*) n from articles where source_path = 'sumy.txt'")["n"][0].as_py() == 1

    # --full reprocesses everything and still changes no count.
    full = etl(input_dir=str(src), warehouse=str(wh_dir), full=True)
    assert full["articles_read"] == 2 and full["full"] is True
    assert totals() == {"a": before["a"], "m": before["m"], "f": 2}
    statuses = run_sql(wh, "select status, files_new, files_changed, files_unchanged from runs order by started_at")
    assert [tuple(r.values()) for r in statuses.to_pylist()] == [
        ("completed", 2, 0, 0), ("completed", 0, 0, 2), ("completed", 0, 1, 1), ("completed", 0, 0, 2)]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_invalid_locations_fail_before_any_work(tmp_path):
    from flows.etl import etl
    from pipeline.errors import FrontlineError

    with pytest.raises(FrontlineError, match="does not exist"):
        etl(input_dir=str(tmp_path / "nope"), warehouse=str(tmp_path / "wh"))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(FrontlineError, match="not writable"):
        etl(input_dir=str(ROOT / "seeds"), warehouse=str(blocker / "wh"))
    assert not (tmp_path / "wh").exists()


@pytest.mark.flow
def test_two_runs_at_once_leave_one_consistent_warehouse(tmp_path):
    """Two real `frontline run` processes on one warehouse: one waits for the other; no duplicates."""
    src, wh_dir = tmp_path / "in", tmp_path / "wh"
    src.mkdir()
    for i in range(6):
        (src / f"a{i}.txt").write_text(ARTICLE.format(extra=f"Envoys met in Doha on Tuesday, round {i}."))
    frontline = Path(sys.executable).parent / "frontline"
    procs = []
    for n in range(2):
        env = {**__import__("os").environ, "FRONTLINE_STATE_DIR": str(tmp_path / f"state{n}")}
        env.pop("PREFECT_HOME", None)
        procs.append(subprocess.Popen(
            [str(frontline), "run", str(src), "--warehouse", str(wh_dir), "--no-show", "--lock-timeout", "300"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outputs = [p.communicate(timeout=400)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    wh = Warehouse(wh_dir)
    counts = run_sql(wh, "select (select count(*) from articles) a, (select count(distinct article_id) from articles) d,"
                         " (select count(*) from event_mentions) m, (select count(distinct mention_id) from "
                         "event_mentions) dm").to_pylist()[0]
    assert counts["a"] == counts["d"] == 6 and counts["m"] == counts["dm"] > 0
    runs = run_sql(wh, "select files_new, files_unchanged from runs order by started_at").to_pylist()
    assert sorted(tuple(r.values()) for r in runs) == [(0, 6), (6, 0)]


def test_prefect_yaml_points_at_the_flow_and_its_parameters():
    import inspect

    import yaml

    from flows.serve import SERVED_BATCH_SIZE, SERVED_INPUT, SERVED_WAREHOUSE, scheduled_etl

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    [deployment] = spec["deployments"]
    path, name = deployment["entrypoint"].split(":")
    assert (ROOT / path).exists() and name == scheduled_etl.fn.__name__
    assert "parameters" not in deployment and not inspect.signature(scheduled_etl.fn).parameters
    assert set(deployment["job_variables"]["env"]) == {SERVED_INPUT, SERVED_WAREHOUSE, SERVED_BATCH_SIZE}
    assert deployment["schedules"][0]["cron"]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_many_small_commits_give_the_same_tables_as_one(tmp_path):
    """Memory is bounded by planning a few files at a time, committing every few articles and
    clustering each commit against the stored mentions it could join; the result must not depend
    on where the chunks and commits fall."""
    from flows.etl import etl

    src = ROOT / "tests" / "data" / "dev" / "articles"
    one, many = Warehouse(tmp_path / "one"), Warehouse(tmp_path / "many")
    etl(input_dir=str(src), warehouse=str(one.root))
    summary = etl(input_dir=str(src), warehouse=str(many.root), batch_size=3, commit_every=5, in_flight=2,
                  chunk_files=7)  # and planned 7 files at a time
    assert many.manifest().snapshot >= 5  # commits of 5-7 articles
    assert summary["articles_new"] == 44 and summary["mentions_new"] > 250

    def rows(wh, sql):
        return sorted(tuple(r.values()) for r in run_sql(wh, sql).to_pylist())

    for sql in ("select mention_id, event_id, event_type, agent_id, place_name, event_date from event_mentions",
                "select event_id, n_mentions, n_articles, n_sources, sources, first_reported from events",
                "select source_path, article_ids from files",
                "select articles_read, articles_new, mentions_new, events from runs"):
        assert rows(many, sql) == rows(one, sql), sql
    # The run merged the small files its many commits left: no partition keeps more than a few.
    folders = {}
    for f in many.manifest().files("event_mentions"):
        folders[f.rsplit("/", 1)[0]] = folders.get(f.rsplit("/", 1)[0], 0) + 1
    assert max(folders.values()) < 8
    # Every event row is backed by exactly its mentions, after all those partial re-clusterings.
    assert run_sql(many, "select count(*) n from events e where n_mentions <> (select count(*) from "
                         "event_mentions m where m.event_id = e.event_id)")["n"][0].as_py() == 0


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_run_that_fails_midway_keeps_its_commits_and_the_next_run_finishes_the_rest(tmp_path, monkeypatch):
    """Each commit is atomic; a run that dies after some commits leaves them whole, records a failed
    run, and the next run processes only the files no commit recorded."""
    import flows.etl as etl_module
    import flows.tasks as tasks_module
    from pipeline.extract import extract_mentions

    src = ROOT / "tests" / "data" / "dev" / "articles"
    clean, broken = Warehouse(tmp_path / "clean"), Warehouse(tmp_path / "broken")
    etl_module.etl(input_dir=str(src), warehouse=str(clean.root))

    calls = []

    def failing(articles, run_id):
        calls.append(len(articles))
        if len(calls) == 6:
            raise RuntimeError("worker lost")
        return extract_mentions(articles, run_id=run_id)

    monkeypatch.setattr(tasks_module, "extract_mentions", failing)
    with pytest.raises(RuntimeError, match="worker lost"):
        etl_module.etl(input_dir=str(src), warehouse=str(broken.root), batch_size=3, commit_every=5, in_flight=1)
    done = run_sql(broken, "select count(*) n from files")["n"][0].as_py()
    assert 0 < done < 42
    assert run_sql(broken, "select status, message from runs").to_pylist() == [
        {"status": "failed", "message": "RuntimeError: worker lost"}]

    monkeypatch.setattr(tasks_module, "extract_mentions", extract_mentions)
    summary = etl_module.etl(input_dir=str(src), warehouse=str(broken.root))
    assert summary["files_unchanged"] == done and summary["files_new"] == summary["files_seen"] - done

    def rows(wh, sql):
        return sorted(tuple(r.values()) for r in run_sql(wh, sql).to_pylist())

    for sql in ("select mention_id, event_id, event_type, place_name from event_mentions",
                "select event_id, n_mentions, n_articles from events", "select article_id from articles"):
        assert rows(broken, sql) == rows(clean, sql), sql


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_copies_and_moves_keep_an_article_once_whichever_chunk_or_commit_reads_it(tmp_path):
    """A run plans its input a chunk at a time and keeps no set of every id it read: copies and
    articles that move between files are decided from the warehouse and the uncommitted batches."""
    from flows.etl import etl

    src, wh = tmp_path / "in", Warehouse(tmp_path / "wh")
    src.mkdir()
    text = {k: ARTICLE.format(extra=extra) for k, extra in {
        "X": "Envoys met in Doha on Tuesday.", "Y": "Qatar proposed a 30-day truce on Monday.",
        "Z": "The army shelled Kharkiv overnight.", "W": "Officials called on the garrison to surrender.",
        "V": "No talks were held this week."}.items()}
    small = dict(chunk_files=1, batch_size=1, commit_every=1, in_flight=2)

    def put(**files):
        for name, key in files.items():
            (src / f"{name}.txt").write_text(text[key])

    def state():
        rows = run_sql(wh, "select a.article_id, count(m.mention_id) n, count(distinct m.mention_id) d "
                               "from articles a left join event_mentions m using (article_id) "
                               "group by a.article_id").to_pylist()
        assert all(r["n"] == r["d"] for r in rows)  # no mention twice
        files = run_sql(wh, "select source_path, article_ids from files").to_pylist()
        return {r["article_id"]: r["n"] for r in rows}, {f["source_path"]: len(f["article_ids"]) for f in files}

    put(a="X", b="Y", c="X")  # c is a copy of a
    first = etl(input_dir=str(src), warehouse=str(wh.uri), **small)
    mentions, files = state()
    assert first["articles_read"] == 3 and len(mentions) == 2 and files == {"a.txt": 1, "b.txt": 1, "c.txt": 1}
    assert first["mentions_new"] == sum(mentions.values())  # the copy was not extracted again
    x_id = run_sql(wh, "select article_id from articles where source_path = 'a.txt'")["article_id"][0].as_py()
    x_mentions = mentions[x_id]
    assert x_mentions > 0

    put(a="Z")  # c still has X: it stays
    assert etl(input_dir=str(src), warehouse=str(wh.uri), **small)["articles_removed"] == 0
    assert state()[0][x_id] == x_mentions

    put(c="W")  # now nothing has X
    assert etl(input_dir=str(src), warehouse=str(wh.uri), **small)["articles_removed"] == 1
    assert x_id not in state()[0]

    # Y moves from b to a new file e, read after b but before b's commit: it keeps its mentions.
    y_id = run_sql(wh, "select article_id from articles where source_path = 'b.txt'")["article_id"][0].as_py()
    y_mentions = state()[0][y_id]
    put(b="V", e="Y")
    moved = etl(input_dir=str(src), warehouse=str(wh.uri), **small)
    assert (moved["files_changed"], moved["files_new"], moved["articles_removed"]) == (1, 1, 0)
    mentions, files = state()
    assert mentions[y_id] == y_mentions > 0 and len(mentions) == 4  # Z, W, V, Y
    assert files == {"a.txt": 1, "b.txt": 1, "c.txt": 1, "e.txt": 1}


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_the_same_file_name_in_two_input_folders_is_two_files(tmp_path):
    """Files are keyed by input folder and path: dirB/report.txt is not an edit of dirA/report.txt."""
    from flows.etl import etl

    a, b, wh = tmp_path / "dirA", tmp_path / "dirB", Warehouse(tmp_path / "wh")
    for folder, extra in ((a, "Envoys met in Doha on Tuesday."), (b, "Qatar proposed a 30-day truce on Monday.")):
        folder.mkdir()
        (folder / "report.txt").write_text(ARTICLE.format(extra=extra))
        (folder / "empty.txt").write_text("")
    etl(input_dir=str(a), warehouse=str(wh.root))
    second = etl(input_dir=str(b), warehouse=str(wh.root))
    assert (second["files_new"], second["files_changed"], second["articles_removed"]) == (2, 0, 0)
    assert run_sql(wh, "select count(*) n from articles")["n"][0].as_py() == 2
    files = run_sql(wh, "select input_root, source_path from files order by 1, 2").to_pylist()
    assert files == [{"input_root": str(a), "source_path": "empty.txt"}, {"input_root": str(a), "source_path": "report.txt"},
                     {"input_root": str(b), "source_path": "empty.txt"}, {"input_root": str(b), "source_path": "report.txt"}]
    assert run_sql(wh, "select count(*) n from rejects")["n"][0].as_py() == 2
    again = etl(input_dir=str(a), warehouse=str(wh.root))
    assert (again["files_unchanged"], again["articles_read"]) == (2, 0)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("moment", ["missing", "empty", "half-written"])
def test_a_file_caught_missing_empty_or_half_written_is_read_again_by_the_next_run(tmp_path, monkeypatch, moment):
    """The files row records the hash of the bytes that were parsed, not the scan's."""
    from flows.etl import etl
    from pipeline.sources.folder import FolderSource

    src, wh = tmp_path / "in", Warehouse(tmp_path / "wh")
    src.mkdir()
    target = src / "sumy.txt"
    target.write_text(ARTICLE.format(extra="The governor called for a ceasefire to evacuate civilians."))
    full = target.read_bytes()
    real = FolderSource._open

    class RestoredOnClose:
        """The file as it was opened; once read and closed, it is whole again."""

        def __init__(self, fh):
            self.fh = fh

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()
            target.write_bytes(full)

    def caught(self, rel):  # when the run reads it, the file is caught mid-change
        if moment == "missing":
            target.unlink()
        else:
            target.write_bytes(b"" if moment == "empty" else full[:len(full) // 2])
        try:
            return RestoredOnClose(real(self, rel))
        except BaseException:
            target.write_bytes(full)
            raise

    monkeypatch.setattr(FolderSource, "_open", caught)
    etl(input_dir=str(src), warehouse=str(wh.root))
    monkeypatch.setattr(FolderSource, "_open", real)
    second = etl(input_dir=str(src), warehouse=str(wh.root))
    assert (second["files_changed"], second["files_unchanged"]) == (1, 0)
    [article] = run_sql(wh, "select body from articles where source_path = 'sumy.txt'").to_pylist()
    assert article["body"].endswith("evacuate civilians.")
    assert run_sql(wh, "select count(*) n from rejects")["n"][0].as_py() == 0
    [state] = run_sql(wh, "select content_sha256 from files").to_pylist()
    import hashlib

    assert state["content_sha256"] == hashlib.sha256(full).hexdigest()


def test_files_and_rejects_of_schema_version_1_get_their_input_folder_from_the_runs_that_wrote_them(
        tmp_path, monkeypatch):
    import dataclasses

    import pyarrow as pa

    from test_schema_evolution import declare_all
    from pipeline.ingest.ids import file_id
    from pipeline.records import Run, to_arrow
    from schemas import table_schemas

    src = tmp_path / "in"
    src.mkdir()
    declared = table_schemas()
    v1 = {name: dataclasses.replace(declared[name], version=1, key=key, columns=tuple(
          c for c in declared[name].columns if c.name not in ("file_id", "input_root")))
          for name, key in (("files", "source_path"), ("rejects", "reject_id"))}
    run = Run("r1", NOW, NOW, "completed", str(src), False, 2, 2, 0, 0, 1, 1, 0, 1, "{}", 0, 0, None, None)
    wh = Warehouse(tmp_path / "wh")
    with monkeypatch.context() as m:
        current = dict(declared) | v1
        declare_all(m, current)
        files = pa.table({"source_path": ["a.txt", "b.txt"], "content_sha256": ["x", "y"], "size_bytes": [1, 2],
                          "article_ids": [["A"], []], "n_rejects": [0, 1], "run_id": ["r1", "r1"],
                          "processed_at": [NOW, NOW]}, schema=v1["files"].arrow_schema())
        rejects = pa.table({"reject_id": ["j"], "source_path": ["b.txt"], "source_record": [None],
                            "reason": ["empty_file"], "detail": ["empty"], "content_sha256": [None],
                            "size_bytes": [0], "rejected_at": [NOW], "run_id": ["r1"]},
                           schema=v1["rejects"].arrow_schema())
        wh.commit({"files": files, "rejects": rejects, "runs": to_arrow([run], Run)})
    assert wh.manifest().tables["files"]["schema_version"] == 1
    assert wh.upgrade()
    rows = run_sql(wh, "select file_id, input_root, source_path, article_ids from files order by source_path").to_pylist()
    root = str(src.resolve())
    assert rows == [{"file_id": file_id(root, "a.txt"), "input_root": root, "source_path": "a.txt", "article_ids": ["A"]},
                    {"file_id": file_id(root, "b.txt"), "input_root": root, "source_path": "b.txt", "article_ids": []}]
    assert run_sql(wh, "select file_id from rejects")["file_id"].to_pylist() == [file_id(root, "b.txt")]
    assert wh.manifest().tables["files"]["schema_version"] == 2 and not wh.upgrade()


def feed(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "feed.jsonl").open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"title": f"Report {i}", "published": f"2025-03-{1 + i % 28:02d}",
                                 "text": f"Russian forces shelled the village of Zorya-{i} on Monday."}) + "\n")


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_file_of_many_records_is_committed_in_several_commits_and_resumes_after_a_failure(tmp_path, monkeypatch):
    """148,721 records in one file were one commit (2 GB); now a file is extracted and committed in
    parts, and its files row is written with its last part, so a run stopped inside it resumes."""
    import flows.etl as etl_module
    import flows.tasks as tasks_module
    from pipeline.extract import extract_mentions

    src = tmp_path / "in"
    feed(src, 40)
    clean, broken = Warehouse(tmp_path / "clean"), Warehouse(tmp_path / "broken")
    summary = etl_module.etl(input_dir=str(src), warehouse=str(clean.root), commit_every=10)
    assert summary["articles_new"] == 40 and clean.manifest().snapshot >= 4
    calls = []

    def failing(articles, run_id):
        calls.append(len(articles))
        if len(calls) == 3:
            raise RuntimeError("worker lost")
        return extract_mentions(articles, run_id=run_id)

    monkeypatch.setattr(tasks_module, "extract_mentions", failing)
    with pytest.raises(RuntimeError, match="worker lost"):
        etl_module.etl(input_dir=str(src), warehouse=str(broken.root), commit_every=10, in_flight=1)
    partial = run_sql(broken, "select count(*) n from articles")["n"][0].as_py()
    assert 0 < partial < 40
    assert run_sql(broken, "select count(*) n from files")["n"][0].as_py() == 0  # the file is not done
    monkeypatch.setattr(tasks_module, "extract_mentions", extract_mentions)
    again = etl_module.etl(input_dir=str(broken.root.parent / "in"), warehouse=str(broken.root), commit_every=10)
    assert again["files_new"] == 1

    def rows(wh, sql):
        return sorted(tuple(r.values()) for r in run_sql(wh, sql).to_pylist())

    for sql in ("select article_id from articles", "select mention_id, event_id, event_type from event_mentions",
                "select event_id, n_mentions from events", "select source_path, len(article_ids) from files"):
        assert rows(broken, sql) == rows(clean, sql), sql
