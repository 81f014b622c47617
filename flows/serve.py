"""Helpers for serving the flow on a schedule against a running Prefect server."""

from __future__ import annotations

import httpx


def api_is_up(api_url: str, timeout: float = 5.0) -> bool:
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False
