"""Where input and warehouse live: a local folder or S3-compatible object storage.

Both are reached through pyarrow's filesystems, so the same code writes Parquet to
a disk or a bucket. Object storage is named ``s3://bucket/prefix``; credentials
and region come from the standard AWS settings (environment, ~/.aws). The
endpoint of a non-AWS store (MinIO, Ceph, a test server) is read from
``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` and passed explicitly, because
Arrow's S3 client does not read those variables itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow.fs as pafs

from pipeline.errors import FrontlineError

REMOTE_SCHEMES = ("s3",)


def is_remote(uri: str | Path) -> bool:
    return isinstance(uri, str) and urlsplit(uri).scheme in REMOTE_SCHEMES


def absolute(uri: str | Path) -> str:
    """A local path made absolute (a long-running service must not depend on its working folder);
    an object-storage URI as written."""
    return str(uri) if is_remote(uri) else str(Path(uri).absolute())


@dataclass(frozen=True)
class Location:
    """A folder on some filesystem: ``path`` is what that filesystem calls it (``bucket/prefix`` on S3)."""

    uri: str
    fs: pafs.FileSystem
    path: str

    @property
    def remote(self) -> bool:
        return not isinstance(self.fs, pafs.LocalFileSystem)

    def join(self, *parts: str) -> str:
        return "/".join([self.path.rstrip("/"), *(p.strip("/") for p in parts if p)])

    def relative(self, path: str) -> str:
        prefix = self.path.rstrip("/") + "/"
        if not path.startswith(prefix):
            raise ValueError(f"{path} is not under {self.path}")
        return path[len(prefix):]


def location(uri: str | Path) -> Location:
    """A local path or an ``s3://bucket/prefix`` URI -> its filesystem and path."""
    if not is_remote(uri):
        return Location(str(Path(uri).absolute()), pafs.LocalFileSystem(), str(Path(uri).absolute()))
    parts = urlsplit(str(uri))
    bucket, prefix = parts.netloc, parts.path.strip("/")
    if not bucket:
        raise FrontlineError(f"{uri!r}: an object storage location needs a bucket, as in s3://bucket/prefix")
    clean = f"s3://{bucket}/{prefix}".rstrip("/")
    return Location(clean, s3_filesystem(), f"{bucket}/{prefix}".rstrip("/"))


@lru_cache(maxsize=4)
def _s3(endpoint: str | None, region: str | None) -> pafs.S3FileSystem:
    kwargs: dict = {"region": region} if region else {}
    if endpoint:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        kwargs |= {"endpoint_override": parts.netloc, "scheme": parts.scheme}
    return pafs.S3FileSystem(**kwargs)


def s3_filesystem() -> pafs.S3FileSystem:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return _s3(endpoint, region)


def list_files(loc: Location) -> list[str]:
    """Every object under ``loc``, in a stable order, hidden names ('.'-prefixed parts) skipped."""
    selector = pafs.FileSelector(loc.path, recursive=True, allow_not_found=True)
    out = []
    for info in loc.fs.get_file_info(selector):
        if info.type != pafs.FileType.File:
            continue
        if any(part.startswith(".") for part in loc.relative(info.path).split("/")):
            continue
        out.append(info.path)
    return sorted(out)


def read_bytes(fs: pafs.FileSystem, path: str) -> bytes:
    with fs.open_input_stream(path) as fh:
        return fh.read()


def write_bytes(fs: pafs.FileSystem, path: str, data: bytes) -> None:
    """One PUT on object storage: readers see the old object or the new one, never a part."""
    with fs.open_output_stream(path) as fh:
        fh.write(data)
