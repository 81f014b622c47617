"""Specific exceptions; the CLI and the flow turn them into messages and reject rows."""

from __future__ import annotations

# Reason codes for rejected input. Stable strings: they are stored in `rejects.reason`.
EMPTY_FILE = "empty_file"
BINARY_FILE = "binary_file"
UNDECODABLE = "undecodable"
BAD_DATE = "bad_date"
NO_BODY = "no_body"
TOO_LARGE = "too_large"
BAD_JSON = "bad_json"
UNREADABLE = "unreadable"
OUTSIDE_INPUT = "outside_input"
NOT_A_FILE = "not_a_file"
BAD_NAME = "bad_name"

REASONS = (EMPTY_FILE, BINARY_FILE, UNDECODABLE, BAD_DATE, NO_BODY, TOO_LARGE, BAD_JSON, UNREADABLE, OUTSIDE_INPUT,
           NOT_A_FILE, BAD_NAME)


class FrontlineError(Exception):
    """Base class for errors the CLI reports as a message rather than a traceback."""


class BadArticle(FrontlineError):
    """One input (a file or a record in it) cannot become an article."""

    def __init__(self, reason: str, detail: str, record: int | None = None):
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.record = record


class WarehouseError(FrontlineError):
    """The warehouse cannot be read or written as asked."""


class QueryError(FrontlineError):
    """A user's SQL failed; the message says why."""
