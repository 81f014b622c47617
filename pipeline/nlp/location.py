"""Where an event happened: the place mention for a trigger, and how to read it (region? near?).

The candidates are the sentence's place names (``place_names``).
A place that is the object of an attack verb ("captured Goma", "Lashio was
bombed") is where the event happened; otherwise the nearest place in a
locative phrase wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import word_list
from pipeline.nlp.role_mention import Role
from pipeline.nlp.place_names import (DIRECTIONS, FACILITIES, LOCATIVE, SETTLEMENT_WORDS, facility_site,
                                      is_date_word, known_name_at, place_candidates, place_word_before, proper_run)
from pipeline.nlp.sentence import SentenceView, dateline_end, distance
from pipeline.normalize.places import REGION_WORDS, WORLD_REGION, Gazetteer, _key
from pipeline.rules import listed_words

TOPIC_PREPS = set(listed_words("topic_preps"))
PASSAGE_PREPS = set(listed_words("passage_preps"))
VENUE_COMPOUNDS = set(listed_words("venue_compounds"))
NEAR_WORDS = {"near", "outside", "around", "outskirts", "towards", "toward", "close", "west", "east", "north",
              "south", "approaches"}
LOCATION_WINDOW = 10  # tokens between trigger and place, unless the type takes the sentence's place

PART_WORDS = {"side", "part", "half", "edge", "outskirts", "centre", "center", "end"}
REFERRING_PLACES = {"town", "city", "village", "hamlet", "settlement", "port"}  # "the town": the one just named


@dataclass(frozen=True)
class PlaceMention:
    role: Role
    region: bool  # "the region of Kursk", "Kursk oblast": the region, not the town
    near: bool  # "near Pokrovsk", "on the outskirts of Goma", "at the Haditha Dam"
    written: str | None = None  # as the text has it: "southern Afghanistan", "the Haditha Dam"

    @property
    def text(self) -> str:
        return self.written or self.role.text


def _name_at(doc: Doc, head) -> tuple[int, int] | None:
    """The proper name a token heads, with its compound and flat parts ('Kozacha Lopan')."""
    if head.pos_ != "PROPN" and not head.is_title:
        return None
    parts = [head] + [c for c in head.children if c.dep_ in {"flat", "compound"} and c.is_title]
    return min(t.i for t in parts), max(t.i for t in parts) + 1


def _modifies_settlement(doc: Doc, s: SentenceView, p: Role) -> bool:
    """'the Kazakh city of Almaty': 'Kazakh' only qualifies the place named after 'of'."""
    if p.end + 1 < s.span.end and doc[p.end].lower_ in SETTLEMENT_WORDS and doc[p.end + 1].lower_ == "of":
        return True
    # "Russia's Kursk region": the possessor country only frames the place that follows.
    return p.end + 1 < s.span.end and doc[p.end].text in ("'s", "\u2019s") and (
        doc[p.end + 1].is_title or doc[p.end + 1].lower_ in SETTLEMENT_WORDS)


def _locates_a_party(doc: Doc, s: SentenceView, p: Role, trig: Span) -> bool:
    """'Rebels in the Central African Republic say ...', 'separatists in eastern Ukraine said': the
    place says where the subject is, not where the event happened. After the trigger ('a meeting of
    officials in Paris', 'talks with officials in Jeddah') the place is the venue, whatever the parse
    attached it to."""
    if p.end > trig.start:
        return False
    if not doc.has_annotation("DEP"):
        return False
    root = doc[p.start:p.end].root
    if root.dep_ != "nmod" or not any(c.dep_ == "case" and c.lower_ in ("in", "from")
                                                      for c in root.children):
        return False
    head = root.head
    if head.pos_ not in ("NOUN", "PROPN"):
        return False
    subject = head  # 'a leader of the separatists in eastern Ukraine says': inside the subject phrase
    while subject.dep_ == "nmod" and subject.head.i != subject.i:
        subject = subject.head
    if not subject.dep_.startswith("nsubj"):
        return False
    return s.actor_at(head) is not None or any(head.lower_ in word_list(name) or head.lemma_ in word_list(name)
                                               for name in ("party_nouns", "group_descriptions", "force_descriptions"))


NOMINAL_DEPS = {"nmod", "nmod:poss", "compound", "appos", "flat", "amod"}


def _place_of_another_event(doc: Doc, s: SentenceView, p: Role, trig: Span, spec: EventType) -> bool:
    """'threatened to resume fighting unless demands are met at the talks in Vienna': a place inside
    the phrase of another kind of event's noun ('the talks in Vienna') is that event's place. Two
    attacks of one sentence share their places ('raids on depots and shelling of the X region'),
    and the venue of talks is also the venue of what they agree ('a truce deal after talks in Minsk')."""
    if not doc.has_annotation("DEP"):
        return False
    others = {t.root.i for t in s.triggers if not (t.start < trig.end and trig.start < t.end)
              and t.label_ != spec.name and not (spec.place_is_venue and t.label_ == "TALKS")}
    token = doc[p.start:p.end].root
    for _ in range(MAX_PHRASE_HOPS):
        if token.dep_ not in NOMINAL_DEPS or token.head == token:
            return False
        token = token.head
        if trig.start <= token.i < trig.end:
            return False
        if token.i in others:
            return token.pos_ in ("NOUN", "PROPN")
    return False


def _verb_above(token: Token) -> Token | None:
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token if token.pos_ in ("VERB", "AUX") else None


def _place_of_another_actor(doc: Doc, p: Role, trig: Span, used: list[Role | None]) -> bool:
    """'gained control of the town as the rebels moved towards Mullaitivu': a place in a side clause whose
    own named subject is someone other than the event's agent is where that one went, not the event's place."""
    if not doc.has_annotation("DEP"):
        return False
    verb, own = _verb_above(doc[p.start:p.end].root), _verb_above(trig.root)
    if verb is None or own is None or verb == own or own not in verb.ancestors:
        return False  # only a clause hanging from the event's own verb ('In Kyiv, officials said ...' stays)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass")), None)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return False  # 'as they pushed into X': the same actor, most likely
    agents = [r for r in used if r is not None]
    return not any(r.start <= subject.i < r.end or doc[r.end - 1].lower_ == subject.lower_ for r in agents)


def _hosting_city(doc: Doc, s: SentenceView, gaz: Gazetteer) -> Role | None:
    """'a Cairo-brokered truce', 'the Doha-hosted talks': the city that brokers or hosts them is
    their venue, even when it also stands for its state as their broker."""
    for tok in s.span:
        if tok.lower_ not in VENUE_COMPOUNDS or tok.i < s.span.start + 2 or doc[tok.i - 1].text != "-":
            continue
        run = proper_run(doc, _run_start(doc, tok.i - 2, s.span.start), tok.i - 1)
        if run is None:
            continue
        text = doc[run[0]:run[1]].text
        if gaz.country(text) is None and gaz.named(text):
            return Role(text, None, run[0], run[1], "LOC")
    return None


def _run_start(doc: Doc, last: int, floor: int) -> int:
    """The first word of the capitalised run that ends at ``last`` ('Addis Ababa')."""
    while last > floor and doc[last - 1].is_title and doc[last - 1].is_alpha and doc[last - 1].lower_ != "the":
        last -= 1
    return last


def _is_state(gaz: Gazetteer, p: Role) -> bool:
    """A country by name, or by the state actor its words stand for ('U.S.', 'UK')."""
    return gaz.country(p.text) is not None or bool(p.id and len(p.id) == 3 and p.id.isupper())


def _speaks(doc: Doc, p: Role) -> bool:
    """'Iran denied any role in the strike': a country that says, denies or condemns is not placed by it."""
    root = doc[p.start:p.end].root
    talk = word_list("speech_verbs") | word_list("report_verbs")
    return root.dep_.startswith("nsubj") and root.head.lemma_.lower() in talk


def _sentence_country(doc: Doc, s: SentenceView, candidates: list[Role], spec: EventType,
                      gaz: Gazetteer) -> PlaceMention | None:
    """'X has put its forces on alert after a drone strike killed a commander': a sentence whose
    subject is one country, with no other place, tells where its event happened; a place from another story
    would otherwise be inherited. Not when the country is the attacking side ('X launched ...': the
    agent is no candidate) nor the one that speaks of it ('X denied ...')."""
    if spec.place_is_venue or not doc.has_annotation("DEP"):
        return None
    countries = [p for p in candidates if gaz.country(p.text) is not None and not _speaks(doc, p)
                 and doc[p.start:p.end].root.dep_.startswith("nsubj") and doc[p.start:p.end].root.head.dep_ == "ROOT"]
    if len({gaz.country(p.text).country for p in countries}) != 1:
        return None
    return _reading(doc, s, countries[0])


def _names_a_topic(doc: Doc, s: SentenceView, p: Role) -> bool:
    """'talks on the status of X', 'a deal over X', 'discussions about X': what talks or a truce are
    about is no venue. 'the city of X' still names a place, whatever precedes it."""
    word = place_word_before(doc, p.start, s.span.start)
    if word not in TOPIC_PREPS:
        return False
    return not (word == "of" and p.start - 2 >= s.span.start and doc[p.start - 2].lower_ in SETTLEMENT_WORDS)


def _reading(doc: Doc, s: SentenceView, place: Role) -> PlaceMention:
    whole = place
    place = _core_name(doc, place)
    before = [doc[i].lower_ for i in range(max(s.span.start, place.start - 4), place.start)]
    after = doc[place.end].lower_ if place.end < s.span.end else ""
    region = after in REGION_WORDS or (len(before) >= 2 and before[-1] == "of" and before[-2] in REGION_WORDS)
    facility = place.label == "FAC" or after in FACILITIES
    near = any(w in NEAR_WORDS for w in before[-3:]) or facility
    start, end = place.start, place.end
    while start > s.span.start and doc[start - 1].lower_ in DIRECTIONS:
        start -= 1  # "southern Afghanistan": the part of the country the text names
    if facility and end < s.span.end and doc[end].lower_ in FACILITIES:
        end += 1
    start, end = min(start, whole.start), max(end, whole.end)
    written = doc[start:end].text if (start, end) != (place.start, place.end) else None
    return PlaceMention(place, region or (start < place.start and place.label != "FAC"), near, written)


def _core_name(doc: Doc, place: Role) -> Role:
    """'the northern Idlib region', tagged as one name: the name inside it ('Idlib'), whose direction and
    region word the reading takes from around it as for 'northern Idlib' or 'the Idlib region'."""
    start, end = place.start, place.end
    if doc[start].lower_ == "the" and end - start > 2:
        start += 1  # 'The Hague' stays as it is: only a direction or a region word is taken off
    first = start
    while end - start > 1 and doc[start].lower_ in DIRECTIONS:
        start += 1
    if end - start > 1 and doc[end - 1].lower_ in REGION_WORDS:
        end -= 1
    if (start, end) == (first, place.end) or not doc[start].text[:1].isupper():
        return place
    return Role(doc[start:end].text, place.id, start, end, place.label)


def _specificity(gaz: Gazetteer, p: Role) -> int:
    """0 a town or a site, 1 a region, 2 a country, 3 a region of several states ('the Middle East'):
    the most specific place the text gives wins."""
    if any(r.kind == WORLD_REGION for r in gaz.regions.get(_key(p.text), ())):
        return 3
    if gaz.country(p.text) is not None:
        return 2
    return 1 if gaz.regions.get(_key(p.text)) and not gaz.candidates(p.text) else 0


def event_location(doc: Doc, s: SentenceView, trig: Span, spec: EventType, used: list[Role | None],
                   gaz: Gazetteer) -> PlaceMention | None:
    """``used``: the roles already taken (the agent); a place that is the target ('shelled Orsk') is
    also where the event happened."""
    if spec.place_is_venue and (host := _hosting_city(doc, s, gaz)) is not None:
        return _reading(doc, s, host)
    used_spans = {(r.start, r.end) for r in used if r is not None}
    candidates = [p for p in place_candidates(doc, s, gaz)
                  if (p.start, p.end) not in used_spans and not _modifies_settlement(doc, s, p)
                  and not (spec.place_is_venue and (_locates_a_party(doc, s, p, trig) or _names_a_topic(doc, s, p)))
                  and not _place_of_another_event(doc, s, p, trig, spec)
                  and not _place_of_another_actor(doc, p, trig, used)
                  and not (p.end == trig.start and _is_state(gaz, p))]  # 'a U.S. drone strike': its side
    if doc.has_annotation("DEP"):
        # "captured Goma", "Lashio had been bombed", "seized the town of Sake": the attacked place.
        for child in trig.root.children:
            if child.dep_ not in {"obj", "nsubj:pass"}:
                continue
            heads = [child] + [c for c in child.children if c.dep_ in {"nmod", "nmod:poss", "appos", "flat", "compound"}]
            if child.lower_ in PART_WORDS and child.i + 1 < len(doc) and doc[child.i + 1].lower_ == "of":
                # "the Gaza side of the Rafah crossing": the place after "of" is the place
                after_of = [p for p in candidates if child.i + 1 < p.start <= child.i + 5]
                if after_of:
                    return _reading(doc, s, after_of[0])
            for head in heads:
                for p in candidates:
                    if p.start <= head.i < p.end:
                        return _reading(doc, s, p)
                run = _name_at(doc, head)
                if run is not None and not is_date_word(doc, *run, s) and gaz.named(doc[run[0]:run[1]].text):
                    return _reading(doc, s, Role(doc[run[0]:run[1]].text, None, run[0], run[1], "LOC"))
                if run is not None and (site := facility_site(doc, run, s.span.end, gaz)) is not None:
                    return _reading(doc, s, Role(doc[site[0]:site[1]].text, None, site[0], site[1], "FAC"))
    if not spec.place_is_venue and trig[-1].lower_ not in PASSAGE_PREPS:
        # "overran Musa Qala", "advanced toward el-Bur": a place right after the trigger is the one
        # acted on, however the parse attached it
        first = trig.end + 1 if trig.end < s.span.end and doc[trig.end].lower_ == "the" else trig.end
        after = [p for p in candidates if p.start == first] or known_name_at(doc, s, first, gaz)
        if after:
            return _reading(doc, s, after[0])
    locative = [p for p in candidates if place_word_before(doc, p.start, s.span.start) in LOCATIVE
                or (p.start > s.span.start and doc[p.start - 1].lower_ in SETTLEMENT_WORDS)
                or _renames_a_settlement(doc, s, p)]
    if not spec.location_in_sentence:
        # near the trigger, or inside its own phrase however long ('talks with the government and
        # opposition leaders in Gabon's capital, Libreville')
        locative = [p for p in locative if distance(p, trig.start, trig.end) <= LOCATION_WINDOW
                    or _in_own_phrase(doc, trig, p)]
    if not locative:
        return _dateline_place(doc, s, gaz) or _sentence_country(doc, s, candidates, spec, gaz)
    # The most specific ("forces in Libya shelled targets near Misrata": Misrata), then the nearest to
    # the trigger; on a tie the place after it ("attacked ... in Kharkiv").
    best = min(locative, key=lambda p: (_specificity(gaz, p), distance(p, trig.start, trig.end), p.start < trig.start))
    return _reading(doc, s, best)


CLAUSE_DEPS = {"acl", "acl:relcl", "relcl", "advcl", "ccomp", "xcomp", "parataxis", "conj"}


def _in_own_phrase(doc: Doc, trig: Span, p: Role) -> bool:
    """The place hangs off the trigger through nouns and prepositions only, with no clause in between
    ('talks with the government and opposition leaders in Gabon's capital, Libreville', not 'a truce
    proposal, which would halt fighting in Gaza')."""
    if not doc.has_annotation("DEP"):
        return False
    token, root = doc[p.start:p.end].root, trig.root
    for _ in range(MAX_PHRASE_HOPS):
        if token == root:
            return True
        if (token.dep_ in CLAUSE_DEPS and token.pos_ not in ("NOUN", "PROPN")) or token.head == token:
            return False
        token = token.head
    return False


MAX_PHRASE_HOPS = 8


def _renames_a_settlement(doc: Doc, s: SentenceView, p: Role) -> bool:
    """'in Gabon's capital, Libreville': the name after a settlement word and a comma is that place."""
    return p.start - 2 >= s.span.start and doc[p.start - 1].text == "," and doc[p.start - 2].lower_ in SETTLEMENT_WORDS


def referred_place(doc: Doc, s: SentenceView, trig: Span, recent: list[Role]) -> PlaceMention | None:
    """'regained control of the town', 'shelled the city again': the town the article last named."""
    if not recent:
        return None
    for tok in doc[trig.start:min(s.span.end, trig.end + 8)]:
        if tok.lower_ in REFERRING_PLACES and tok.i > 0 and doc[tok.i - 1].lower_ in ("the", "that", "this"):
            following = doc[tok.i + 1].lower_ if tok.i + 1 < s.span.end else ""
            if following != "of":  # "the town of X" names it
                return PlaceMention(recent[-1], False, False, doc[tok.i - 1:tok.i + 1].text)
    return None


def _dateline_place(doc: Doc, s: SentenceView, gaz: Gazetteer) -> PlaceMention | None:
    """'ISTANBUL — Delegations met ...': a lead sentence with no other place happened where it was filed."""
    start = s.span.start
    end = dateline_end(s.span)
    if end == start:
        return None
    words = [t for t in doc[start:end] if t.is_alpha]
    if not words:
        return None
    first = doc[words[0].i:words[0].i + 1]
    run_end = words[0].i + 1
    while run_end < end and doc[run_end].is_alpha:
        run_end += 1
    text = doc[words[0].i:run_end].text.title()
    if not gaz.named(text):
        return None
    return PlaceMention(Role(text, None, first.start, run_end, "LOC"), region=False, near=False)
