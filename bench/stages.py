"""One benchmark stage per process, so each reports its own time and peak memory as JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import datetime, timezone
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB


def floor(folder: str) -> dict:
    """Bare nlp.pipe over the article bodies with the same pipeline: the cost of the NLP alone."""
    from bench.synth import texts
    from pipeline.nlp.build import load_nlp

    bodies = texts(Path(folder))
    nlp = load_nlp()
    nlp("warm up")
    start = time.perf_counter()
    for _ in nlp.pipe(bodies, batch_size=64):
        pass
    return {"seconds": time.perf_counter() - start, "articles": len(bodies)}


def selective(folder: str) -> dict:
    """As `floor`, with the model run only on the sentences that can hold an event (pipeline.nlp.selective)."""
    from bench.synth import texts
    from pipeline.nlp.build import load_nlp
    from pipeline.nlp.selective import annotated

    bodies = texts(Path(folder))
    nlp = load_nlp()
    nlp("warm up")
    start = time.perf_counter()
    for _ in annotated(nlp, bodies, batch_size=64):
        pass
    return {"seconds": time.perf_counter() - start, "articles": len(bodies)}


def etl(folder: str, warehouse: str, workers: str = "1") -> dict:
    """The whole flow, as `frontline run` runs it; the flow's own duration comes from its runs row."""
    from flows.etl import etl as flow
    from flows.runners import task_runner
    from pipeline.warehousing.store import Warehouse
    from pipeline.query import run_sql

    runner = task_runner(int(workers))
    if runner is not None:
        flow = flow.with_options(task_runner=runner)
    start = time.perf_counter()
    summary = flow(input_dir=folder, warehouse=warehouse)
    wall = time.perf_counter() - start
    row = run_sql(Warehouse(warehouse), "select epoch(finished_at) - epoch(started_at) s from runs "
                                        "where run_id = ?", [summary["run_id"]]).to_pylist()[0]
    return {"seconds": row["s"], "wall_seconds": wall, "articles": summary["articles_read"],
            "files_unchanged": summary["files_unchanged"]}


def templates(folder: str, out: str, count: str = "500") -> dict:
    """Real mentions of the first ``count`` articles, saved for `etl_replay` to repeat."""
    import itertools

    import pyarrow.parquet as pq

    from pipeline.extract import extract_mentions
    from pipeline.ingest.read import read_input
    from pipeline.records import Mention, to_arrow
    from pipeline.sources import open_source

    source = open_source(Path(folder))
    names = list(itertools.islice(source.names(), int(count)))
    read = read_input(source, names, run_id="templates", now=datetime.now(timezone.utc))
    mentions = extract_mentions(read.articles, run_id="templates")
    pq.write_table(to_arrow(mentions, Mention), out)
    return {"articles": len(read.articles), "mentions": len(mentions), "seconds": 0.0}


def _index(source_path: str) -> int:
    """A synthetic article's number, from its file name (bench.synth writes NNNNNN.txt)."""
    import re

    return int(re.search(r"(\d+)\.txt$", source_path).group(1))


def etl_replay(folder: str, warehouse: str, saved: str, count: str = "500") -> dict:
    """Stage b with extraction replayed: article i gets the saved mentions of article i mod
    ``count`` (the number `templates` read), its dates moved by the difference in publication
    date. Without the model in the process, what is left is the flow's own memory, measured at
    100,000 articles in minutes."""
    import dataclasses

    import pyarrow.parquet as pq

    import flows.tasks
    from pipeline.extract import mention_id
    from pipeline.records import Mention, from_arrow

    by_article: dict[int, list[Mention]] = {}
    for m in from_arrow(pq.read_table(saved), Mention):
        by_article.setdefault(_index(m.source_path), []).append(m)

    def replay(articles, *, run_id: str) -> list[Mention]:
        out = []
        for a in articles:
            for m in by_article.get(_index(a.source_path) % int(count), []):
                shift = a.published_date - m.published_date if a.published_date and m.published_date else None
                move = lambda d: d + shift if d is not None and shift is not None else d
                out.append(dataclasses.replace(
                    m, article_id=a.article_id, source_path=a.source_path, published_date=a.published_date,
                    event_date=move(m.event_date), event_date_end=move(m.event_date_end), run_id=run_id,
                    mention_id=mention_id(a.article_id, m.event_type, m.trigger_start, m.trigger_end)))
        return out

    flows.tasks.extract_mentions = replay
    return etl(folder, warehouse)


if __name__ == "__main__":
    from pipeline.settings import prepare_process

    prepare_process()  # as the CLI does, so the floor runs under the same allocator settings
    stage, *args = sys.argv[1:]
    result = {"floor": floor, "selective": selective, "etl": etl, "templates": templates, "etl-replay": etl_replay}[stage](*args)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))
