"""Whether two sentences or two names agree: strictly (mention level) or leniently (event level)."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _norm(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "").translate(_QUOTES).lower()
    return " ".join(text.split())


def _bare(text: str | None) -> str:
    """Names without articles or possessive pronouns: 'the RSF' ~ 'RSF'."""
    words = [w for w in re.findall(r"[\w'-]+", _norm(text)) if w not in {"the", "a", "an", "his", "her", "its", "their"}]
    return " ".join(words)


def sentences_agree(a: str, b: str) -> bool:
    na, nb = _norm(a).strip(' "'), _norm(b).strip(' "')
    return bool(na and nb) and (na in nb or nb in na)


def names_agree(gold: str | None, predicted: str | None) -> bool:
    """Both absent, or one name contains the other ('Putin' ~ 'President Vladimir Putin')."""
    g, p = _bare(gold), _bare(predicted)
    if not g or not p:
        return not g and not p
    return g in p or p in g


# Words that name nobody in particular: they never make two names agree.
_GENERIC = {"the", "of", "in", "a", "an", "and", "s", "president", "forces", "troops", "military", "army",
            "government", "leader", "officials", "minister", "prime", "us"}
MIN_SENTENCE_OVERLAP = 0.6


def _content_words(text: str | None) -> set[str]:
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_QUOTES)
    return {w for w in re.findall(r"[a-z0-9]+", text) if w not in _GENERIC and len(w) > 1}


def sentences_overlap(a: str | None, b: str | None) -> bool:
    """At least 60% of the shorter sentence's content words are in the other."""
    x, y = _content_words(a), _content_words(b)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= MIN_SENTENCE_OVERLAP


def names_overlap(gold: str | None, predicted: str | None) -> bool:
    """Lenient: a shared content word, or a shared 5-letter stem ('Russia' ~ 'Russian forces')."""
    if not gold or not predicted:
        return not gold and not predicted
    g, p = _content_words(gold), _content_words(predicted)
    if not g or not p:
        return _norm(gold) == _norm(predicted)
    return bool(g & p) or bool({w[:5] for w in g} & {w[:5] for w in p})
