"""The place names of a sentence: the candidates for where its events happened.

Candidates are the place entities of the sentence plus proper names after a locative word ("in
Sake") that the gazetteer knows, any name a settlement word introduces ("the town of Walikale"),
known or not, names the recogniser took for an actor ("Paktia province", "al-Qaim"), and names with
a lower-case article ("el-Bur").
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import SentenceView
from pipeline.normalize.places import REGION_WORDS, Gazetteer
from pipeline.rules import listed_words

LOCATIVE = set(listed_words("locative"))
NAME_ARTICLES = set(listed_words("name_articles"))
SETTLEMENT_WORDS = {"town", "city", "village", "villages", "settlement", "district", "neighbourhood", "neighborhood",
                    "camp", "port", "capital", "region", "province", "oblast", "state", "governorate", "suburb"}
NOT_PLACES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
              "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
              "president", "minister", "general", "prime", "army", "government"}


DIRECTIONS = {"southern", "northern", "eastern", "western", "central", "north", "south", "east", "west",
              "northeastern", "northwestern", "southeastern", "southwestern", "north-eastern", "north-western",
              "south-eastern", "south-western", "northeast", "northwest", "southeast", "southwest", "lower",
              "upper", "rural", "coastal", "border", "far"}
FACILITIES = {"dam", "airport", "airbase", "bridge", "base", "port", "palace", "crossing", "refinery", "hospital",
              "stadium", "barracks", "junction", "checkpoint", "camp", "prison"}


def proper_run(doc: Doc, start: int, stop: int) -> tuple[int, int] | None:
    """A run of capitalised words starting at ``start`` ('Kozacha Lopan', 'El Fasher')."""
    end = start
    if _article_prefix(doc, start, stop):
        end = start + 2  # 'el-Bur': the lower-case article, its hyphen, then the name
    while end < stop and (doc[end].is_title or doc[end].is_upper) and doc[end].is_alpha:
        end += 1
    if end < stop and doc[end].text == "-" and end + 1 < stop and doc[end + 1].is_title:
        end += 2
    return (start, end) if end > start and doc[end - 1].text != "-" else None


def _article_prefix(doc: Doc, i: int, stop: int) -> bool:
    """'el-Bur', 'al-Qaim': a lower-case article joined by a hyphen to a capitalised name."""
    return i + 2 < stop and doc[i].lower_ in NAME_ARTICLES and doc[i].is_lower and doc[i + 1].text == "-" \
        and doc[i + 2].is_title


def is_date_word(doc: Doc, start: int, end: int, s: SentenceView) -> bool:
    return any(doc[i].lower_ in NOT_PLACES for i in range(start, end)) or any(
        d.start <= start < d.end for d in s.dates)


def place_word_before(doc: Doc, start: int, floor: int) -> str | None:
    """The word before a place name, past articles and directions ('into southern Afghanistan' -> 'into')."""
    i = start - 1
    while i >= floor and (doc[i].lower_ in {"the", "a", "an", "its", "their"} or doc[i].lower_ in DIRECTIONS
                          or doc[i].is_space):
        i -= 1
    return doc[i].lower_ if i >= floor else None


def facility_site(doc: Doc, run: tuple[int, int], stop: int, gaz: Gazetteer) -> tuple[int, int] | None:
    """'the Haditha Dam', 'Mitiga airport': a facility named after a place is at that place."""
    start, end = run
    if end - start >= 2 and doc[end - 1].lower_ in FACILITIES and gaz.named(doc[start:end - 1].text):
        return start, end - 1
    if end < stop and doc[end].lower_ in FACILITIES and gaz.named(doc[start:end].text):
        return start, end
    return None


def _area_taken_for_actor(doc: Doc, r: Role, gaz: Gazetteer) -> bool:
    """'Paktia province', 'Idlib governorate' read as a person or a group: a known name followed by
    the word for an area is that area, and so is a known name with a lower-case article ('al-Qaim'),
    whatever the entity recogniser said."""
    if r.id is not None or r.end - r.start < 2:
        return False
    if _article_prefix(doc, r.start, r.end):  # 'al-Qaim' read as a group: a place the gazetteer knows
        return gaz.named(r.text)
    return doc[r.end - 1].lower_ in REGION_WORDS and gaz.named(doc[r.start:r.end - 1].text)


def place_candidates(doc: Doc, s: SentenceView, gaz: Gazetteer) -> list[Role]:
    found = [p for p in s.places if not is_date_word(doc, p.start, p.end, s)]
    found += [Role(r.text, None, r.start, r.end, "LOC") for r in s.actors if _area_taken_for_actor(doc, r, gaz)]
    taken = {i for r in found for i in range(r.start, r.end)} | {i for r in s.actors for i in range(r.start, r.end)}
    for tok in s.span:
        if tok.lower_ not in LOCATIVE or tok.i + 1 >= s.span.end:
            continue
        i = tok.i + 1
        while i < s.span.end and not _article_prefix(doc, i, s.span.end) and (
                doc[i].lower_ in {"the", "a"} or (doc[i].is_lower and doc[i].is_alpha and doc[i].lower_ not in LOCATIVE)):
            i += 1  # "in the lakeside town of Sake": skip to the name
            if i < s.span.end and doc[i].lower_ == "of":
                i += 1
        run = proper_run(doc, i, s.span.end) if i < s.span.end else None
        if run is None or any(j in taken for j in range(*run)) or is_date_word(doc, *run, s):
            continue
        text = doc[run[0]:run[1]].text
        settlement = run[0] - 1 >= s.span.start and doc[run[0] - 1].lower_ == "of" and run[0] - 2 >= s.span.start \
            and doc[run[0] - 2].lower_ in SETTLEMENT_WORDS
        # An unmarked capitalised word is a place by its own name, not by an alternate one ("of Christians");
        # "the village of Karto" names a place even when no gazetteer knows it.
        if gaz.named(text) or settlement:
            found.append(Role(text, None, run[0], run[1], "LOC"))
            taken.update(range(*run))
        elif (site := facility_site(doc, run, s.span.end, gaz)) is not None:
            found.append(Role(doc[site[0]:site[1]].text, None, site[0], site[1], "FAC"))
            taken.update(range(*run))
    return sorted(found, key=lambda r: r.start)


def known_name_at(doc: Doc, s: SentenceView, start: int, gaz: Gazetteer) -> list[Role]:
    """The gazetteer's place whose capitalised name starts at ``start``, unless it names an actor."""
    run = proper_run(doc, start, s.span.end) if start < s.span.end else None
    if run is None or is_date_word(doc, *run, s) or any(r.start < run[1] and run[0] < r.end for r in s.actors):
        return []
    text = doc[run[0]:run[1]].text
    return [Role(text, None, run[0], run[1], "LOC")] if gaz.named(text) else []
