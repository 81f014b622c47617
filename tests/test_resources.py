"""Big, many and deep inputs stay within bounded memory and time (measured, not timed: no speed asserts)."""

import os
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

from pipeline.ingest.parse import parse_document
from pipeline.ingest.read import read_input
from pipeline.sources import open_source

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
MB = 1024 * 1024


def test_a_50_mb_single_line_file_is_rejected_unread_by_default(tmp_path):
    big = tmp_path / "one_line.txt"
    with big.open("wb") as fh:
        for _ in range(50):
            fh.write(b"x" * MB)
    tracemalloc.start()
    source = open_source(tmp_path)
    [scanned] = source.scan([big.name], keep=lambda f: True)  # hashing streams the file, and holds nothing of it
    result = read_input(source, [big.name], run_id="r", now=NOW)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert scanned.size_bytes == 50 * MB and scanned.content_sha256
    assert [r.reason for r in result.rejects] == ["too_large"]
    assert peak < 5 * MB


def test_a_body_longer_than_the_nlp_limit_is_rejected_not_crashed(tmp_path):
    text = " date 2025-03-15 Wire / world\n\nHeadline\n\n" + ("Troops advanced. " * 70_000)
    result = parse_document(text.encode(), "long.txt", run_id="r", now=NOW)
    assert result.articles == []
    assert result.rejects[0].reason == "too_large" and "character" in result.rejects[0].detail


def test_a_hundred_thousand_files_and_a_deep_tree(tmp_path):
    flat = tmp_path / "flat"
    flat.mkdir()
    for i in range(100_000):
        (flat / f"{i:06d}.txt").touch()
    deep = tmp_path / "deep"
    path = deep
    for i in range(200):
        path = path / f"d{i}"
    path.mkdir(parents=True)
    (path / "article.txt").write_text("Headline\n\nTroops attacked the town.\n")

    tracemalloc.start()
    source = open_source(flat)
    scanned = source.scan()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rejects = len(read_input(source, [f.rel for f in scanned[:20_000]], run_id="r", now=NOW).rejects)
    assert len(scanned) == 100_000 and rejects == 20_000
    assert peak < 30 * MB  # what the run keeps per file (about 250 bytes), not a listing beside it

    [found] = open_source(deep).names()
    assert deep / found == path / "article.txt"
    assert len(found.split("/")) == 201
    [article] = read_input(open_source(deep), [found], run_id="r", now=NOW).articles
    assert article.source_path.count("/") == 200


def test_extraction_does_not_keep_the_words_of_every_article_it_has_read(nlp, monkeypatch):
    """Real news brings new words (names, numbers) all the time; a long-running worker must not keep
    them once its first texts have warmed the tokenizer's cache."""
    from pipeline.extract import extract_mentions

    monkeypatch.setattr("pipeline.extract.WARM_UP_TEXTS", 50)

    def batch(start):
        bodies = [f"Forces of the Zorvakian {i}th brigade attacked Qelmirovo-{i} on Friday, killing {i * 7} people."
                  for i in range(start, start + 50)]
        return [parse_document(f" date 2025-03-15 Wire / world\n\nHeadline\n\n{b}\n".encode(), f"{i}.txt",
                                      run_id="r", now=NOW).articles[0] for i, b in enumerate(bodies)]

    first = extract_mentions(batch(0), run_id="r")
    strings = len(nlp.vocab.strings)
    second = extract_mentions(batch(1000), run_id="r")
    assert len(nlp.vocab.strings) == strings
    assert [m.event_type for m in second] == [m.event_type for m in first] and "OFFENSIVE" in {
        m.event_type for m in first}
    assert "Qelmirovo-1007" in second[7].sentence


def test_the_flow_entry_point_makes_arrow_allocate_through_glibc_unless_told_otherwise():
    """Arrow's bundled allocator held on to what each commit's tables used (BENCHMARKS.md). The
    process entry points (the CLI's flow commands, the Dask worker set-up) call ``prepare_process``."""
    import subprocess
    import sys

    probe = ("from pipeline.settings import prepare_process; prepare_process(); import flows.etl, pyarrow as pa; "
             "print(pa.default_memory_pool().backend_name)")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    default = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    chosen = subprocess.run([sys.executable, "-c", probe], env=env | {"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"},
                            capture_output=True, text=True, check=True)
    assert (default.stdout.strip(), chosen.stdout.strip()) == ("system", "mimalloc")


def test_importing_the_flows_changes_nothing_in_the_process():
    """No import-time side effects: the allocator and the environment are as they were."""
    import subprocess
    import sys

    probe = ("import os, pyarrow as pa; before = (pa.default_memory_pool().backend_name, dict(os.environ)); "
             "import flows.etl, flows.watch, flows.worker_setup, pipeline.cli; "
             "print(before == (pa.default_memory_pool().backend_name, dict(os.environ)))")
    env = {k: v for k, v in os.environ.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "PREFECT_HOME")}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_a_body_without_punctuation_is_kept_to_bounded_sentences():
    """A 990 KB body with no sentence end made one 990 KB sentence, and every mention carried it."""
    from pipeline.ingest.ids import article_id
    from pipeline.ingest.parse import MAX_SENTENCE_CHARS

    words = ("troops attacked the town army shelled village near border forces advanced " * 20_000)[:300_000]
    text = " date 2025-03-15 Wire / world\n\nHeadline\n\n" + words + "\n"
    [article] = parse_document(text.encode(), "long.txt", run_id="r", now=NOW).articles
    lines = article.body.split("\n")
    assert len(lines) > 150 and max(map(len, lines)) <= MAX_SENTENCE_CHARS
    assert article.body.replace("\n", " ") == words.strip()  # spaces became line breaks, nothing else
    assert article.article_id == article_id("Headline", words)
    # A run with no space to break it at cannot be bounded: the article is rejected, not read whole.
    [reject] = parse_document(("x" * 5_000).encode(), "blob.txt", run_id="r", now=NOW).rejects
    assert reject.reason == "too_large" and "no space" in reject.detail


def test_a_long_body_is_extracted_in_pieces_with_offsets_into_the_whole_body():
    from pipeline.extract import extract_mentions, mention_id
    from pipeline.extract_bounded import extract_mentions_bounded
    from pipeline.records import Article

    dev = Path(__file__).parent / "data" / "dev" / "articles"
    names = sorted(p.name for p in dev.glob("0[0-3]*.txt"))
    bodies = [a.body for a in read_input(open_source(dev), names, run_id="r", now=NOW).articles]
    body = "\n\n".join(bodies)
    article = Article("a" * 32, "long.txt", None, "text", None, None, None, None, None, body, (), NOW, "r")
    given: list[int] = []

    def recording(articles, *, run_id):
        given.append(sum(len(a.body) for a in articles))
        return extract_mentions(articles, run_id=run_id)

    mentions = extract_mentions_bounded([article], run_id="r", piece_chars=4_000, extract=recording)
    assert len(given) > len(body) // 4_000 and max(given) <= 4_000
    assert len(mentions) > 50
    for m in mentions:
        assert body[m.trigger_start:m.trigger_end] == m.trigger
        assert body[m.sentence_start:m.sentence_end] == m.sentence
        assert m.mention_id == mention_id(article.article_id, m.event_type, m.trigger_start, m.trigger_end)
    assert len({m.mention_id for m in mentions}) == len(mentions)
    ids = {m.mention_id for m in mentions}  # references point at mentions of the whole body
    assert any(m.antecedent_id for m in mentions) and all(m.antecedent_id in ids for m in mentions if m.antecedent_id)
    # Whole articles are grouped up to a character budget per call.
    given.clear()
    short = [Article(f"{i:032d}", f"{i}.txt", None, "text", None, None, None, None, None, b, (), NOW, "r")
             for i, b in enumerate(bodies)]
    extract_mentions_bounded(short, run_id="r", group_chars=10_000, extract=recording)
    assert max(given) <= max(10_000, max(map(len, bodies))) and len(given) > 1
