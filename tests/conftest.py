"""Shared fixtures. Prefect is pointed at a throwaway home before anything imports it."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

_STATE = Path(tempfile.mkdtemp(prefix="frontline-test-state-"))
os.environ["FRONTLINE_STATE_DIR"] = str(_STATE)
os.environ["PREFECT_HOME"] = str(_STATE / "prefect")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
(_STATE / "prefect").mkdir(parents=True, exist_ok=True)

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "000_etv_bharat_2025-03-15_kursk.txt"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session: starting one costs ~10 s."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp.build import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seed_mentions():
    """Mentions extracted from the sample article by the default pipeline."""
    from pipeline.extract import extract_mentions
    from pipeline.ingest.parse import parse_document

    result = parse_document(SEED_ARTICLE.read_bytes(), SEED_ARTICLE.name, run_id="test", now=NOW)
    assert len(result.articles) == 1
    return result.articles[0], extract_mentions(result.articles, run_id="test")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_STATE, ignore_errors=True)
