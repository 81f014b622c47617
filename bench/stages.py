"""One benchmark stage per process, so each reports its own time and peak memory as JSON."""

from __future__ import annotations

import json
import resource
import sys
import time
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


def etl(folder: str, warehouse: str, workers: str = "1") -> dict:
    """The whole flow, as `frontline run` runs it; the flow's own duration comes from its runs row."""
    from flows.etl import etl as flow
    from flows.etl import task_runner
    from pipeline.load import Warehouse
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


if __name__ == "__main__":
    from pipeline.settings import configure_prefect, tune_allocators

    tune_allocators()  # as flows/ does, so the floor runs under the same allocator settings
    configure_prefect()
    stage, *args = sys.argv[1:]
    result = {"floor": floor, "etl": etl}[stage](*args)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))
