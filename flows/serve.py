"""Helpers for serving the flow on a schedule against a running Prefect server."""

from __future__ import annotations

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


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
