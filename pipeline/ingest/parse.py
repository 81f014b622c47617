"""The bytes of one input file -> its Article records, or Reject records that say why not.

Pure: no file system. Every input ends as an article or a reject with a reason; nothing raises out
of ``parse_document`` and nothing is dropped silently. Layouts are read by ``pipeline.ingest.formats``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline import errors
from pipeline.errors import BadArticle
from pipeline.ingest.formats import (HEADER, parse_header_layout, parse_json_document, parse_json_lines,
                                     parse_plain_text)
from pipeline.ingest.ids import article_id, content_hash, file_id
from pipeline.records import Article, Reject
from pipeline.sources.source import FileRead

MAX_BODY_CHARS = 1_000_000  # spaCy's default max_length: longer bodies are not news articles
# Longest run of a body without a line break or sentence-ending punctuation. A line break always
# ends a sentence for the NLP pipeline; longer runs are broken at a space, so that no sentence (and
# no mention's evidence, which is its sentence) is longer. The corpora's longest run is 278.
MAX_SENTENCE_CHARS = 2_000
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}

@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    files: list[FileRead] = field(default_factory=list)

    def extend(self, other: IngestResult) -> None:
        self.articles.extend(other.articles)
        self.rejects.extend(other.rejects)
        self.files.extend(other.files)


def normalise_text(data: bytes, *, nfc: bool = True) -> str:
    """Bytes -> NFC text with LF line endings; raises BadArticle for binary or non-UTF-8 input.

    JSON is normalised per field after parsing (``nfc=False`` here): NFC on the raw document
    could fuse an escape's letter with a following combining mark ("\\n" + U+0303 -> "\\ñ").
    """
    if not data.strip():
        raise BadArticle(errors.EMPTY_FILE, "the file is empty or only whitespace")
    if b"\x00" in data:
        raise BadArticle(errors.BINARY_FILE, "the file contains NUL bytes: binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadArticle(
            errors.UNDECODABLE, f"not valid UTF-8 at byte {exc.start}: {data[exc.start:exc.start + 8]!r}"
        ) from None
    if not text.strip():
        raise BadArticle(errors.EMPTY_FILE, "the file holds only a byte-order mark or whitespace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text) if nfc else text


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def bounded_sentences(body: str, limit: int = MAX_SENTENCE_CHARS) -> str:
    """``body`` with every run longer than ``limit`` characters between line breaks and sentence ends
    broken into lines at spaces (a space becomes a line break, so offsets and the article id stay
    the same). BadArticle when such a run has no space to break it at: nothing in it reads as text."""
    if len(body) <= limit:
        return body
    out: list[str] = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(body)] + [len(body)]:
        while end - start > limit:
            cut = max(body.rfind(" ", start + 1, start + limit + 1), body.rfind("\t", start + 1, start + limit + 1))
            if cut < 0:
                raise BadArticle(errors.TOO_LARGE, f"a run of over {limit} characters with no space, line break or "
                                                   f"sentence end at offset {start}")
            out.append(body[start:cut])
            out.append("\n")
            start = cut + 1
        out.append(body[start:end])
        start = end
    return "".join(out)


def parse_document(
    data: bytes, source_path: str, *, run_id: str, now: datetime, root: str = "", sha: str | None = None
) -> IngestResult:
    """The bytes of one input file (under the input folder ``root``) -> its articles and rejects. Pure: no I/O.
    ``sha``: the SHA-256 of ``data`` when its reader computed it already."""
    suffix = Path(source_path).suffix.lower()
    sha = hashlib.sha256(data).hexdigest() if sha is None else sha
    result = IngestResult(files=[FileRead(source_path, sha, len(data))])
    try:
        text = normalise_text(data, nfc=suffix not in JSON_LINES_SUFFIXES | JSON_SUFFIXES)
        if suffix in JSON_LINES_SUFFIXES:
            parsed, fmt = parse_json_lines(text), "jsonl"
        elif suffix in JSON_SUFFIXES:
            parsed, fmt = parse_json_document(text), "json"
        elif HEADER.match(text.split("\n", 1)[0]):
            parsed, fmt = [parse_header_layout(text)], "header"
        else:
            parsed, fmt = [parse_plain_text(text)], "text"
    except BadArticle as exc:
        result.rejects.append(make_reject(source_path, exc, sha, len(data), run_id=run_id, now=now, root=root))
        return result
    for item in parsed:
        if not isinstance(item, BadArticle) and len(item.body) > MAX_BODY_CHARS:
            item = BadArticle(errors.TOO_LARGE, f"body has {len(item.body)} characters, over the "
                                                f"{MAX_BODY_CHARS}-character limit", item.record)
        if not isinstance(item, BadArticle):
            try:
                item = dataclasses.replace(item, body=bounded_sentences(item.body))
            except BadArticle as exc:
                item = BadArticle(exc.reason, exc.detail, item.record)
        if isinstance(item, BadArticle):
            result.rejects.append(make_reject(source_path, item, sha, len(data), run_id=run_id, now=now, root=root))
            continue
        flags = []
        if item.published_date is None:
            flags.append("no_publication_date")
        if not item.title:
            flags.append("no_title")
        result.articles.append(
            Article(
                article_id=article_id(item.title, item.body),
                source_path=source_path,
                source_record=item.record,
                source_format=fmt,
                outlet=item.outlet,
                section=item.section,
                url=item.url,
                published_date=item.published_date,
                title=item.title,
                body=item.body,
                quality_flags=tuple(flags),
                ingested_at=now,
                run_id=run_id,
            )
        )
    return result


def make_reject(
    source_path: str,
    exc: BadArticle,
    sha: str | None,
    size: int | None,
    *,
    run_id: str,
    now: datetime,
    root: str = "",
) -> Reject:
    fid = file_id(root, source_path)
    key = f"{fid}\x1f{exc.record}\x1f{exc.reason}\x1f{sha}"
    return Reject(
        reject_id=content_hash(key)[:32],
        file_id=fid,
        source_path=source_path,
        source_record=exc.record,
        reason=exc.reason,
        detail=exc.detail,
        content_sha256=sha,
        size_bytes=size,
        rejected_at=now,
        run_id=run_id,
    )
