"""Start-up benchmark: python -m bench.startup [--repeat 3] [--code DIR] [--options]

Wall times of the commands an analyst waits for, each in a fresh process, on a copy of seeds/ with a
warm environment (one run first, so the Prefect database and the warehouse exist):

- ``mistyped``: `frontline run` on an input folder that does not exist;
- ``no-change``: `frontline run` over input that is all unchanged.

``--code DIR`` runs the `frontline` of another checkout (e.g. a worktree of an older commit) with
this environment, for before/after figures. ``--options`` also times the ways a run that has work
can get its Prefect API, from interpreter start to "API answers and the flow module is imported":
Prefect's own temporary server started after the imports (what `frontline run` did before),
frontline's started before them, and a running `frontline server`. Prints the median and every run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

AFTER_IMPORTS = """
import time; t = time.monotonic()
from pipeline.settings import prepare_process; prepare_process()
import flows.etl
from prefect.server.api.server import SubprocessASGIServer
server = SubprocessASGIServer(); server.start()
print(f"READY {time.monotonic() - t:.2f}"); server.stop()
"""
BEFORE_IMPORTS = """
import os, time; t = time.monotonic()
from pipeline.prefect_api import TemporaryApi
from pipeline.settings import prepare_process
prepare_process(); api = TemporaryApi(); os.environ["PREFECT_API_URL"] = api.api_url
import flows.etl
api.wait(120)
print(f"READY {time.monotonic() - t:.2f}")
"""
RUNNING_SERVER = """
import os, time; t = time.monotonic()
from pipeline.prefect_api import recorded_server
from pipeline.settings import state_dir
os.environ["PREFECT_API_URL"] = recorded_server(state_dir())
from pipeline.settings import prepare_process; prepare_process()
import flows.etl
print(f"READY {time.monotonic() - t:.2f}")
"""


def wall(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.monotonic()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    return time.monotonic() - start, proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def show(name: str, times: list[float]) -> None:
    print(f"{name:<44} median {statistics.median(times):6.2f} s   runs: {', '.join(f'{t:.2f}' for t in times)}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose frontline is timed")
    parser.add_argument("--options", action="store_true", help="also time the ways of getting a Prefect API")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="frontline-startup-"))
    try:
        src, wh, state = work / "in", work / "wh", work / "state"
        shutil.copytree(ROOT / "seeds", src)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env |= {"FRONTLINE_STATE_DIR": str(state), "PYTHONPATH": str(args.code)}
        frontline = [sys.executable, "-m", "pipeline.cli"]  # run from --code: that checkout's modules
        took, proc = wall(frontline + ["run", str(src), "--warehouse", str(wh), "--no-show"], env, args.code)
        assert proc.returncode == 0, proc.stderr[-2000:]
        print(f"code {args.code}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; warm-up run {took:.1f} s")

        times = []
        for _ in range(args.repeat):
            took, proc = wall(frontline + ["run", str(work / "seedz"), "--warehouse", str(wh)], env, args.code)
            assert proc.returncode == 1 and "does not exist" in proc.stdout + proc.stderr, proc.stderr[-2000:]
            times.append(took)
        show("frontline run, mistyped input folder", times)
        times = []
        for _ in range(args.repeat):
            took, proc = wall(frontline + ["run", str(src), "--warehouse", str(wh), "--no-show"], env, args.code)
            assert proc.returncode == 0 and "nothing to do" in proc.stdout, proc.stderr[-2000:]
            times.append(took)
        show("frontline run, nothing to do", times)
        if not args.options:
            return
        for name, script in (("API: Prefect's temporary server after imports", AFTER_IMPORTS),
                             ("API: temporary server before imports", BEFORE_IMPORTS)):
            times = []
            for _ in range(args.repeat):
                _, proc = wall([sys.executable, "-c", script], env, args.code)
                assert proc.returncode == 0, proc.stderr[-2000:]
                times.append(float(proc.stdout.split("READY ")[1]))
            show(name, times)
        port = free_port()
        server = subprocess.Popen(frontline + ["server", "--port", str(port)], env=env, cwd=args.code,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 300
            probe = [sys.executable, "-c", f"from pipeline.prefect_api import api_answers as a; "
                                           f"exit(0 if a('http://127.0.0.1:{port}/api') else 1)"]
            while subprocess.run(probe, env=env, cwd=args.code).returncode != 0:
                assert server.poll() is None and time.monotonic() < deadline, "frontline server did not start"
                time.sleep(1)
            times = []
            for _ in range(args.repeat):
                _, proc = wall([sys.executable, "-c", RUNNING_SERVER], env, args.code)
                assert proc.returncode == 0, proc.stderr[-2000:]
                times.append(float(proc.stdout.split("READY ")[1]))
            show("API: a running frontline server", times)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=60)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
