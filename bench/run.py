"""Throughput benchmark: python -m bench.run [-n 5000] — prints a table, appends bench/results.csv.

Stages, measured in one run on the same synthetic articles (fixed seed):
  a  floor      bare nlp.pipe over the bodies, same pipeline
  s  selective  the same Docs, with the model run only where an event can be (pipeline.nlp.selective)
  b  etl        the full flow: scan, ingest, extract, cluster, load
  d  no-change  the same flow again over unchanged input
  c  etl, all cores  the full flow with extraction on a local Dask cluster, one worker per core
  b0 etl, selective off  stage b with FRONTLINE_SELECTIVE=0 (the model on every sentence)
--set longform runs them on real-length articles (bench/longform/, 600-900 words each) instead of
the synthetic ones; --no-cores leaves out stage c.
Ratios, not seconds, are what to compare across machines.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bench.longform import write_longform
from bench.synth import write_articles

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.csv"
SELECTIVE_RESULTS = ROOT / "bench" / "selective.csv"
REPLAYED = 500  # articles whose real mentions a --replay run repeats


def stage(*args: str, selective: bool = True, cwd: Path = ROOT) -> dict:
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", "FRONTLINE_SELECTIVE": "1" if selective else "0"}
    out = subprocess.run([sys.executable, "-m", "bench.stages", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def code_version() -> str:
    """The commit the stages run, read before they start (a long run may outlast later commits),
    marked when the code differs from it (results files and notes do not count)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/*.csv", ":!*.md")
    return commit + ("+changes" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5000, help="number of articles (up to 100,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory", action="store_true",
                        help="run only stage b and print its peak RSS (for comparing N; appends bench/memory.csv)")
    parser.add_argument("--replay", action="store_true",
                        help="with --memory: replay the real mentions of the first 500 articles instead of running "
                             "the model, so the flow's own memory is measured (100,000 articles in minutes)")
    parser.add_argument("--set", choices=["synthetic", "longform"], default="synthetic",
                        help="which articles: synthetic (bench.synth) or real-length (bench/longform/)")
    parser.add_argument("--no-cores", action="store_true", help="leave out stage c (Dask, all cores)")
    parser.add_argument("--floor-from", type=Path, metavar="CHECKOUT",
                        help="also run stage a with the code of another checkout (e.g. `git archive <commit> | tar -x "
                             "-C /tmp/base`), as a0: the floor before a change, on the same articles")
    opts = parser.parse_args()
    commit = code_version()
    if opts.memory:
        return memory(opts.n, opts.seed, commit, replay=opts.replay)
    with tempfile.TemporaryDirectory(prefix="frontline-bench-") as tmp:
        folder, warehouse = Path(tmp) / "articles", Path(tmp) / "warehouse"
        words = (write_longform(folder, opts.n) if opts.set == "longform"
                 else write_articles(folder, opts.n, opts.seed))
        a0 = stage("floor", str(folder), cwd=opts.floor_from) if opts.floor_from else None
        a = stage("floor", str(folder))
        s = stage("selective", str(folder))
        b = stage("etl", str(folder), str(warehouse))
        d = stage("etl", str(folder), str(warehouse))
        b0 = stage("etl", str(folder), str(Path(tmp) / "warehouse-off"), selective=False)
        c = None if opts.no_cores else stage("etl", str(folder), str(Path(tmp) / "warehouse-cores"),
                                             str(os.cpu_count() or 2))
        parquet = sum(p.stat().st_size for p in (warehouse / "tables").rglob("*.parquet"))
    rate = lambda s: (opts.n / s["seconds"], words / s["seconds"])
    rows = [("a0 floor, --floor-from", a0), ("a floor (nlp.pipe)", a), ("s selective NLP", s), ("b etl, 1 process", b),
            ("b0 etl, selective off", b0), (f"c etl, {os.cpu_count()} workers", c), ("d no-change re-run", d)]
    label = "synthetic, seed " + str(opts.seed) if opts.set == "synthetic" else "longform"
    print(f"{opts.n} articles, {words} words, {label}\n")
    print(f"{'stage':<22} {'seconds':>9} {'articles/s':>11} {'words/s':>10} {'peak RSS MB':>12}")
    for name, st in rows:
        if st is None:
            continue
        ar, wr = rate(st)
        print(f"{name:<22} {st['seconds']:>9.1f} {ar:>11.1f} {wr:>10.0f} {st['peak_rss_mb']:>12.0f}")
    ratio = lambda x, y: rate(x)[0] / rate(y)[0]
    b_over_a, s_over_a, b0_over_a = ratio(b, a), ratio(s, a), ratio(b0, a)
    c_over_b = ratio(c, b) if c else float("nan")
    d_over_b = d["seconds"] / b["seconds"]
    print(f"\ns/a throughput {s_over_a:.2f}   b/a throughput {b_over_a:.2f}   b0/a throughput {b0_over_a:.2f}   "
          f"b/b0 {ratio(b, b0):.2f}   c/b throughput {c_over_b:.2f}   d/b time {d_over_b:.3f}   "
          f"Parquet bytes/article {parquet / opts.n:.0f}")
    if a0:
        print(f"against a0: a {ratio(a, a0):.2f}   s {ratio(s, a0):.2f}   b {ratio(b, a0):.2f}   b0 {ratio(b0, a0):.2f}")
    new = not SELECTIVE_RESULTS.exists()
    with SELECTIVE_RESULTS.open("a", newline="") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(["when", "commit", "set", "articles", "words", "floor_s", "selective_s", "etl_s", "etl_off_s",
                        "s_over_a", "b_over_a", "b0_over_a", "d_over_b", "floor_from_s"])
        w.writerow([datetime.now(timezone.utc).isoformat(timespec="seconds"), commit, opts.set, opts.n, words,
                    round(a["seconds"], 2), round(s["seconds"], 2), round(b["seconds"], 2), round(b0["seconds"], 2),
                    round(s_over_a, 3), round(b_over_a, 3), round(b0_over_a, 3), round(d_over_b, 4),
                    round(a0["seconds"], 2) if a0 else ""])
    if c is None or opts.set != "synthetic":
        return
    new = not RESULTS.exists()
    with RESULTS.open("a", newline="") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(["when", "commit", "articles", "words", "floor_s", "etl_s", "cores_s", "nochange_s",
                        "b_over_a", "c_over_b", "d_over_b", "peak_rss_mb_etl", "parquet_bytes_per_article"])
        w.writerow([datetime.now(timezone.utc).isoformat(timespec="seconds"), commit, opts.n, words,
                    round(a["seconds"], 2), round(b["seconds"], 2), round(c["seconds"], 2), round(d["seconds"], 2),
                    round(b_over_a, 3), round(c_over_b, 3), round(d_over_b, 4), round(b["peak_rss_mb"]),
                    round(parquet / opts.n)])


def memory(n: int, seed: int, commit: str, replay: bool = False) -> None:
    """Peak RSS of the one-process flow over N articles: flat in N means bounded batches."""
    with tempfile.TemporaryDirectory(prefix="frontline-bench-") as tmp:
        folder, warehouse = Path(tmp) / "articles", str(Path(tmp) / "warehouse")
        saved = str(Path(tmp) / "saved.parquet")
        words = write_articles(folder, n, seed)
        if replay:
            stage("templates", str(folder), saved, str(REPLAYED))
            b = stage("etl-replay", str(folder), warehouse, saved, str(REPLAYED))
        else:
            b = stage("etl", str(folder), warehouse)
    extraction = f"replayed from {REPLAYED}" if replay else "model"
    print(f"{n} articles, {words} words, extraction {extraction}: etl {b['seconds']:.1f} s, "
          f"{n / b['seconds']:.1f} articles/s, peak RSS {b['peak_rss_mb']:.0f} MB")
    path = ROOT / "bench" / "memory.csv"
    new = not path.exists()
    with path.open("a", newline="") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(["when", "commit", "articles", "etl_s", "peak_rss_mb_etl", "extraction"])
        w.writerow([datetime.now(timezone.utc).isoformat(timespec="seconds"), commit, n, round(b["seconds"], 1),
                    round(b["peak_rss_mb"]), "replayed" if replay else "model"])


if __name__ == "__main__":
    main()
