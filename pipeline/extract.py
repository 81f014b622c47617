"""Articles -> event Mention records, running the NLP pipeline over bodies in batches."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext

from pipeline.ingest.ids import content_hash
from pipeline.nlp.build import extractor_name, load_nlp
from pipeline.nlp.extract import EventDraft, extract_events
from pipeline.nlp.selective import annotated
from pipeline.records import Article, Mention

NLP_BATCH_SIZE = 64
WARM_UP_TEXTS = 1000
_warmed: dict[int, int] = {}  # id(nlp) -> texts it has read


def _columns(source: object | None, **columns: str) -> dict:
    """Record columns read from one normalised value's attributes; all NULL when there is none."""
    return {col: (getattr(source, attr) if source is not None else None) for col, attr in columns.items()}


def mention_id(article_id: str, event_type: str, trigger_start: int, trigger_end: int) -> str:
    """Stable across runs: the same trigger in the same article is the same mention."""
    return content_hash(f"{article_id}\x1f{event_type}\x1f{trigger_start}\x1f{trigger_end}")[:32]


def interop_columns(draft: EventDraft) -> dict:
    """PLOVER and CAMEO codes (the taxonomy's, refined by an OFFENSIVE's sub-type), the sub-type, the
    people reported killed, and the Goldstein scale and QuadClass of the CAMEO code."""
    from pipeline.crosswalk import cameo_scales, crosswalk, crosswalk_rows
    from pipeline.nlp.fatalities import fatality_patterns, reported_fatalities
    from pipeline.nlp.sub_types import offensive_sub_type, sub_type_cues
    from pipeline.rules import data_dir

    folder = data_dir()
    plover_type, plover_mode, cameo = draft.plover_type or None, draft.plover_mode or None, draft.cameo or None
    sub_type = killed = None
    if draft.event_type == "OFFENSIVE":
        sub_type = offensive_sub_type(draft.trigger, draft.sentence, draft.trigger_start - draft.sentence_start,
                                      sub_type_cues(folder))
        agent_type = draft.agent_ref.type if draft.agent_ref else None
        target_type = draft.target_ref.type if draft.target_ref else None
        row = crosswalk(draft.event_type, sub_type, target_type, agent_type, crosswalk_rows(folder))
        if row is not None and row.sub_type:
            plover_type, plover_mode, cameo = row.plover_type or None, row.plover_mode or None, row.cameo_code or None
        killed = reported_fatalities(draft.sentence, fatality_patterns(folder))
    goldstein, quad = cameo_scales(folder).get(cameo or "", (None, None))
    return dict(plover_type=plover_type, plover_mode=plover_mode, cameo_code=cameo, sub_type=sub_type,
                fatalities=killed.killed if killed else None,
                fatalities_approximate=killed.approximate if killed else None, goldstein=goldstein, quad_class=quad)


def mention_record(article: Article, draft: EventDraft, *, run_id: str, extractor: str,
                   antecedent_id: str | None = None) -> Mention:
    period = draft.period
    return Mention(
        mention_id=mention_id(article.article_id, draft.event_type, draft.trigger_start, draft.trigger_end),
        event_id=None,
        article_id=article.article_id,
        source_path=article.source_path,
        published_date=article.published_date,
        event_type=draft.event_type,
        trigger=draft.trigger,
        trigger_start=draft.trigger_start,
        trigger_end=draft.trigger_end,
        modality=draft.modality,
        attribution=draft.attribution,
        attribution_id=draft.attribution_id,
        disputed_by=draft.disputed_by,
        agent=draft.agent.text if draft.agent else None,
        **_columns(draft.agent_ref, agent_id="id", agent_name="name", agent_country="country",
                   agent_sector="sector", agent_type="type"),
        target=draft.target.text if draft.target else None,
        **_columns(draft.target_ref, target_id="id", target_name="name", target_country="country",
                   target_sector="sector", target_type="type"),
        location=draft.location.text if draft.location else None,
        **_columns(draft.place, place_name="name", place_country="country", place_admin1="admin1",
                   place_admin1_code="admin1_code", place_admin2="admin2",
                   latitude="latitude", longitude="longitude", geo_precision="precision", geonameid="geonameid"),
        event_date=period.start if period else None,
        event_date_end=period.end if period else None,
        date_precision=draft.date_precision,
        date_text=draft.date_text,
        date_basis=draft.date_basis,
        duration_days=draft.duration_days,
        **_columns(draft.count, count_value="value", count_unit="unit", count_approximate="approximate",
                   count_text="text"),
        response=draft.response,
        responder=draft.responder.text if draft.responder else None,
        outcome=draft.outcome,
        **interop_columns(draft),
        sentence=draft.sentence,
        sentence_start=draft.sentence_start,
        sentence_end=draft.sentence_end,
        confidence=draft.confidence,
        antecedent_id=antecedent_id,
        inherited=draft.inherited,
        extractor=extractor,
        run_id=run_id,
    )


def extract_mentions(articles: Iterable[Article], *, run_id: str) -> list[Mention]:
    """Every event mention in the articles' bodies, in article order.

    Inside a memory zone: every new word a text brings is otherwise kept in the shared vocabulary
    for good, so a worker's memory would grow with all the news it has ever read. Records hold
    plain strings, never Doc objects, so nothing outlives the zone. A zone also leaves the
    tokenizer's cache unfilled (5% slower), so a process's first WARM_UP_TEXTS fill it outside one."""
    nlp = load_nlp()
    extractor = extractor_name(nlp)
    articles = list(articles)
    mentions: list[Mention] = []
    warm = _warmed.get(id(nlp), 0) >= WARM_UP_TEXTS
    _warmed[id(nlp)] = _warmed.get(id(nlp), 0) + len(articles)
    with nlp.memory_zone() if warm else nullcontext():
        docs = annotated(nlp, (a.body for a in articles), batch_size=NLP_BATCH_SIZE)
        for article, doc in zip(articles, docs, strict=True):
            drafts = extract_events(doc, article.published_date, article.body)
            ids = [mention_id(article.article_id, d.event_type, d.trigger_start, d.trigger_end) for d in drafts]
            for draft in drafts:
                antecedent = ids[draft.antecedent] if draft.antecedent is not None else None
                mentions.append(mention_record(article, draft, run_id=run_id, extractor=extractor,
                                               antecedent_id=antecedent))
    return mentions
