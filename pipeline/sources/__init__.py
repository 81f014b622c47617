"""Where input articles come from: a local folder or an object-store prefix, as one ``Source``.

``open_source`` is the one place that tells the two apart; everything after it lists, hashes and
reads through the Source it returns, so each file is read and hashed once per run.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pipeline.settings import DEFAULT_MAX_BYTES
from pipeline.sources.source import FileRead, Read, ScannedFile, Source, printable

REMOTE_SCHEMES = ("s3",)  # as pipeline.storage, which the object-store source imports (pyarrow) only when needed

__all__ = ["FileRead", "Read", "ScannedFile", "Source", "input_root", "open_source", "printable"]


def open_source(uri: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """The input at ``uri``: a local folder, or an ``s3://bucket/prefix``. Files over ``max_bytes``
    are hashed but never held whole in memory."""
    if isinstance(uri, str) and urlsplit(uri).scheme in REMOTE_SCHEMES:
        from pipeline.sources.objects import ObjectSource

        return ObjectSource(uri, max_bytes=max_bytes)
    from pipeline.sources.folder import FolderSource

    return FolderSource(uri, max_bytes=max_bytes)


def input_root(uri: str | Path) -> str:
    """How an input folder is recorded with its files: its real path, or the normalised s3:// URI."""
    return open_source(uri).root
