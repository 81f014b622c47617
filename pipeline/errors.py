"""Specific exceptions; the CLI and the flow turn them into messages and reject rows.

Every error the library raises on purpose is a FrontlineError, so the CLI turns all of them into a
one-line message in one place (pipeline.cli). The ones that also derive from ValueError were
ValueErrors before they joined this hierarchy; callers that catch ValueError still catch them.
"""

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


class SchemaError(FrontlineError, ValueError):
    """A table declaration is malformed or data does not fit it."""


class GoldError(FrontlineError, ValueError):
    """A gold file for `frontline eval` is malformed; the message names the file and line."""


class ExportError(FrontlineError, ValueError):
    """An export was asked for in a layout frontline does not write."""
