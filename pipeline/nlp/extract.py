"""Event mentions from an annotated Doc: pure, no I/O.

``extract_events(doc, published)`` reads the spans the pipeline marked
(entities, event triggers, modality cues, date expressions) and decides, per
sentence and trigger, the event type, agent, target, location, date,
modality, attribution and stated duration.

Roles come from the sentence's surface structure in this version: "between X
and Y", passive "by"-agents, a demand verb's subject and object, a
proposal's owner, and otherwise the nearest actor to the left that is not
inside a prepositional phrase, within the same clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Span

from pipeline.nlp.build import CUES_KEY, DATES_KEY, TRIGGERS_KEY
from pipeline.nlp.patterns import EventType, load_event_types
from pipeline.normalize.dates import UNKNOWN, Period, resolve_date

ACTOR_LABELS = {"PERSON", "PER", "ORG", "GPE", "NORP", "ROLE", "LOC"}
PLACE_LABELS = {"GPE", "LOC"}
PERSON_LABELS = {"PERSON", "PER"}

# A name right after one of these is inside a prepositional phrase: not a subject.
PREPOSITIONS = {"in", "into", "of", "near", "at", "to", "for", "from", "against", "on", "with", "across",
                "toward", "towards", "outside", "inside", "around", "over", "through", "between", "by",
                "about", "under", "within", "beyond", "along", "behind", "upon", "among", "amid"}
LOCATIVE = {"in", "into", "near", "at", "outside", "inside", "around", "across", "toward", "towards", "of",
            "on", "over", "through", "within", "along", "from"}
TARGET_PREPS = {"against", "on", "into", "at", "toward", "towards", "with"}
SKIPPABLE = {"the", "a", "an", "its", "their", "his", "her"}
# Words that end a clause when searching leftwards for a subject.
CLAUSE_BREAKS = {",", ";", ":", "as", "while", "but", "although", "though", "because", "after", "before",
                 "when", "since", "that", "which", "who", "whereas", "said", "says", "told", "(", ")",
                 "\u2014", "\u2013"}
QUOTES = {'"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e"}
OPENING_QUOTES = {"\u201c", "\u00ab", "\u201e"}
CLOSING_QUOTES = {"\u201d", "\u00bb"}
LOCATION_WINDOW = 10  # tokens between trigger and place, unless the type takes the sentence's place
PRONOUNS = {"he", "she", "they", "it"}
ROLE_SUFFIX = {"leader", "president", "envoy", "army", "military", "forces", "troops", "government",
               "foreign", "defence", "defense", "prime", "negotiators", "delegation", "officials"}

MIN_QUOTE_TOKENS = 4  # shorter quotes are scare quotes ('"surrender"'), not reported speech
NEGATION_WINDOW = 3
MODAL_WINDOW = 4


@dataclass(frozen=True)
class Role:
    """An actor or place mention: its words as written, curated id if known, token span."""

    text: str
    id: str | None
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class EventDraft:
    """One event mention before it is tied to an article and a run."""

    event_type: str
    trigger: str
    trigger_start: int  # character offsets into doc.text
    trigger_end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    modality: str
    attribution: str | None
    attribution_id: str | None
    agent: Role | None
    target: Role | None
    location: Role | None
    period: Period | None
    date_text: str | None
    duration_days: int | None
    confidence: float

    @property
    def date_precision(self) -> str:
        return self.period.precision if self.period else UNKNOWN


@dataclass
class _Sentence:
    """Everything extraction needs about one sentence, gathered once."""

    span: Span
    actors: list[Role]
    places: list[Role]
    triggers: list[Span]
    cues: list[Span]
    dates: list[Span]
    quotes: list[tuple[int, int]]


def _within(span: Span, sent: Span) -> bool:
    return span.start >= sent.start and span.end <= sent.end


def _role(span: Span) -> Role:
    return Role(span.text, span.ent_id_ or None, span.start, span.end, span.label_)


def _actor_roles(doc: Doc, ents: list[Span]) -> list[Role]:
    """Actor mentions, extended over possessive roles ("Russia's leader") and appositions ("his envoy X")."""
    roles: list[Role] = []
    i = 0
    while i < len(ents):
        ent = ents[i]
        role = _role(ent)
        # "his envoy Steve Witkoff": the role noun and the name are one actor, named by the name.
        if ent.label_ == "ROLE" and i + 1 < len(ents) and ents[i + 1].start == ent.end:
            nxt = ents[i + 1]
            role = Role(doc[ent.start:nxt.end].text, nxt.ent_id_ or None, ent.start, nxt.end, nxt.label_)
            i += 1
        # "Russia's leader", "Ukraine's General Staff": the possessor's id stands until actors are normalised.
        end = role.end
        if end + 1 < len(doc) and doc[end].text in ("'s", "\u2019s", "'") and doc[end + 1].lower_ in ROLE_SUFFIX:
            stop = end + 2
            if stop < len(doc) and doc[end + 1].lower_ in {"foreign", "defence", "defense", "prime"}:
                stop += 1
            role = Role(doc[role.start:stop].text, role.id, role.start, stop, role.label)
        roles.append(role)
        i += 1
    return roles


def _quote_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges inside quotation marks (exclusive of the marks); a paragraph break closes a quote."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for t in doc:
        if t.is_space and "\n" in t.text:
            open_at = None
        elif t.text in QUOTES:
            opening = t.text in OPENING_QUOTES or (t.text not in CLOSING_QUOTES and open_at is None)
            if opening:
                open_at = t.i
            elif open_at is not None:
                spans.append((open_at + 1, t.i))
                open_at = None
    return spans


def _in_quote(start: int, end: int, quotes: list[tuple[int, int]], min_tokens: int = 1) -> bool:
    return any(a <= start and end <= b and b - a >= min_tokens for a, b in quotes)


def _preceding_word(doc: Doc, start: int, floor: int) -> str | None:
    """The first word before token ``start`` that is not an article or possessive determiner."""
    i = start - 1
    while i >= floor and (doc[i].lower_ in SKIPPABLE or doc[i].is_space):
        i -= 1
    return doc[i].lower_ if i >= floor else None


def _is_oblique(doc: Doc, role: Role, floor: int) -> bool:
    return _preceding_word(doc, role.start, floor) in PREPOSITIONS


def _clause_floor(doc: Doc, sent: Span, token: int) -> int:
    """The first token of the clause that holds ``token``, scanning left to a clause break."""
    i = token - 1
    while i >= sent.start:
        if doc[i].lower_ in CLAUSE_BREAKS:
            return i + 1
        i -= 1
    return sent.start


def _nearest_left_actor(doc: Doc, s: _Sentence, token: int, *, allow_oblique: bool = False) -> Role | None:
    floor = _clause_floor(doc, s.span, token)
    best = None
    for role in s.actors:
        if role.end <= token and role.start >= floor:
            if allow_oblique or not _is_oblique(doc, role, s.span.start):
                best = role
    return best


def _first_actor_after(s: _Sentence, token: int, limit: int | None = None) -> Role | None:
    for role in s.actors:
        if role.start >= token and (limit is None or role.start < limit):
            return role
    return None


def _find_word(doc: Doc, start: int, stop: int, words: set[str]) -> int | None:
    for i in range(start, min(stop, len(doc))):
        if doc[i].lower_ in words:
            return i
    return None


def _between_roles(doc: Doc, s: _Sentence, trig: Span) -> tuple[Role | None, Role | None] | None:
    """'talks between X and Y' -> (X, Y)."""
    b = _find_word(doc, trig.start, min(trig.end + 6, s.span.end), {"between"})
    if b is None:
        return None
    first = _first_actor_after(s, b + 1)
    if first is None:
        return None
    second = None
    for role in s.actors:
        if role.start > first.end and _find_word(doc, first.end, role.start, {"and", "&"}) is not None:
            second = role
            break
    return first, second


def _passive_agent(doc: Doc, s: _Sentence, trig: Span) -> Role | None:
    """'surrounded by the Russian military', 'attacked by drones' -> the by-phrase actor."""
    if trig[-1].lower_ == "by":
        by = trig.end - 1
    else:
        by = _find_word(doc, trig.end, min(trig.end + 3, s.span.end), {"by"})
    if by is None:
        return None
    role = _first_actor_after(s, by + 1, limit=by + 5)
    return role


def _proposal_owner(doc: Doc, s: _Sentence, trig: Span) -> Role | None:
    """'a US-Ukrainian proposal for a pause', 'Russia's ceasefire offer', 'Qatar proposed a truce'."""
    anchors = [c for c in s.cues if c.label_ == "PROPOSAL" and abs(c.start - trig.start) <= 6]
    anchors.append(trig)
    for anchor in anchors:
        # Owner written right before the anchor: adjective, compound or possessive.
        i = anchor.start - 1
        while i >= s.span.start and (doc[i].text in ("-", "'s", "\u2019s") or doc[i].lower_ in SKIPPABLE
                                     or doc[i].like_num or doc[i].lower_ in {"day", "week", "month"}):
            i -= 1
        for role in s.actors:
            if role.start <= i < role.end:
                start = role.start
                # A compound owner such as "US-Ukrainian" reads as one agent.
                text_start = start
                for other in s.actors:
                    if other.end <= start and doc[other.end:start].text in ("-", "\u2013", " and "):
                        text_start = other.start
                first = next(r for r in s.actors if r.start == text_start) if text_start != start else role
                return Role(doc[text_start:role.end].text, first.id, text_start, role.end, first.label)
        adjectival = anchor.start > s.span.start and doc[anchor.start - 1].lower_ in {"a", "an", "the"}
        if anchor is not trig and not adjectival and doc[anchor.start].lower_ in {"proposed", "offered",
                                                                                   "suggested", "urged"}:
            subj = _nearest_left_actor(doc, s, anchor.start)
            if subj is not None:
                return subj
    return None


def _location(doc: Doc, s: _Sentence, trig: Span, spec: EventType, used: list[Role | None]) -> Role | None:
    used_spans = {(r.start, r.end) for r in used if r is not None}
    candidates = [
        p for p in s.places
        if (p.start, p.end) not in used_spans and _preceding_word(doc, p.start, s.span.start) in LOCATIVE
    ]
    if not spec.location_in_sentence:
        candidates = [p for p in candidates if _distance(p, trig.start, trig.end) <= LOCATION_WINDOW]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (abs(p.start - trig.start), p.start < trig.start))


def _is_modifier(doc: Doc, ent: Span) -> bool:
    """'US-Ukrainian proposal': a name joined by a hyphen to the next word modifies it; it is no place."""
    return ent.end < len(doc) and doc[ent.end].text in ("-", "\u2013")


def _distance(a: Span | Role, b_start: int, b_end: int) -> int:
    if a.end <= b_start:
        return b_start - a.end
    if b_end <= a.start:
        return a.start - b_end
    return 0


def _date(s: _Sentence, anchors: list[Span], published: date | None) -> tuple[Period | None, str | None]:
    best: tuple[int, Period, str] | None = None
    for d in s.dates:
        period = resolve_date(d.text, published)
        if period is None:
            continue
        dist = min(_distance(a, d.start, d.end) for a in anchors)
        if best is None or dist < best[0]:
            best = (dist, period, d.text)
    return (best[1], best[2]) if best else (None, None)


_DURATION = re.compile(r"(\d+)\s*-?\s*(hour|day|week|month)s?\b", re.IGNORECASE)
_UNIT_DAYS = {"hour": None, "day": 1, "week": 7, "month": 30}


def _duration_days(doc: Doc, s: _Sentence, trig: Span) -> int | None:
    """'a 30-day ceasefire', 'a 72-hour truce' (hours are not whole days: NULL)."""
    window = doc[max(s.span.start, trig.start - 6):trig.end].text
    matches = list(_DURATION.finditer(window))
    if not matches:
        return None
    m = matches[-1]
    per = _UNIT_DAYS[m[2].lower()]
    return int(m[1]) * per if per else None


def _speaker(doc: Doc, s: _Sentence, cue: Span, sentences: list[_Sentence], index: int) -> Role | None:
    """Who said it: the actor or pronoun next to a reporting verb; pronouns resolve to a person before."""
    if cue.text.lower() == "according":
        return _first_actor_after(s, cue.end, limit=cue.end + 4)
    prev = cue.start - 1
    if prev >= s.span.start and doc[prev].lower_ in PRONOUNS:
        return _resolve_pronoun(s, prev, sentences, index)
    for role in reversed(s.actors):
        if role.end <= cue.start and cue.start - role.end <= 1 and not _in_quote(role.start, role.end, s.quotes):
            return role
    after = _first_actor_after(s, cue.end, limit=cue.end + 3)
    if after is not None:
        return after
    return None


def _resolve_pronoun(s: _Sentence, token: int, sentences: list[_Sentence], index: int) -> Role | None:
    """'he' -> the first person named in the sentence, else the last person of the previous sentences."""
    for role in s.actors:
        if role.label in PERSON_LABELS and role.end <= token:
            return role
    for back in range(index - 1, max(-1, index - 4), -1):
        people = [r for r in sentences[back].actors if r.label in PERSON_LABELS]
        if people:
            return people[-1]
    return None


def _attribution(doc: Doc, s: _Sentence, trig: Span, sentences: list[_Sentence], index: int) -> Role | None:
    reports = [c for c in s.cues if c.label_ == "REPORT" and not _in_quote(c.start, c.end, s.quotes)]
    if not reports:
        return None
    if _in_quote(trig.start, trig.end, s.quotes, MIN_QUOTE_TOKENS):
        return _speaker(doc, s, reports[0], sentences, index)
    before = [c for c in reports if c.end <= trig.start]
    if before:
        return _speaker(doc, s, before[-1], sentences, index)
    return None


def _modality(
    doc: Doc, s: _Sentence, trig: Span, anchor: Span, spec: EventType, attributed: bool, has_parties: bool
) -> str:
    before = [c for c in s.cues if c.end <= trig.start]
    if any(c.label_ == "DENIAL" for c in before):
        return "denied"
    if any(c.label_ == "NEGATION" and trig.start - c.end <= NEGATION_WINDOW for c in before):
        return "denied"
    if any(c.label_ == "CONDITIONAL" for c in before):
        return "hypothetical"
    if spec.default_modality != "proposed" and any(
        c.label_ == "MODAL" and 0 <= anchor.start - c.end <= MODAL_WINDOW for c in s.cues
    ):
        return "hypothetical"
    if spec.default_modality != "asserted":
        return spec.default_modality
    if spec.name == "TALKS" and not has_parties:
        return "hypothetical"  # "peace talks" with nobody named: talk about talks, not a meeting
    if attributed:
        return "claimed"
    return "asserted"


def _confidence(draft: EventDraft) -> float:
    """A transparent score: evidence found for each slot raises it, hedges lower it."""
    score = 0.45
    score += 0.2 if draft.agent else 0.0
    score += 0.1 if (draft.target or draft.location) else 0.0
    score += 0.1 if draft.period else 0.0
    score += 0.1 if draft.modality in ("asserted", "proposed") else 0.0
    score -= 0.15 if draft.modality == "hypothetical" else 0.0
    return round(min(max(score, 0.05), 0.95), 2)


def _gather(doc: Doc) -> list[_Sentence]:
    triggers = list(doc.spans[TRIGGERS_KEY]) if TRIGGERS_KEY in doc.spans else []
    cues = list(doc.spans[CUES_KEY]) if CUES_KEY in doc.spans else []
    dates = list(doc.spans[DATES_KEY]) if DATES_KEY in doc.spans else []
    actors_all = _actor_roles(doc, [e for e in doc.ents if e.label_ in ACTOR_LABELS])
    places_all = [_role(e) for e in doc.ents if e.label_ in PLACE_LABELS and not _is_modifier(doc, e)]
    quotes = _quote_spans(doc)
    out = []
    for sent in doc.sents:
        out.append(_Sentence(
            span=sent,
            actors=[r for r in actors_all if r.start >= sent.start and r.end <= sent.end],
            places=[r for r in places_all if r.start >= sent.start and r.end <= sent.end],
            triggers=sorted((t for t in triggers if _within(t, sent)), key=lambda t: t.start),
            cues=sorted((c for c in cues if _within(c, sent)), key=lambda c: c.start),
            dates=[d for d in dates if _within(d, sent)],
            quotes=[(a, b) for a, b in quotes if a < sent.end and b > sent.start],
        ))
    return out


def _sentence_bounds(sent: Span) -> tuple[int, int]:
    """Character offsets of the sentence without surrounding whitespace."""
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return start, end


def _draft(doc: Doc, sentences: list[_Sentence], index: int, trig: Span, spec: EventType,
           published: date | None) -> EventDraft | None:
    s = sentences[index]
    demand = [c for c in s.cues if c.label_ == "DEMAND" and c.end <= trig.start]
    conditional = any(c.label_ == "CONDITIONAL" and c.end <= trig.start for c in s.cues)
    if spec.requires_cue and not conditional and not any(
        c.label_ == spec.requires_cue and c.end <= trig.start for c in s.cues
    ):
        return None
    anchor = demand[-1] if (spec.requires_cue == "DEMAND" and demand) else trig

    agent = target = None
    between = _between_roles(doc, s, trig)
    if between:
        agent, target = between
    elif (passive := _passive_agent(doc, s, trig)) is not None:
        agent = passive
        target = _nearest_left_actor(doc, s, trig.start, allow_oblique=True)
    elif spec.requires_cue == "DEMAND" and demand:
        agent = _nearest_left_actor(doc, s, anchor.start)
        target = _first_actor_after(s, anchor.end, limit=trig.start)
    elif spec.default_modality == "proposed":
        agent = _proposal_owner(doc, s, trig)
        target = None
    else:
        agent = _nearest_left_actor(doc, s, trig.start)
        # "Russia and Ukraine held talks": the first named is the agent, the other the target.
        if agent is not None and spec.name == "TALKS":
            for role in s.actors:
                if role.end <= agent.start and doc[role.end:agent.start].text.strip() in ("and", "&"):
                    agent, target = role, agent
        if target is None:
            for role in s.actors:
                if role.start >= trig.end and _preceding_word(doc, role.start, s.span.start) in TARGET_PREPS:
                    if not (role.label in PLACE_LABELS and doc[role.start - 1].lower_ in {"in", "near", "at"}):
                        target = role
                        break

    speaker = _attribution(doc, s, trig, sentences, index)
    location = _location(doc, s, trig, spec, [agent, target])
    period, date_text = _date(s, [trig, anchor], published)
    modality = _modality(doc, s, trig, anchor, spec, speaker is not None, bool(agent or target))
    quoted = _in_quote(trig.start, trig.end, s.quotes, MIN_QUOTE_TOKENS)
    if agent is None and speaker is not None and spec.speaker_is_agent and quoted:
        agent = speaker
    start, end = _sentence_bounds(s.span)
    draft = EventDraft(
        event_type=spec.name,
        trigger=trig.text,
        trigger_start=trig.start_char,
        trigger_end=trig.end_char,
        sentence=doc.text[start:end],
        sentence_start=start,
        sentence_end=end,
        modality=modality,
        attribution=speaker.text if speaker else None,
        attribution_id=speaker.id if speaker else None,
        agent=agent,
        target=target,
        location=location,
        period=period,
        date_text=date_text,
        duration_days=_duration_days(doc, s, trig),
        confidence=0.0,
    )
    return replace(draft, confidence=_confidence(draft))


def _same_actor(a: Role | None, b: Role | None) -> bool:
    if a is None or b is None:
        return True
    return (a.id is not None and a.id == b.id) or a.text == b.text


def _merge(first: EventDraft, other: EventDraft) -> EventDraft:
    """Two triggers of one type for one actor in one sentence are one mention ('counteroffensive ... recapturing')."""
    merged = replace(
        first,
        agent=first.agent or other.agent,
        target=first.target or other.target,
        location=first.location or other.location,
        period=first.period or other.period,
        date_text=first.date_text if first.period else other.date_text,
        duration_days=first.duration_days if first.duration_days is not None else other.duration_days,
        attribution=first.attribution or other.attribution,
        attribution_id=first.attribution_id or other.attribution_id,
    )
    return replace(merged, confidence=_confidence(merged))


def extract_events(doc: Doc, published: date | None) -> list[EventDraft]:
    """All event mentions in a processed Doc, in text order."""
    types = load_event_types()
    sentences = _gather(doc)
    drafts: list[EventDraft] = []
    for index, s in enumerate(sentences):
        found: list[EventDraft] = []
        for trig in s.triggers:
            spec = types.get(trig.label_)
            if spec is None:
                continue
            draft = _draft(doc, sentences, index, trig, spec, published)
            if draft is None:
                continue
            for k, prior in enumerate(found):
                if (prior.event_type == draft.event_type and prior.modality == draft.modality
                        and _same_actor(prior.agent, draft.agent)):
                    found[k] = _merge(prior, draft)
                    break
            else:
                found.append(draft)
        drafts.extend(found)
    return drafts
