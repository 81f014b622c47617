"""Which Prefect API a run talks to: the configured one, a running `frontline server`, or a temporary one.

`frontline server` records its API URL in the state folder (``server.json``); a run that finds it
answering uses it without configuration. Otherwise the run starts Prefect's temporary API server
itself, the way Prefect does (the same uvicorn command and environment), but at once, before the
flow's own modules are imported: the server's start-up (mostly imports and opening its database)
then runs beside the run's imports instead of after them (BENCHMARKS.md). Nothing here imports
Prefect.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

SERVER_RECORD = "server.json"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def api_answers(api_url: str, timeout: float = 1.0) -> bool:
    """True when a Prefect API answers its health check at ``api_url``."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def configured_api(env: dict[str, str]) -> str | None:
    """The Prefect API the user configured: PREFECT_API_URL in the environment or in the active
    Prefect profile (read as Prefect reads it: PREFECT_PROFILES_PATH, else PREFECT_HOME/profiles.toml;
    PREFECT_PROFILE, else the file's ``active``). Prefect's own settings when it is already imported."""
    if "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value() or None
    if env.get("PREFECT_API_URL"):
        return env["PREFECT_API_URL"]
    path = env.get("PREFECT_PROFILES_PATH") or (
        str(Path(env["PREFECT_HOME"]) / "profiles.toml") if env.get("PREFECT_HOME") else None)
    if path is None:
        return None
    try:
        profiles = tomllib.loads(Path(path).expanduser().read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    active = env.get("PREFECT_PROFILE") or profiles.get("active")
    chosen = profiles.get("profiles", {}).get(active, {})
    value = chosen.get("PREFECT_API_URL") if isinstance(chosen, dict) else None
    return str(value) if value else None


def server_record(state: Path) -> Path:
    return state / SERVER_RECORD


def write_server_record(state: Path, api_url: str, pid: int) -> None:
    """Say where this folder's `frontline server` listens (written atomically: a run may be reading)."""
    state.mkdir(parents=True, exist_ok=True)
    tmp = state / f".{SERVER_RECORD}.{pid}.tmp"
    tmp.write_text(json.dumps({"api_url": api_url, "pid": pid}) + "\n")
    os.replace(tmp, server_record(state))


def recorded_server(state: Path) -> str | None:
    """The API URL of the `frontline server` this state folder records, if its process is alive and
    the API answers; None otherwise (no record, a stale one, or a server still starting)."""
    try:
        record = json.loads(server_record(state).read_text())
        api_url, pid = str(record["api_url"]), int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid):
        return None
    return api_url if api_answers(api_url) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryApi:
    """Prefect's temporary API server, started now, stopped when this process exits (after Prefect's
    own exit handlers have flushed logs and events to it) or dies (parent-death signal)."""

    def __init__(self) -> None:
        from pipeline.lifetime import dies_with

        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        # What prefect.server.api.server.SubprocessASGIServer runs: the API only, no UI, no services.
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL, preexec_fn=dies_with(os.getpid()))
        atexit.register(self.stop)  # registered before Prefect is imported: runs after its handlers

    def wait(self, timeout: float) -> str:
        """The API URL once it answers; RuntimeError if the server exits or does not answer in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the temporary Prefect API server exited with code {self.process.returncode}")
            if api_answers(self.api_url, timeout=2.0):
                return self.api_url
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect API server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def client_host(host: str) -> str:
    """How a client on this machine reaches a server listening on ``host``."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def server_environment(host: str, port: int, state: Path, env: dict[str, str]) -> dict[str, str]:
    """The settings `frontline server` starts Prefect's server with: its database, UI files and
    profiles under the state folder; its UI calling the API on the port it serves (the UI reads
    ``PREFECT_UI_API_URL``, which otherwise follows PREFECT_API_URL or port 4200); no analytics.
    A UI API URL or home the user set already is kept."""
    base = f"http://{client_host(host)}:{port}"
    home = Path(env.get("PREFECT_HOME") or state / "prefect")
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_UI_STATIC_DIRECTORY": env.get("PREFECT_UI_STATIC_DIRECTORY") or str(home / "ui"),
        "PREFECT_UI_ENABLED": "true",
        "PREFECT_API_URL": f"{base}/api",  # the server's own clients, and what it advertises
        "PREFECT_UI_API_URL": env.get("PREFECT_UI_API_URL") or f"{base}/api",
        "PREFECT_UI_URL": env.get("PREFECT_UI_URL") or base,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # also turns the UI's usage analytics off
        "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    }


def unprotected_exposure(host: str, env: dict[str, str]) -> str | None:
    """Why serving the Prefect API on ``host`` would expose it without authentication, or None.

    The API has no authentication by default: whoever reaches it can create deployments and flow
    runs. Off the loopback interface it must have Prefect's basic auth (PREFECT_SERVER_API_AUTH_STRING)
    or stay behind an authenticating proxy."""
    if host in LOOPBACK or host.startswith("127.") or env.get("PREFECT_SERVER_API_AUTH_STRING"):
        return None
    return (f"--host {host} would expose the Prefect API, which has no authentication, beyond this machine; "
            "set PREFECT_SERVER_API_AUTH_STRING=user:password (clients set PREFECT_API_AUTH_STRING), or keep "
            "--host 127.0.0.1 and put an authenticating proxy in front")
