"""Event mentions of articles, extracted in pieces of bounded size: memory follows the piece, not the article.

The NLP pipeline holds about 3 KB per character of the texts it processes at once (a 200,000-
character body: +560 MB), and ``pipeline.extract.extract_mentions`` hands it up to 64 texts at a
time. So the texts go to it in groups of at most ``GROUP_CHARS`` characters, and a body longer than
``PIECE_CHARS`` is cut at line breaks into pieces extracted on their own; their mentions' offsets
are moved back into the whole body (and their ids computed from those). Line breaks always end a
sentence (ingest keeps lines to ``MAX_SENTENCE_CHARS``), so no sentence is cut. What a piece does
not see is context from the other pieces of the same article (actor countries that pick between
places of one name): only bodies longer than ``PIECE_CHARS`` are cut, and news articles are
shorter by far.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pipeline.extract import extract_mentions, mention_id
from pipeline.records import Article, Mention

PIECE_CHARS = 50_000
GROUP_CHARS = 256_000  # 64 texts of 4,000 characters: about what one batch of news holds anyway


def pieces(body: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, text) pieces of ``body`` of at most ``limit`` characters, cut after a line break;
    a single line longer than ``limit`` stays whole (ingest bounds lines)."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(body) - start > limit:
        cut = body.rfind("\n", start, start + limit)
        end = cut + 1 if cut >= start else body.find("\n", start + limit) + 1 or len(body)
        out.append((start, body[start:end]))
        start = end
    if start < len(body) or not out:
        out.append((start, body[start:]))
    return out


def _moved(mention: Mention, offset: int) -> Mention:
    """A piece's mention with its offsets in the whole body, and the id those offsets give."""
    if not offset:
        return mention
    start, end = mention.trigger_start + offset, mention.trigger_end + offset
    return dataclasses.replace(
        mention, trigger_start=start, trigger_end=end, sentence_start=mention.sentence_start + offset,
        sentence_end=mention.sentence_end + offset,
        mention_id=mention_id(mention.article_id, mention.event_type, start, end))


def extract_mentions_bounded(articles: list[Article], *, run_id: str, piece_chars: int = PIECE_CHARS,
                             group_chars: int = GROUP_CHARS,
                             extract: Callable[..., list[Mention]] = extract_mentions) -> list[Mention]:
    """Every event mention in the articles' bodies, in article order, as ``extract`` (by default
    ``extract_mentions``) finds them, never giving it more than ``group_chars`` characters, or one
    piece, at once."""
    out: list[Mention] = []
    group: list[Article] = []
    size = 0
    for article in articles:
        if group and (size + len(article.body) > group_chars or len(article.body) > piece_chars):
            out += extract(group, run_id=run_id)
            group, size = [], 0
        if len(article.body) <= piece_chars:
            group.append(article)
            size += len(article.body)
            continue
        for offset, text in pieces(article.body, piece_chars):
            found = extract([dataclasses.replace(article, body=text)], run_id=run_id)
            moved = [_moved(m, offset) for m in found]
            new_id = {m.mention_id: n.mention_id for m, n in zip(found, moved)}  # a reference's antecedent moves too
            out += [dataclasses.replace(n, antecedent_id=new_id.get(n.antecedent_id, n.antecedent_id))
                    if n.antecedent_id else n for n in moved]
    if group:
        out += extract(group, run_id=run_id)
    return out
