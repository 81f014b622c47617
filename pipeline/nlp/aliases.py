"""Names an article defines for itself: 'the Rapid Support Forces (RSF)', 'Yemen's Ansar Allah movement,
also known as Houthis', 'the Front for the Liberation of Azawet (FLA)', or uses without defining: the
initials of a name it used before ('the Sri Lanka Army ... the SLA offensive'), and the surname of a
known person it named in full ('Hillary Clinton ... Clinton').

News introduces an actor once by its full name and uses a short one afterwards. The short name may be
in no dictionary; once the article has defined it, every later use of it is that actor: it gets the
full name's id when the full name is a known actor, and the full name as written either way.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from pipeline.nlp.role_mention import Role

_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9\-]{1,9}$")
KNOWN_AS = ("also known as", "known as", "better known as", "which calls itself", "dubbed")
NAME_LABELS = {"ORG", "GPE", "NORP", "PERSON", "PER", "LOC"}
INITIALS = "INITIALS"  # the label of an alias read from a name's initials


def _initials_match(name: str, acronym: str, exact: bool = False) -> bool:
    """'Rapid Support Forces' ~ 'RSF'; articles and 'of', 'the', 'for' may be skipped or not. A name the
    text did not define the short one for must spell it exactly."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    letters = "".join(w[0] for w in words if w[0].isalpha()).upper()
    content = "".join(w[0] for w in words if w[0].isalpha() and w.lower() not in {"of", "the", "for", "and", "de",
                                                                                    "du", "la", "al"}).upper()
    target = acronym.replace("-", "").upper()
    return target in (letters, content) or (not exact and len(target) >= 2 and content.startswith(target))


def _name_before(doc: Doc, paren: int) -> Span | None:
    """The name right before '(': an entity ending there, else a run of capitalised words."""
    for ent in doc.ents:
        if ent.end == paren and ent.label_ in NAME_LABELS:
            return ent
    end = paren
    start = end
    while start > 0 and (doc[start - 1].is_title or doc[start - 1].is_upper or doc[start - 1].lower_ in {"of", "for", "the", "and"}):
        start -= 1
    while start < end and doc[start].lower_ in {"of", "for", "the", "and"}:
        start += 1
    return doc[start:end] if end - start >= 2 else None


def article_aliases(doc: Doc) -> dict[str, Role]:
    """Short name as written -> the Role of the full name that defined it."""
    aliases: dict[str, Role] = {}
    for tok in doc:
        # "the Rapid Support Forces (RSF)"
        if tok.text == "(" and tok.i + 2 < len(doc) and doc[tok.i + 2].text == ")":
            short = doc[tok.i + 1].text
            name = _name_before(doc, tok.i)
            if name is not None and _ACRONYM.match(short) and _initials_match(name.text, short):
                aliases.setdefault(short, Role(name.text, name.ent_id_ or None, name.start, name.end, "ORG"))
        # "Ansar Allah, also known as the Houthis"
        for phrase in KNOWN_AS:
            words = phrase.split()
            if [t.lower_ for t in doc[tok.i:tok.i + len(words)]] == words and tok.i > 1:
                j = tok.i - 1 if doc[tok.i - 1].text == "," else tok.i
                name = _name_before(doc, j)
                k = tok.i + len(words)
                while k < len(doc) and doc[k].lower_ == "the":
                    k += 1
                end = k
                while end < len(doc) and (doc[end].is_title or doc[end].is_upper) and doc[end].is_alpha:
                    end += 1
                if name is not None and end > k:
                    aliases.setdefault(doc[k:end].text, Role(name.text, name.ent_id_ or None, name.start,
                                                             name.end, "ORG"))
    aliases.update(_initialisms(doc, aliases))
    for short, full in _surnames(doc).items():
        aliases.setdefault(short, full)
    return aliases


PERSON = {"PERSON", "PER"}


def _surnames(doc: Doc) -> dict[str, Role]:
    """'Hillary Clinton ... Clinton left Cambodia': a known person's surname alone, after the full name, is
    that person (and not a town that bears the name)."""
    found: dict[str, Role] = {}
    for ent in doc.ents:
        last = ent[-1].text
        if ent.label_ in PERSON and ent.ent_id_ and len(ent) >= 2 and len(last) >= 3 and last[:1].isupper():
            found.setdefault(last, Role(ent.text, ent.ent_id_, ent.start, ent.end, "PERSON"))
    return found


def _initialisms(doc: Doc, defined: dict[str, Role]) -> dict[str, Role]:
    """'the Sri Lanka Army ... the SLA offensive': an unknown all-capital word spelling the initials of
    a name the article used before it is that name, defined or not."""
    names = [e for e in doc.ents if len(e) >= 2 and e.label_ in NAME_LABELS]
    found: dict[str, Role] = {}
    for tok in doc:
        short = tok.text
        if not (2 <= len(short) <= 6 and short.isalpha() and short.isupper()) or short in defined or short in found:
            continue
        for name in names:
            if name.end > tok.i:
                break
            if _initials_match(name.text, short, exact=True):
                # the article's own name wins over a namesake's acronym ('SLA': not Sudan's but Sri Lanka's)
                found[short] = Role(name.text, name.ent_id_ or None, name.start, name.end, INITIALS)
                break
    return found


def alias_roles(doc: Doc, aliases: dict[str, Role], taken: set[int]) -> list[Role]:
    """Later uses of the short names, as actors of the full name (skipping tokens already named)."""
    if not aliases:
        return []
    found = []
    by_first: dict[str, list[tuple[str, Role]]] = {}
    for short, full in aliases.items():
        by_first.setdefault(short.split()[0], []).append((short, full))
    for tok in doc:
        for short, full in by_first.get(tok.text, ()):
            n = len(short.split())
            span = doc[tok.i:tok.i + n]
            if span.text != short or tok.i < full.end or any(i in taken for i in range(tok.i, tok.i + n)):
                continue
            label = "PERSON" if full.label == "PERSON" else "ORG"
            found.append(Role(short, full.id, tok.i, tok.i + n, label, refers_to=full.text))
    return found
