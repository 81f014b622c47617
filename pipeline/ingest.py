"""Input files -> Article records, or Reject records that say why not.

Three layouts are read: the header layout of the sample articles
(`` date YYYY-MM-DD Outlet / section``, blank line, headline, blank line, body),
JSON Lines / JSON arrays of article objects, and plain text with no header.
Every input ends as an article or a reject with a reason; nothing raises out
of ``read_file`` and nothing is dropped silently.
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline import confined, errors, storage
from pipeline.errors import BadArticle
from pipeline.records import Article, Reject
from pipeline.settings import DEFAULT_MAX_BYTES

MAX_BODY_CHARS = 1_000_000  # spaCy's default max_length: longer bodies are not news articles
# Longest run of a body without a line break or sentence-ending punctuation. A line break always
# ends a sentence for the NLP pipeline; longer runs are broken at a space, so that no sentence (and
# no mention's evidence, which is its sentence) is longer. The corpora's longest run is 278.
MAX_SENTENCE_CHARS = 2_000
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}

_HEADER = re.compile(r"^[ \t]*date\b[ \t]*(?P<date>\S*)[ \t]*(?P<rest>.*)$")
_URL_LINE = re.compile(r"^[ \t]*url:[ \t]*(?P<url>\S+)[ \t]*$", re.IGNORECASE)
_MAX_TITLE_CHARS = 300
# What may follow an ISO date that Python cannot parse whole: a time, a fraction, a zone. Not "garbage".
_TIME_AFTER_DATE = re.compile(r"[T ]([01]?\d|2[0-3])(:[0-5]\d){0,2}([.,]\d+)?\s*(Z|UTC|GMT|[+-]\d{2}(:?\d{2})?)?",
                              re.IGNORECASE)

# JSON field names we accept, in order of preference.
_TITLE_KEYS = ("title", "headline")
_BODY_KEYS = ("text", "body", "content", "article")
_DATE_KEYS = ("published", "date", "published_at", "publish_date", "pub_date", "published_date")
_OUTLET_KEYS = ("outlet", "source", "publisher", "site")
_SECTION_KEYS = ("section", "category")
_URL_KEYS = ("url", "link")


@dataclass(frozen=True)
class FileRead:
    """One input file as it was read: the hash of the bytes read and parsed (None when nothing could
    be read). Recorded instead of the scan's hash, so that a file caught missing, empty or
    half-written is seen as changed by the next run, not kept that way for good."""

    source_path: str
    content_sha256: str | None
    size_bytes: int


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    files: list[FileRead] = field(default_factory=list)

    def extend(self, other: IngestResult) -> None:
        self.articles.extend(other.articles)
        self.rejects.extend(other.rejects)
        self.files.extend(other.files)


@dataclass(frozen=True)
class Fields:
    """What a layout parser found, before ids and run metadata are attached."""

    title: str | None
    body: str
    published_date: date | None
    outlet: str | None = None
    section: str | None = None
    url: str | None = None
    record: int | None = None


def discover_relative(input_dir: str | Path) -> Iterator[str]:
    """Every file under ``input_dir``, recursively, in a stable order, one at a time, as its path
    relative to ``input_dir`` ('/'-separated): a scan of 100,000 files kept a Path object per file
    and interned every name.

    Hidden files and folders (names starting with '.') are skipped: they are editor, VCS and OS
    litter, not articles. Symlinked folders are listed but not entered (``read_file`` rejects them),
    so loops and escapes cannot happen. A folder that cannot be listed is yielded as its path with a
    trailing '/', so that it becomes a reject instead of vanishing. Names that are not valid UTF-8
    are yielded as the system gives them (see ``printable``)."""
    top = os.fspath(input_dir)
    stack = [""]  # folders still to list, the next on top
    while stack:
        prefix = stack.pop()
        files: list[str] = []
        folders: list[str] = []
        try:
            with os.scandir(os.path.join(top, prefix) if prefix else top) as it:
                for entry in it:
                    if not entry.name.startswith("."):
                        (folders if entry.is_dir(follow_symlinks=False) else files).append(entry.name)
        except OSError:
            if prefix:
                yield prefix
                continue
            raise
        files.sort()
        for name in files:
            yield prefix + name
        stack += [prefix + name + "/" for name in sorted(folders, reverse=True)]


def printable(rel: str) -> str:
    """A path as it can be stored: names that are not valid UTF-8 (undecodable bytes arrive as
    surrogates) with those bytes written as \\xNN escapes."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover_files(input_dir: Path) -> Iterator[Path]:
    """``discover_relative`` as paths to open."""
    for rel in discover_relative(input_dir):
        yield Path(input_dir) / rel


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_root(uri: str | Path) -> str:
    """How an input folder is recorded with its files: its real path, or the normalised s3:// URI."""
    return storage.location(uri).uri if storage.is_remote(uri) else os.path.realpath(uri)


def file_id(root: str, source_path: str) -> str:
    """An input file's key: its folder and its path in it. The same name under two folders is two files."""
    return content_hash(f"{root}\x1f{source_path}")[:32]


def article_id(title: str | None, body: str) -> str:
    """Content hash of the article text, insensitive to whitespace layout."""
    canon = " ".join(f"{title or ''}\n{body}".split())
    return content_hash(canon)[:32]


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


def parse_date(value: object) -> date:
    """An ISO 8601 or RFC 2822 date/time -> date; BadArticle when missing or impossible."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BadArticle(errors.BAD_DATE, "the publication date is missing")
    if not isinstance(value, str):
        raise BadArticle(errors.BAD_DATE, f"the publication date is not a string: {value!r}")
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except (ValueError, OverflowError):
        pass
    if _TIME_AFTER_DATE.fullmatch(text[10:]):  # "2025-03-15 10:00 UTC": the date part, if the rest is a time
        try:
            return date.fromisoformat(text[:10])
        except (ValueError, OverflowError):
            pass
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is not None:
        return parsed.date()
    raise BadArticle(errors.BAD_DATE, f"impossible or unreadable publication date {text!r}")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def _clean_body(text: str) -> str:
    """Trim surrounding blank lines and trailing spaces, keep paragraph breaks."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return "\n".join(lines).strip()


def parse_header_layout(text: str) -> Fields:
    """The sample-article layout: header line, an optional 'url: ...' line, blank, headline, blank, body."""
    first, _, rest = text.partition("\n")
    match = _HEADER.match(first)
    if match is None:  # pragma: no cover - callers check first
        raise BadArticle(errors.BAD_DATE, "no ' date YYYY-MM-DD' header line")
    published = parse_date(match["date"])
    outlet, _, section = match["rest"].partition(" / ")
    rest = rest.lstrip("\n")
    url = None
    if (line := _URL_LINE.match(rest.partition("\n")[0])) is not None:  # optional 'url: https://...' line
        url, rest = line["url"], rest.partition("\n")[2].lstrip("\n")
    title, sep, body = rest.partition("\n\n")
    title = title.strip()
    body = _clean_body(body) if sep else ""
    if not title and not body:
        raise BadArticle(errors.NO_BODY, "header line but no headline or body")
    if not body:
        raise BadArticle(errors.NO_BODY, "header and headline but no body text")
    return Fields(
        title=" ".join(title.split()) or None,
        body=body,
        published_date=published,
        outlet=outlet.strip() or None,
        section=section.strip() or None,
        url=url,
    )


def parse_plain_text(text: str) -> Fields:
    """Plain text with no header: a short first paragraph of one line is the headline."""
    paras = _paragraphs(text)
    if not paras:
        raise BadArticle(errors.EMPTY_FILE, "no text")
    title = None
    first = paras[0]
    if len(paras) > 1 and "\n" not in first and len(first) <= _MAX_TITLE_CHARS:
        title = first
        body = _clean_body(text.strip().split("\n", 1)[1])
    else:
        body = _clean_body(text)
    return Fields(title=title, body=body, published_date=None)


def _first(obj: dict, keys: tuple[str, ...]) -> object:
    for k in keys:
        if k in obj and obj[k] not in (None, ""):
            return obj[k]
    return None


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # e.g. {"source": {"name": "Reuters"}}
        value = value.get("name") or value.get("title")
        if value is None:
            return None
    return unicodedata.normalize("NFC", " ".join(str(value).split())) or None


def fields_from_json(obj: object, record: int) -> Fields:
    """One JSON article object -> Fields. A date field that is present must be valid."""
    if not isinstance(obj, dict):
        raise BadArticle(errors.BAD_JSON, f"expected an object, got {type(obj).__name__}", record)
    body = _first(obj, _BODY_KEYS)
    if not isinstance(body, str) or not body.strip():
        raise BadArticle(errors.NO_BODY, f"no text in any of the fields {list(_BODY_KEYS)}", record)
    raw_date = _first(obj, _DATE_KEYS)
    try:
        published = parse_date(raw_date) if raw_date is not None else None
    except BadArticle as exc:
        raise BadArticle(exc.reason, exc.detail, record) from None
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n"))
    title = _optional_str(_first(obj, _TITLE_KEYS))
    return Fields(
        title=unicodedata.normalize("NFC", title) if title else None,
        body=_clean_body(body),
        published_date=published,
        outlet=_optional_str(_first(obj, _OUTLET_KEYS)),
        section=_optional_str(_first(obj, _SECTION_KEYS)),
        url=_optional_str(_first(obj, _URL_KEYS)),
        record=record,
    )


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply to parse"
    return str(exc)  # e.g. an integer with more digits than Python converts


def parse_json_lines(text: str) -> list[Fields | BadArticle]:
    out: list[Fields | BadArticle] = []
    if not text.strip():
        return [BadArticle(errors.EMPTY_FILE, "no JSON lines")]
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            out.append(BadArticle(errors.BAD_JSON, f"line {lineno}: {_json_problem(exc)}", lineno))
            continue
        try:
            out.append(fields_from_json(obj, lineno))
        except BadArticle as exc:
            out.append(exc)
    return out


def parse_json_document(text: str) -> list[Fields | BadArticle]:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadArticle(errors.BAD_JSON, _json_problem(exc)) from None
    if isinstance(doc, dict) and isinstance(doc.get("articles"), list):
        doc = doc["articles"]
    items = doc if isinstance(doc, list) else [doc]
    if not items:
        raise BadArticle(errors.EMPTY_FILE, "the JSON document holds no articles")
    out: list[Fields | BadArticle] = []
    for index, obj in enumerate(items):
        try:
            out.append(fields_from_json(obj, index))
        except BadArticle as exc:
            out.append(exc)
    return out


def parse_document(
    data: bytes, source_path: str, *, run_id: str, now: datetime, root: str = ""
) -> IngestResult:
    """The bytes of one input file (under the input folder ``root``) -> its articles and rejects. Pure: no I/O."""
    suffix = Path(source_path).suffix.lower()
    sha = hashlib.sha256(data).hexdigest()
    result = IngestResult(files=[FileRead(source_path, sha, len(data))])
    try:
        text = normalise_text(data, nfc=suffix not in JSON_LINES_SUFFIXES | JSON_SUFFIXES)
        if suffix in JSON_LINES_SUFFIXES:
            parsed, fmt = parse_json_lines(text), "jsonl"
        elif suffix in JSON_SUFFIXES:
            parsed, fmt = parse_json_document(text), "json"
        elif _HEADER.match(text.split("\n", 1)[0]):
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


def relative_source_path(path: Path | str, input_dir: Path | str) -> str:
    """'/'-separated path under the input folder; a trailing '/' (a folder the scan could not list) is kept."""
    rel = Path(path).relative_to(input_dir).as_posix()
    return rel + "/" if os.fspath(path).endswith("/") else rel


def read_file(
    path: Path | str, input_dir: Path | str, *, run_id: str, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES,
    root: str | None = None,
) -> IngestResult:
    """Read one input file; oversize and unreadable files become rejects, never exceptions.

    The file is opened below the input folder one component at a time (``pipeline.confined``), so
    a folder swapped for a link after the scan cannot lead the read outside the folder."""
    root = input_root(input_dir) if root is None else root
    rel = relative_source_path(path, input_dir)
    source_path = printable(rel)

    def reject(problem: BadArticle, sha: str | None = None, size: int = -1) -> IngestResult:
        return IngestResult(rejects=[make_reject(source_path, problem, None, None, run_id=run_id, now=now, root=root)],
                            files=[FileRead(source_path, sha, size)])

    if rel.endswith("/"):  # a folder the scan could not list
        try:
            confined.list_folder(os.fspath(input_dir), rel)
        except OSError as exc:
            return reject(BadArticle(errors.UNREADABLE, f"the folder cannot be listed: {exc.strerror or exc}"))
        except BadArticle as exc:
            return reject(exc)
        return reject(BadArticle(errors.UNREADABLE, "the folder could not be listed when the input was scanned"))
    try:
        fd = confined.open_below(os.fspath(input_dir), rel)
    except BadArticle as exc:
        return reject(exc)
    except OSError as exc:
        return reject(BadArticle(errors.UNREADABLE, f"{type(exc).__name__}: {exc.strerror or exc}"))
    with os.fdopen(fd, "rb") as fh:
        if source_path != rel:
            sha, size = _stream_sha(fh)
            return reject(BadArticle(errors.BAD_NAME, "the file name is not valid UTF-8 (shown with \\x escapes); "
                                                      "rename the file"), sha, size)
        return _read_capped(source_path, lambda: os.fstat(fh.fileno()).st_size, fh.read, lambda: fh,
                            root=root, run_id=run_id, now=now, max_bytes=max_bytes)


def _stream_sha(fh) -> tuple[str, int]:
    """(SHA-256 hex, size) of a stream read in chunks: a file over the cap costs time, not memory."""
    digest, size = hashlib.sha256(), 0
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _read_capped(source_path: str, size_of: Callable[[], int | None], read: Callable[[], bytes],
                 stream: Callable[[], object], *, root: str, run_id: str, now: datetime,
                 max_bytes: int) -> IngestResult:
    """Size check, then read and parse: an oversize or unreadable file becomes a reject. An oversize
    file is hashed as a stream, so that it is not taken for changed by every run."""
    try:
        size = size_of()
        if size is not None and size > max_bytes:
            exc = BadArticle(errors.TOO_LARGE, f"{size} bytes is over the {max_bytes}-byte cap")
            sha, size = _stream_sha(stream())
            return IngestResult(rejects=[make_reject(source_path, exc, None, size, run_id=run_id, now=now, root=root)],
                                files=[FileRead(source_path, sha, size)])
        data = read()
    except OSError as exc:
        bad = BadArticle(errors.UNREADABLE, f"{type(exc).__name__}: {exc.strerror or exc}")
        return IngestResult(rejects=[make_reject(source_path, bad, None, None, run_id=run_id, now=now, root=root)],
                            files=[FileRead(source_path, None, -1)])
    return parse_document(data, source_path, run_id=run_id, now=now, root=root)


def read_files(
    paths: Iterable[Path | str], input_dir: Path | str, *, run_id: str, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestResult:
    result = IngestResult()
    root = input_root(input_dir)
    for path in paths:
        result.extend(read_file(path, input_dir, run_id=run_id, now=now, max_bytes=max_bytes, root=root))
    return result


def read_objects(
    paths: list[str], input_uri: str, *, run_id: str, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestResult:
    """``read_files`` for object storage: no links or special files there, only keys and bytes."""
    loc = storage.location(input_uri)
    result = IngestResult()
    for path in paths:
        result.extend(_read_capped(loc.relative(path), lambda: loc.fs.get_file_info(path).size,
                                   lambda: storage.read_bytes(loc.fs, path), lambda: loc.fs.open_input_stream(path),
                                   root=loc.uri, run_id=run_id, now=now, max_bytes=max_bytes))
    return result


def read_input(
    paths: list[str], input_uri: str, *, run_id: str, now: datetime, max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestResult:
    """Read the listed files of a local input folder or an ``s3://`` prefix."""
    if storage.is_remote(input_uri):
        return read_objects(paths, input_uri, run_id=run_id, now=now, max_bytes=max_bytes)
    return read_files(paths, input_uri, run_id=run_id, now=now, max_bytes=max_bytes)
