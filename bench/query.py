"""Query benchmark: python -m bench.query [-n 1000000] — DuckDB over a Parquet warehouse of synthetic
event_mentions, loaded in many small batches (as scheduled runs do), before and after compaction."""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from pipeline.warehousing.store import Warehouse
from pipeline.query import run_sql
from schemas import table_schema

QUERIES = {
    "counts by type and month": """select event_type, strftime(event_date, '%Y-%m') as month, count(*) as n
        from event_mentions group by all order by all""",
    "an actor's timeline": """select event_date, event_type, count(*) as n from event_mentions
        where agent_id = 'RUS' or target_id = 'RUS' group by all order by all""",
    "events within 50 km of Pokrovsk": """select count(*) as n from event_mentions
        where latitude between 47.8 and 48.8 and longitude between 36.5 and 37.9
          and 6371 * 2 * asin(sqrt(pow(sin(radians(latitude - 48.28) / 2), 2) + cos(radians(48.28))
              * cos(radians(latitude)) * pow(sin(radians(longitude - 37.18) / 2), 2))) <= 50""",
}
ACTORS = ["RUS", "UKR", "ISR", "HAMAS", "SDN_RSF", "SDN_SAF", "M23", "USA", None]
TYPES = ["OFFENSIVE", "TALKS", "CEASEFIRE_PROPOSAL", "SURRENDER_DEMAND"]


def synthetic_mentions(n: int, offset: int, rng: np.random.Generator) -> pa.Table:
    schema = table_schema("event_mentions").arrow_schema(with_partition=False)
    days = rng.integers(0, 730, n)
    published = [date(2024, 1, 1) + timedelta(days=int(d)) for d in days]
    ids = [f"{offset + i:032x}" for i in range(n)]
    columns = {f.name: pa.nulls(n, f.type) for f in schema}
    columns |= {
        "mention_id": pa.array(ids), "event_id": pa.array([f"ev_{offset + i:024x}" for i in range(n)]),
        "article_id": pa.array([f"{(offset + i) // 4:032x}" for i in range(n)]),
        "source_path": pa.array([f"batch/{(offset + i) // 4:08d}.txt" for i in range(n)]),
        "published_date": pa.array(published, pa.date32()), "event_date": pa.array(published, pa.date32()),
        "event_type": pa.array(rng.choice(TYPES, n)), "trigger": pa.array(["attacked"] * n),
        "trigger_start": pa.array(np.zeros(n, np.int32)), "trigger_end": pa.array(np.full(n, 8, np.int32)),
        "modality": pa.array(rng.choice(["asserted", "claimed", "proposed", "denied", "hypothetical"], n)),
        "agent_id": pa.array(rng.choice(np.array(ACTORS, dtype=object), n), pa.string()),
        "target_id": pa.array(rng.choice(np.array(ACTORS, dtype=object), n), pa.string()),
        "latitude": pa.array(rng.uniform(44, 53, n)), "longitude": pa.array(rng.uniform(30, 40, n)),
        "date_precision": pa.array(["day"] * n), "sentence": pa.array(["Russian forces attacked the town."] * n),
        "sentence_start": pa.array(np.zeros(n, np.int32)), "sentence_end": pa.array(np.full(n, 33, np.int32)),
        "confidence": pa.array(rng.uniform(0.3, 0.95, n)), "extractor": pa.array(["bench"] * n),
        "run_id": pa.array([f"r{offset // 50000}"] * n),
    }
    return pa.table([columns[f.name] for f in schema], schema=schema)


def timed(wh: Warehouse) -> dict[str, float]:
    out = {}
    for name, sql in QUERIES.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            run_sql(wh, sql)
            best = min(best, time.perf_counter() - start)
        out[name] = best
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000, help="rows per load (one scheduled run)")
    opts = parser.parse_args()
    rng = np.random.default_rng(42)
    with tempfile.TemporaryDirectory(prefix="frontline-qbench-") as tmp:
        wh = Warehouse(Path(tmp) / "wh")
        start = time.perf_counter()
        for offset in range(0, opts.n, opts.batch):
            wh.commit({"event_mentions": synthetic_mentions(min(opts.batch, opts.n - offset), offset, rng)})
        load_s = time.perf_counter() - start
        files_before = len(wh.manifest().files("event_mentions"))
        before = timed(wh)
        start = time.perf_counter()
        wh.compact()
        compact_s = time.perf_counter() - start
        files_after = len(wh.manifest().files("event_mentions"))
        after = timed(wh)
        size = sum(p.stat().st_size for p in (wh.root / "tables").rglob("*.parquet")
                   if p.relative_to(wh.root).as_posix() in set(wh.manifest().files("event_mentions")))
    print(f"{opts.n} event_mentions loaded in {opts.n // opts.batch} batches in {load_s:.1f} s; "
          f"compaction {compact_s:.1f} s; {size / 1e6:.0f} MB of Parquet\n")
    print(f"{'query':<34} {f'{files_before} files':>12} {f'{files_after} files':>12}")
    for name in QUERIES:
        print(f"{name:<34} {before[name] * 1000:>10.0f}ms {after[name] * 1000:>10.0f}ms")


if __name__ == "__main__":
    main()
