"""The keys of input files and articles: content hashes, so the same input gets the same ids on every run."""

from __future__ import annotations

import hashlib


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()



def file_id(root: str, source_path: str) -> str:
    """An input file's key: its folder and its path in it. The same name under two folders is two files."""
    return content_hash(f"{root}\x1f{source_path}")[:32]


def article_id(title: str | None, body: str) -> str:
    """Content hash of the article text, insensitive to whitespace layout."""
    canon = " ".join(f"{title or ''}\n{body}".split())
    return content_hash(canon)[:32]
