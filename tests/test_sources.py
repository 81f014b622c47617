"""Input files listed, hashed and read through a Source (`pipeline.sources`, `pipeline.ingest.read`):
links, odd names, unreadable folders, oversize files, and each file read and hashed once."""

import pytest

from pipeline import errors
from pipeline.ingest.read import read_folder, read_input
from pipeline.sources import open_source

from conftest import NOW


def test_oversize_file_is_rejected_unread(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    result = read_input(open_source(tmp_path, max_bytes=1024), ["big.txt"], run_id="r", now=NOW)
    [reject] = result.rejects
    assert reject.reason == errors.TOO_LARGE
    assert reject.content_sha256 is None and reject.size_bytes == 2048


def test_discover_is_recursive_sorted_and_skips_hidden(tmp_path):
    for rel in ["b.txt", "a/c.jsonl", "a/deeper/d.txt", ".hidden.txt", ".git/config"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = list(open_source(tmp_path).names())
    assert found == ["b.txt", "a/c.jsonl", "a/deeper/d.txt"]


def test_symlinks_outside_the_input_loops_and_linked_folders_are_rejected_not_followed(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Troops attacked the town.\n")
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "ok.txt").write_text("Headline\n\nTroops attacked the town on Friday.\n")
    (src / "inside_link.txt").symlink_to(src / "ok.txt")
    (src / "escape.txt").symlink_to(outside)
    (src / "loop").symlink_to(src / "loop")
    (src / "sub" / "up").symlink_to(src)  # a folder loop
    result = read_folder(src, run_id="r", now=NOW)
    reasons = {r.source_path: r.reason for r in result.rejects}
    assert reasons == {"escape.txt": "outside_input", "loop": "unreadable", "sub/up": "not_a_file"}
    assert sorted(a.source_path for a in result.articles) == ["inside_link.txt", "ok.txt"]


def test_odd_file_names_are_stored_faithfully(tmp_path):
    names = ["with space.txt", "quote's \"double\".txt", "new\nline.txt", "кириллица ملف.txt"]
    for name in names:
        (tmp_path / name).write_text("Headline\n\nBody text.\n")
    result = read_folder(tmp_path, run_id="r", now=NOW)
    assert sorted(a.source_path for a in result.articles) == sorted(names)


def test_a_folder_swapped_for_a_link_after_the_scan_is_not_followed(tmp_path):
    """The scan sees a real folder; before the read it becomes a link to a folder outside the input."""
    import os


    src, outside = tmp_path / "in", tmp_path / "private"
    (src / "sub").mkdir(parents=True)
    outside.mkdir()
    (src / "sub" / "a.txt").write_text("Headline\n\nTroops attacked the town on Friday.\n")
    (outside / "a.txt").write_text("Private notes\n\nThe password is swordfish.\n")
    source = open_source(str(src))
    scanned = source.scan()
    assert [f.source_path for f in scanned] == ["sub/a.txt"] and scanned[0].digest
    os.rename(src / "sub", tmp_path / "moved")
    (src / "sub").symlink_to(outside)
    result = read_input(source, [f.rel for f in scanned], run_id="r", now=NOW)
    assert result.articles == []
    [reject] = result.rejects
    assert (reject.source_path, reject.reason) == ("sub/a.txt", "outside_input")
    # The same with the link made relative; a folder linked inside the input is not entered either.
    (src / "sub").unlink()
    (src / "sub").symlink_to("../private")
    assert [r.reason for r in read_input(source, [f.rel for f in scanned], run_id="r", now=NOW).rejects] == [
        "outside_input"]
    (src / "sub").unlink()
    (src / "elsewhere").mkdir()
    (src / "elsewhere" / "a.txt").write_text("Headline\n\nTroops attacked the town on Friday.\n")
    (src / "sub").symlink_to("elsewhere")
    assert [r.reason for r in read_input(source, [f.rel for f in scanned], run_id="r", now=NOW).rejects] == [
        "not_a_file"]
    (src / "sub").unlink()
    (src / "sub").mkdir()
    (src / "sub" / "a.txt").symlink_to(outside / "a.txt")
    [reject] = read_input(source, [f.rel for f in scanned], run_id="r", now=NOW).rejects
    assert reject.reason == "outside_input"
    (src / "sub" / "a.txt").unlink()
    (src / "sub" / "a.txt").symlink_to("../../private/a.txt")
    [reject] = read_input(source, [f.rel for f in scanned], run_id="r", now=NOW).rejects
    assert reject.reason == "outside_input"


def test_a_link_inside_the_input_is_read_through_links_of_links(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "real.txt").write_text("Headline\n\nTroops attacked the town on Friday.\n")
    (tmp_path / "first.txt").symlink_to("docs/real.txt")
    (tmp_path / "docs" / "second.txt").symlink_to("../first.txt")
    result = read_folder(tmp_path, run_id="r", now=NOW)
    assert result.rejects == []
    assert sorted(a.source_path for a in result.articles) == ["docs/real.txt", "docs/second.txt", "first.txt"]


def test_names_that_are_not_utf8_and_folders_that_cannot_be_listed_become_rejects(tmp_path, monkeypatch):
    import os


    (tmp_path / "good.txt").write_text("Headline\n\nTroops attacked the town on Friday.\n")
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"Headline\n\nEnvoys met in Doha.\n")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text("Headline\n\nTroops shelled the city.\n")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).rstrip("/").endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    source = open_source(str(tmp_path))
    scanned = source.scan()
    assert sorted(f.source_path for f in scanned) == ["caf\\xe9.txt", "good.txt", "locked/"]
    pa_safe = [f.source_path.encode("utf-8") for f in scanned]  # storable: no surrogates left
    assert len(pa_safe) == 3
    result = read_input(source, [f.rel for f in scanned], run_id="r", now=NOW)
    assert [a.source_path for a in result.articles] == ["good.txt"]
    reasons = {r.source_path: (r.reason, r.detail) for r in result.rejects}
    assert reasons["caf\\xe9.txt"][0] == "bad_name"
    assert reasons["locked/"][0] == "unreadable" and "listed" in reasons["locked/"][1]


class CountingSource:
    """A folder source that counts how often each file is opened."""

    def __init__(self, folder, **kwargs):
        self.source = open_source(folder, **kwargs)
        self.opened: dict[str, int] = {}
        real = self.source._open

        def counting(rel):
            self.opened[rel] = self.opened.get(rel, 0) + 1
            return real(rel)

        self.source._open = counting


def test_a_run_reads_and_hashes_each_file_once(tmp_path, monkeypatch):
    """The scan reads and hashes each file; the files the plan will parse keep their bytes, so
    reading them for the parse opens and hashes nothing again."""
    import hashlib

    from pipeline.ingest import parse as parse_module
    from pipeline.ingest.plan import plan, to_be_read
    from pipeline.sources import source as source_module

    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(f"Headline {i}\n\nTroops attacked the town of Velmora {i} on Friday.\n")
    (tmp_path / "big.txt").write_bytes(b"x" * 4096)
    counting = CountingSource(tmp_path, max_bytes=1024)
    hashed = []
    real_sha256 = hashlib.sha256

    contents = {p.read_bytes() for p in tmp_path.iterdir()}

    def counted_sha256(*args):
        if not args or args[0] in contents:  # a file's bytes (ids hash other text)
            hashed.append(1)
        return real_sha256(*args)

    monkeypatch.setattr(source_module.hashlib, "sha256", counted_sha256)
    monkeypatch.setattr(parse_module.hashlib, "sha256", counted_sha256)
    source = counting.source
    scanned = source.scan(keep=to_be_read({}))
    todo = plan(scanned, {}).to_process
    result = read_input(source, [f.rel for f in todo], run_id="r", now=NOW)
    assert counting.opened == {f"{i}.txt": 1 for i in range(5)} | {"big.txt": 1}
    assert len(hashed) == 6
    assert len(result.articles) == 5 and [r.reason for r in result.rejects] == [errors.TOO_LARGE]
    by_path = {f.source_path: f.content_sha256 for f in result.files}
    assert by_path == {f.source_path: f.content_sha256 for f in scanned}
    # Without the plan's word, nothing is held: a later read opens the file again.
    again = open_source(tmp_path, max_bytes=1024)
    again.scan()
    assert again._held == {}


def test_held_bytes_stay_within_their_budget(tmp_path, monkeypatch):
    from pipeline.sources import source as source_module

    monkeypatch.setattr(source_module, "HELD_BYTES", 100)
    for i in range(4):
        (tmp_path / f"{i}.txt").write_text("Headline\n\n" + "Troops advanced. " * 2 + "\n")  # 46 bytes
    counting = CountingSource(tmp_path)
    source = counting.source
    scanned = source.scan(keep=lambda f: True)
    assert len(source._held) == 2 and source._held_bytes <= 100
    result = read_input(source, [f.rel for f in scanned], run_id="r", now=NOW)
    assert len(result.articles) == 4 and source._held == {} and source._held_bytes == 0
    assert counting.opened == {"0.txt": 1, "1.txt": 1, "2.txt": 2, "3.txt": 2}  # read again past the budget


def test_a_folder_is_recorded_by_its_real_path_with_its_files_and_as_named_with_its_runs(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    link = tmp_path / "link"
    link.symlink_to(folder)
    source = open_source(str(link))
    assert source.root == os.path.realpath(folder) and source.where == str(link)
