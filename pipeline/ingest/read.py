"""Input files -> articles and rejects: each file read through its Source, then parsed.

An unreadable, oversize or badly named file becomes a reject, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pipeline.ingest.parse import IngestResult, make_reject, parse_document
from pipeline.settings import DEFAULT_MAX_BYTES
from pipeline.sources import Source, open_source


def read_input(source: Source, names: Iterable[str], *, run_id: str, now: datetime) -> IngestResult:
    """The articles and rejects of the files ``names`` (as the source spells them), with the hash of
    the bytes each was read as."""
    result = IngestResult()
    for rel in names:
        read = source.read(rel)
        if read.problem is not None:
            result.rejects.append(make_reject(read.source_path, read.problem, None, read.problem_size,
                                              run_id=run_id, now=now, root=source.root))
            result.files.append(read.file)
            continue
        result.extend(parse_document(read.data, read.source_path, run_id=run_id, now=now, root=source.root,
                                     sha=read.content_sha256))
    return result


def read_folder(folder: str | Path, *, run_id: str, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Every file of an input folder (or s3:// prefix), read and parsed: for evaluation and tests."""
    source = open_source(folder, max_bytes=max_bytes)
    return read_input(source, source.names(), run_id=run_id, now=now)
