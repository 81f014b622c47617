"""Peak memory of `frontline run` on two inputs within the default caps that once took gigabytes:
python -m bench.pathological [feed|body ...]

  feed  one 5 MB JSON Lines file of 148,721 tiny records (was 2.0 GB, one commit)
  body  one article whose 990 KB body has no punctuation (was 3.2 GB)

Each runs `frontline run` in a fresh process on a fresh warehouse and prints its peak resident
memory (the child's ru_maxrss, as `/usr/bin/time -v` reports it as "Maximum resident set size")
and the number of commits. A measurement, not a test: the suite asserts the mechanisms (commits
inside a file, bounded sentences and pieces), not a number of megabytes that depends on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEED_RECORDS = 148_721
BODY_CHARS = 990_000
WORDS = ["troops", "attacked", "the", "town", "army", "shelled", "village", "near", "border", "forces",
         "advanced", "talks", "envoy", "ceasefire", "Kyiv", "Moscow", "said"]


def write_feed(folder: Path) -> None:
    """Tiny distinct records, 5,242,846 bytes: just under the 5 MiB --max-bytes default."""
    with (folder / "feed.jsonl").open("w") as fh:
        for i in range(FEED_RECORDS):
            fh.write(json.dumps({"text": f"Army shelled town {i}"}, separators=(",", ":")) + "\n")


def write_body(folder: Path) -> None:
    rng = random.Random(1)
    words, n = [], 0
    while n < BODY_CHARS:
        words.append(rng.choice(WORDS))
        n += len(words[-1]) + 1
    body = " ".join(words)[:BODY_CHARS]
    (folder / "long.txt").write_text(" date 2025-03-15 Wire / world\n\nHeadline\n\n" + body + "\n")


def measure(name: str, write) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"frontline-{name}-") as tmp:
        src, wh = Path(tmp) / "in", Path(tmp) / "wh"
        src.mkdir()
        write(src)
        env = {**os.environ, "FRONTLINE_STATE_DIR": str(Path(tmp) / "state"), "PREFECT_LOGGING_LEVEL": "WARNING"}
        env.pop("PREFECT_API_URL", None)
        started = time.monotonic()
        subprocess.run([str(Path(sys.executable).parent / "frontline"), "run", str(src), "--warehouse", str(wh),
                        "--no-show"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # this process's only child: the run
        commits = json.loads((wh / "_manifest.json").read_text())["snapshot"]
        return {"input": name, "bytes": sum(p.stat().st_size for p in src.iterdir()),
                "peak_rss_mb": round(peak / 1024), "commits": commits, "seconds": round(time.monotonic() - started)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", metavar="feed|body", help="what to measure (default: both)")
    inputs = parser.parse_args().inputs or ["feed", "body"]
    if not set(inputs) <= {"feed", "body"}:
        parser.error(f"unknown input {sorted(set(inputs) - {'feed', 'body'})}; choose feed or body")
    if len(inputs) > 1:  # one process per measurement: ru_maxrss of children is a maximum over all of them
        for name in inputs:
            subprocess.run([sys.executable, "-m", "bench.pathological", name], cwd=ROOT, check=True)
        return
    print(json.dumps(measure(inputs[0], {"feed": write_feed, "body": write_body}[inputs[0]])), flush=True)


if __name__ == "__main__":
    main()
