"""Event mentions from an annotated Doc: pure, no I/O.

``extract_events(doc, published)`` reads the spans the pipeline marked
(entities, event triggers, modality cues, date expressions) and decides, per
sentence and trigger, the event type, agent and target (``roles``), location,
date and duration (``event_dates``), modality (``modality``) and who said so (``attribution``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from spacy.tokens import Doc, Span

from pipeline.nlp import modality as mod
from pipeline.nlp.attribution import attribution, is_quoted
from pipeline.nlp import references, roles
from pipeline.nlp.event_dates import duration_days, event_date, reported_date
from pipeline.nlp.context import ArticleContext, CONFLICT, article_context, off_topic, sentence_domains
from pipeline.nlp.confidence import confidence
from pipeline.nlp.coreference import link_references
from pipeline.nlp.negotiation import add_negotiating_parties, answerer_of_owned_proposal, bloc_gathering
from pipeline.nlp.opponents import add_opponents, side_of
from pipeline.nlp.truce_parties import add_truce_addressees
from pipeline.nlp.senses import is_reference, not_an_event, word_list
from pipeline.nlp.location import PlaceMention, event_location, place_candidates, referred_place
from pipeline.nlp.place_detail import specific_places, venues_of_agreements
from pipeline.nlp.quantities import Count, stated_count
from pipeline.nlp.patterns import EventType, actor_country, load_event_types
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import SentenceView, sentence_views, trimmed_bounds
from pipeline.normalize.dates import UNKNOWN, Period
from pipeline.normalize.actors import ActorRef, envoy_of, normalise
from pipeline.normalize.gazetteer import gazetteer
from pipeline.normalize.places import Context, Gazetteer, Place, initials_of
from pipeline.rules import load_actors

DENIAL_REACH = 5  # sentences back a bare denial ("denied the claims") looks for the claim it answers
# In an article that is not about armed conflict, a mention needs this many conflict cues of its own
# sentence (besides its trigger) to count: "Lloyd struck in the 96th minute" has none.
STRONG_EVIDENCE = 2


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
    location: PlaceMention | None
    place: Place | None
    period: Period | None
    date_text: str | None
    duration_days: int | None
    count: Count | None
    agent_ref: ActorRef | None
    target_ref: ActorRef | None
    plover_type: str
    plover_mode: str
    cameo: str
    confidence: float
    disputed_by: str | None = None  # who denied this claim in a later sentence
    disputed_by_id: str | None = None
    response: str | None = None  # proposals: accepted | rejected | violated
    responder: Role | None = None
    outcome: str | None = None  # talks: how they went, in the article's words
    sentence_index: int = 0  # which sentence of the article
    reference: bool = False  # "the offensive", "in the shelling": refers back to a reported event
    antecedent: int | None = None  # index, among the article's drafts, of the mention it refers back to
    inherited: tuple[str, ...] = ()  # fields taken from the other mentions of its event
    date_basis: str | None = None  # text | report | publication: how the date was decided (see event_dates.reported_date)
    implied_date: tuple | None = None  # (period, text, basis) to use if no mention of its chain states a date

    @property
    def date_precision(self) -> str:
        return self.period.precision if self.period else UNKNOWN


def _in_scope(doc: Doc, s: SentenceView, trig: Span, context: ArticleContext) -> bool:
    """Is this trigger about armed conflict? Not when its sentence is about sport, trade or the like,
    nor, in an article that is not about conflict, without strong evidence in its own sentence."""
    counts = sentence_domains(doc, s, trig)
    if off_topic(counts):
        return False
    return context.about_conflict or counts[CONFLICT] >= STRONG_EVIDENCE


def _draft(doc: Doc, text: str, sentences: list[SentenceView], index: int, trig: Span, spec: EventType,
           published: date | None, gaz: Gazetteer, where_am_i: Context) -> EventDraft | None:
    s = sentences[index]
    before = [c for c in s.cues if c.end <= trig.start]
    demands = [c for c in before if c.label_ == "DEMAND"]
    conditional = any(c.label_ == "CONDITIONAL" for c in before)
    if spec.requires_cue and not conditional and not any(c.label_ == spec.requires_cue for c in before):
        return None
    demand = demands[-1] if (spec.requires_cue == "DEMAND" and demands) else None
    anchor = demand or trig

    reference = doc.has_annotation("DEP") and is_reference(doc, s, trig, spec)
    found = roles.find_roles(doc, s, trig, spec, demand, sentences, index, reference=reference)
    agent, target = found.agent, found.target
    speaker = attribution(doc, s, trig, sentences, index)
    agent = _speakers_forces(doc, agent, speaker)
    where = event_location(doc, s, trig, spec, [agent], gaz) or referred_place(doc, s, trig, where_am_i.towns)
    place = gaz.resolve(where.role.text, near=where.near, region=where.region, context=where_am_i) if where else None
    if place is not None and place.latitude is not None and place.kind in ("town", "district"):
        where_am_i.seen.append((place.latitude, place.longitude))
    period, date_text = event_date(doc, s, [trig, anchor], published, spec)
    modality = mod.modality(doc, s, trig, anchor, spec, speaker is not None, bool(agent or target),
                            official=speaker is not None and _official(speaker), presupposed=reference)
    implied = None
    if period is None and not reference and _dated_by_report(spec, modality):
        implied = reported_date(doc, s, [trig, anchor], published)
    if agent is None and speaker is not None and spec.speaker_is_agent and is_quoted(s, trig) and not reference:
        agent = speaker  # '"Lay down your arms," the commander said': the speaker demands it
    if spec.requires_cue == "DEMAND" and agent is not None and target is not None and agent.id and target.id \
            and side_of(agent.id) is not None and side_of(agent.id) == side_of(target.id):
        target = None  # nobody asks their own side to surrender: 'they' was resolved to the wrong party
    if spec.name == "TALKS" and bloc_gathering(doc, trig, agent, target):
        return None  # "NATO leaders meeting in Wales": a bloc meeting itself is an internal meeting
    answer, responder = mod.response(doc, s, trig) if spec.default_modality == "proposed" else (None, None)
    if target is None and not spec.symmetric:
        target = answerer_of_owned_proposal(doc, trig, agent, responder)
        if target is not None and target.id is None and target.label == "NP":
            target = references.resolve_description(doc, sentences, index, target)  # "rebel forces will observe it"
    agent_ref = _actor_ref(doc, agent, speaker, s, sentences, index, published)
    target_ref = _actor_ref(doc, target, speaker, s, sentences, index, published)
    start, end = trimmed_bounds(s.span)
    draft = EventDraft(
        event_type=spec.name,
        trigger=trig.text,
        trigger_start=trig.start_char,
        trigger_end=trig.end_char,
        sentence=text[start:end],
        sentence_start=start,
        sentence_end=end,
        modality=modality,
        attribution=speaker.text if speaker else None,
        attribution_id=speaker.id if speaker else None,
        agent=agent,
        target=target,
        location=where,
        place=place,
        period=period,
        date_text=date_text,
        date_basis="text" if period else None,
        implied_date=implied if implied and implied[0] else None,
        duration_days=duration_days(doc, s, trig),
        count=stated_count(doc, s, trig),
        agent_ref=agent_ref,
        target_ref=target_ref,
        plover_type=spec.plover_event,
        plover_mode=spec.plover_mode,
        cameo=spec.cameo,
        confidence=0.0,
        response=answer,
        responder=responder,
        outcome=mod.outcome(s) if spec.symmetric else None,
        sentence_index=index,
        reference=reference,
    )
    return draft


def _date_implied(d: EventDraft) -> EventDraft:
    """An event no mention of its chain dates takes the date its report implies (event_dates.reported_date)."""
    if d.period is not None or d.implied_date is None:
        return d
    period, text, basis = d.implied_date
    return replace(d, period=period, date_text=text, date_basis=basis)


def _dated_by_report(spec: EventType, modality: str) -> bool:
    """Only what has happened (or, for a proposal, the call being made) takes the report's or the
    publication's date: not an intended attack, nor talks still to come."""
    if modality in ("hypothetical", "denied"):
        return False  # what did not happen has no day
    return modality != "proposed" or spec.dated_by_act


OFFICIAL_SECTORS = {"government", "military", "international", "diplomat", "police"}
OFFICIAL_WORDS = {"military", "army", "ministry", "government", "forces", "police", "mission", "command", "navy",
                  "president", "minister", "office", "spokesman", "spokeswoman", "spokesperson", "authorities"}


def _speakers_forces(doc: Doc, agent: Role | None, speaker: Role | None) -> Role | None:
    """'A Somali government official said troops retook the town', 'AMISOM says the joint forces have
    liberated ten towns': forces named only by their kind are, in an official's report, that side's."""
    if agent is None or speaker is None or agent.id or not speaker.id or not _official(speaker):
        return agent
    words = [t for t in doc[agent.start:agent.end] if not t.is_punct]
    if not words or words[-1].lower_ not in word_list("force_descriptions") \
            or any(t.ent_type_ or t.pos_ == "PROPN" for t in words):
        return agent
    side = side_of(speaker.id)
    if side is None:
        return agent
    forces = f"{side}_MIL" if len(side) == 3 and side.isupper() else side
    return replace(agent, id=forces, refers_to=speaker.text)


def _official(role: Role) -> bool:
    if role.id:
        actor = load_actors().get(role.id)
        if actor is not None:
            return actor.sector in OFFICIAL_SECTORS
        return role.id.endswith("_MIL") or (len(role.id) == 3 and role.id.isupper())
    return any(w in OFFICIAL_WORDS for w in role.text.lower().split())


def _actor_ref(doc: Doc, role: Role | None, speaker: Role | None, s: SentenceView,
               sentences: list[SentenceView], index: int, published: date | None) -> ActorRef | None:
    """Canonical actor for a role; 'his envoy' becomes the envoy of whoever 'his' refers to."""
    if role is None:
        return None
    ref = normalise(role.text, role.id, published=published)
    if ref.id is None and role.refers_to:  # 'the militant group', referring back to a name we do not know
        return ActorRef(None, role.refers_to, None, None)
    if ref.id is None and role.label == "ROLE":
        principal = speaker
        if principal is None:
            principal = references.antecedent(sentences, index, role.start, "person")
        noun = doc[role.start + 1].lower_.rstrip("s") if role.end - role.start >= 2 else "envoy"
        if principal is not None and principal.id and (envoy := envoy_of(principal.id, noun)):
            return normalise(role.text, envoy, published=published)
    return ref


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
        place=first.place if first.location else other.place,
        period=first.period or other.period,
        date_text=first.date_text if first.period else other.date_text,
        date_basis=first.date_basis if first.period else other.date_basis,
        implied_date=first.implied_date or other.implied_date,
        duration_days=first.duration_days if first.duration_days is not None else other.duration_days,
        count=first.count or other.count,
        response=first.response or other.response,
        responder=first.responder or other.responder,
        outcome=first.outcome or other.outcome,
        agent_ref=first.agent_ref or other.agent_ref,
        target_ref=first.target_ref or other.target_ref,
        attribution=first.attribution or other.attribution,
        attribution_id=first.attribution_id or other.attribution_id,
    )
    return merged


def _geographic_context(doc: Doc, sentences: list[SentenceView], gaz: Gazetteer) -> Context:
    """Where the article is: the countries of its actors and of the countries it names, and the country
    of its dateline ('KHARTOUM —'). Places of the same name are chosen with it."""
    countries = {c for s in sentences for r in s.actors if (c := actor_country(r.id))}
    countries |= {p.country for s in sentences for r in s.places if (p := gaz.country(r.text)) and p.country}
    initials = {short: r.text for s in sentences for r in s.places
                if gaz.country(r.text) is not None and (short := initials_of(r.text))}
    dateline = None
    for s in sentences[:3]:
        if s.body_start > s.span.start:
            head = doc[s.span.start:s.body_start].text.strip(" \u2014\u2013-:")
            first = head.split("/")[0].split("(")[0].strip().title()
            if first and (p := gaz.resolve(first, context=Context(frozenset(countries)))) is not None:
                dateline = p.country
            break
    return Context(frozenset(countries), dateline, initials=initials)


def _made_from(doc: Doc, text: str) -> bool:
    """A cheap check that ``text`` is the Doc's own: the tokenizer keeps every character, so
    the last token ends where the text does."""
    if not len(doc):
        return text == ""
    last = doc[-1]
    return last.idx + len(last.text_with_ws) == len(text) and text.startswith(doc[0].text, doc[0].idx)


def extract_events(doc: Doc, published: date | None, text: str | None = None) -> list[EventDraft]:
    """All event mentions in a processed Doc, in text order. ``text``, when given, is the string
    the Doc was made from: spaCy rebuilds ``doc.text`` token by token on every access, which
    cost 3% of extraction."""
    types = load_event_types()
    if text is None or not _made_from(doc, text):
        text = doc.text
    sentences = sentence_views(doc, text)
    gaz = gazetteer()
    context = article_context(doc, sentences)
    where_am_i = _geographic_context(doc, sentences, gaz)
    drafts: list[EventDraft] = []
    last_claims: list[tuple[int, int]] = []  # (sentence index, draft index) of claimed mentions
    for index, s in enumerate(sentences):
        if not s.triggers and (denier := mod.denial_of_claims(doc, s, sentences, index)) is not None:
            # "Ukraine's military leadership denied the claims.": the latest claim nearby is disputed.
            recent = [k for i, k in last_claims if index - i <= DENIAL_REACH]
            if recent:
                k = recent[-1]
                drafts[k] = replace(drafts[k], disputed_by=denier.text, disputed_by_id=denier.id)
        found: list[EventDraft] = []
        for trig in s.triggers:
            spec = types.get(trig.label_)
            if spec is None or not _in_scope(doc, s, trig, context) or not_an_event(doc, s, trig, spec):
                continue
            draft = _draft(doc, text, sentences, index, trig, spec, published, gaz, where_am_i)
            if draft is None:
                continue
            for k, prior in enumerate(found):
                if (prior.event_type == draft.event_type and prior.modality == draft.modality
                        and prior.reference == draft.reference and _same_actor(prior.agent, draft.agent)):
                    found[k] = _merge(prior, draft)
                    break
            else:
                found.append(draft)
        for draft in found:
            if draft.modality == "claimed":
                last_claims.append((index, len(drafts)))
            drafts.append(draft)
        where_am_i.towns.extend(p for p in place_candidates(doc, s, gaz)
                                if (town := gaz.resolve(p.text, context=where_am_i)) is not None and town.kind == "town")
    drafts = venues_of_agreements(specific_places(drafts))
    drafts = add_opponents(add_negotiating_parties(link_references(drafts, published)), sentences, published)
    drafts = add_truce_addressees(drafts, published)
    drafts = [_date_implied(d) for d in drafts]
    return [replace(d, confidence=confidence(d, context.conflict)) for d in drafts]
