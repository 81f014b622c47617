"""Freshness benchmark: python -m bench.freshness [--rates 1,10] [--seconds 120] — prints a table,
appends bench/freshness.csv.

Starts `frontline serve --watch` on an empty folder (its own temporary Prefect API), then drops
synthetic articles (bench.synth) into the folder at each steady rate for ``--seconds``, each written
under a hidden name and renamed into place, as a feed writer should. Meanwhile it asks the warehouse,
every ``--every`` seconds, through the code `frontline sql` runs (pipeline.query.run_sql on the
current snapshot), which files have their mentions visible and which are processed at all, and
samples the service process's CPU time and RSS. Reported per rate:

- latency from the rename to the file's mentions being visible: p50 / p95 / max (files that yield
  no mention are counted apart; the query period adds up to ``--every`` seconds to each figure);
- backlog: files appeared but not yet processed, at its largest, and over the last quarter of the
  drop against the first quarter (a backlog that keeps growing means the rate is not sustained);
  drain: seconds after the last drop until every file is processed;
- the service's CPU (share of one core) and peak RSS under load, and idle before and after.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil

from bench.synth import article

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "freshness.csv"
READY = "frontline watch: ready"


def _texts(prefix: str, n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        published, outlet, title, body = article(rng, i, 30, max(n, 1))
        out.append((f"{prefix}-{i:05d}.txt", f" date {published} {outlet} / world\n\n{title} [{prefix}]\n\n{body}\n"))
    return out


def _visible(warehouse: str, prefix: str) -> tuple[set[str], set[str]]:
    """(files with mentions, files processed) whose names start with ``prefix``, as `frontline sql` sees them."""
    from pipeline.warehousing.store import Warehouse
    from pipeline.query import run_sql

    wh = Warehouse(warehouse)
    try:
        mentioned = run_sql(wh, "select distinct source_path from event_mentions where starts_with(source_path, ?)",
                            [prefix])
        processed = run_sql(wh, "select source_path from files where starts_with(source_path, ?)", [prefix])
    except Exception:  # no snapshot yet
        return set(), set()
    return set(mentioned["source_path"].to_pylist()), set(processed["source_path"].to_pylist())


class Sampler:
    """CPU seconds and peak RSS of one process between marks."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak_rss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            try:
                self.peak_rss = max(self.peak_rss, self.proc.memory_info().rss / 2**20)
            except psutil.Error:
                return

    def cpu(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system

    def rss(self) -> float:
        return self.proc.memory_info().rss / 2**20

    def reset_peak(self) -> None:
        self.peak_rss = self.rss()

    def stop(self) -> None:
        self._stop.set()


def idle(sampler: Sampler, seconds: float) -> tuple[float, float]:
    """(CPU share of one core, RSS MB) over ``seconds`` of nothing arriving."""
    c0, t0 = sampler.cpu(), time.monotonic()
    time.sleep(seconds)
    return (sampler.cpu() - c0) / (time.monotonic() - t0), sampler.rss()


def drop(folder: Path, warehouse: str, sampler: Sampler, rate: float, seconds: float, every: float,
         seed: int, drain_limit: float) -> dict:
    prefix = f"r{rate:g}"
    files = _texts(prefix, int(rate * seconds), seed)
    appeared: dict[str, float] = {}
    seen: dict[str, float] = {}
    backlog: list[tuple[float, int]] = []

    def writer() -> None:
        start = time.monotonic()
        for k, (name, text) in enumerate(files):
            delay = start + k / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            tmp = folder / f".{name}.part"
            tmp.write_text(text, encoding="utf-8")
            os.rename(tmp, folder / name)
            appeared[name] = time.monotonic()

    sampler.reset_peak()
    c0, t0 = sampler.cpu(), time.monotonic()
    thread = threading.Thread(target=writer)
    thread.start()
    processed: set[str] = set()
    drop_end = None
    while True:
        time.sleep(every)
        now = time.monotonic()
        mentioned, processed = _visible(warehouse, prefix)
        for name in mentioned:
            seen.setdefault(name, now)
        backlog.append((now - t0, len(set(appeared) - processed)))
        if drop_end is None and not thread.is_alive():
            drop_end = now
            load_cpu = (sampler.cpu() - c0) / (now - t0)
        if drop_end is not None and (len(processed) >= len(files) or now - drop_end > drain_limit):
            break
    thread.join()
    drain = time.monotonic() - drop_end
    latencies = sorted(seen[n] - appeared[n] for n in seen if n in appeared)
    quarter = [b for t, b in backlog if t <= seconds / 4], [b for t, b in backlog if 3 * seconds / 4 <= t <= seconds]
    return {
        "rate": rate, "files": len(files), "with_mentions": len(latencies), "processed": len(processed),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
        "backlog_max": max((b for _, b in backlog), default=0),
        "backlog_first_q": statistics.mean(quarter[0]) if quarter[0] else 0.0,
        "backlog_last_q": statistics.mean(quarter[1]) if quarter[1] else 0.0,
        "drain_s": drain, "cpu_load": load_cpu, "rss_load_mb": sampler.peak_rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="1,10", help="articles per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long each rate is kept up")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between warehouse queries")
    parser.add_argument("--idle", type=float, default=15.0, help="seconds of idle measured before and after")
    parser.add_argument("--seed", type=int, default=7)
    opts = parser.parse_args()
    rates = [float(r) for r in opts.rates.split(",")]
    from bench.run import code_version

    commit = code_version()
    with tempfile.TemporaryDirectory(prefix="frontline-fresh-") as tmp:
        folder, warehouse = Path(tmp) / "in", str(Path(tmp) / "wh")
        folder.mkdir()
        env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
        env.pop("PREFECT_API_URL", None)
        log = open(Path(tmp) / "service.log", "w")
        started = time.monotonic()
        service = subprocess.Popen([str(ROOT / ".venv" / "bin" / "frontline"), "serve", "--watch", str(folder),
                                    "--warehouse", warehouse, "--api-url", "http://127.0.0.1:9/api"],
                                   stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=tmp,
                                   start_new_session=True)
        try:
            for line in service.stdout:
                if READY in line:
                    break
            else:
                raise SystemExit(f"the service stopped before it was ready; see {log.name}")
            ready_s = time.monotonic() - started
            sampler = Sampler(service.pid)
            idle_before = idle(sampler, opts.idle)
            results = [drop(folder, warehouse, sampler, r, opts.seconds, opts.every, opts.seed, 300.0) for r in rates]
            time.sleep(3)
            idle_after = idle(sampler, opts.idle)
            stop_at = time.monotonic()
            service.send_signal(signal.SIGTERM)
            code = service.wait(timeout=120)
            stop_s = time.monotonic() - stop_at
            sampler.stop()
        finally:
            if service.poll() is None:
                service.kill()
        parquet = sum(1 for _ in (Path(warehouse) / "tables").rglob("*.parquet"))
    print(f"frontline serve --watch: ready in {ready_s:.1f} s (model, Prefect API, catch-up run); "
          f"{opts.seconds:g} s at each rate; warehouse queried every {opts.every:g} s\n")
    print(f"{'rate/s':>6} {'files':>6} {'w/ment.':>7} {'p50 s':>6} {'p95 s':>6} {'max s':>6} {'backlog max':>11} "
          f"{'1st/last quarter':>16} {'drain s':>7} {'CPU (1 core)':>12} {'RSS MB':>7}")
    for r in results:
        print(f"{r['rate']:>6g} {r['files']:>6} {r['with_mentions']:>7} {r['p50']:>6.2f} {r['p95']:>6.2f} "
              f"{r['max']:>6.2f} {r['backlog_max']:>11} {r['backlog_first_q']:>7.1f}/{r['backlog_last_q']:<8.1f} "
              f"{r['drain_s']:>7.1f} {r['cpu_load']:>11.0%} {r['rss_load_mb']:>7.0f}")
    print(f"\nidle before: CPU {idle_before[0]:.1%} of one core, RSS {idle_before[1]:.0f} MB; idle after: CPU "
          f"{idle_after[0]:.1%}, RSS {idle_after[1]:.0f} MB; SIGTERM -> exit code {code} in {stop_s:.1f} s; "
          f"{parquet} Parquet files in the warehouse at the end")
    new = not RESULTS.exists()
    with RESULTS.open("a", newline="") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(["when", "commit", "rate", "seconds", "files", "with_mentions", "p50_s", "p95_s", "max_s",
                        "backlog_max", "backlog_first_q", "backlog_last_q", "drain_s", "cpu_load", "rss_load_mb",
                        "cpu_idle_before", "cpu_idle_after", "rss_idle_mb", "exit_code", "parquet_files"])
        for r in results:
            w.writerow([datetime.now(timezone.utc).isoformat(timespec="seconds"), commit, r["rate"], opts.seconds,
                        r["files"], r["with_mentions"], round(r["p50"], 2), round(r["p95"], 2), round(r["max"], 2),
                        r["backlog_max"], round(r["backlog_first_q"], 1), round(r["backlog_last_q"], 1),
                        round(r["drain_s"], 1), round(r["cpu_load"], 3), round(r["rss_load_mb"]),
                        round(idle_before[0], 4), round(idle_after[0], 4), round(idle_after[1]), code, parquet])
    sys.exit(0 if code == 0 else 1)


if __name__ == "__main__":
    main()
