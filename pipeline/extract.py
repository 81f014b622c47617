"""Articles -> event Mention records, running the NLP pipeline over bodies in batches."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.ingest import content_hash
from pipeline.nlp.build import extractor_name, load_nlp
from pipeline.nlp.extract import EventDraft, extract_events
from pipeline.records import Article, Mention

NLP_BATCH_SIZE = 64


def mention_record(article: Article, draft: EventDraft, *, run_id: str, extractor: str) -> Mention:
    mention_id = content_hash(
        f"{article.article_id}\x1f{draft.event_type}\x1f{draft.trigger_start}\x1f{draft.trigger_end}"
    )[:32]
    period = draft.period
    return Mention(
        mention_id=mention_id,
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
        agent_id=draft.agent_ref.id if draft.agent_ref else None,
        agent_name=draft.agent_ref.name if draft.agent_ref else None,
        agent_country=draft.agent_ref.country if draft.agent_ref else None,
        agent_sector=draft.agent_ref.sector if draft.agent_ref else None,
        target=draft.target.text if draft.target else None,
        target_id=draft.target_ref.id if draft.target_ref else None,
        target_name=draft.target_ref.name if draft.target_ref else None,
        target_country=draft.target_ref.country if draft.target_ref else None,
        target_sector=draft.target_ref.sector if draft.target_ref else None,
        location=draft.location.role.text if draft.location else None,
        place_name=draft.place.name if draft.place else None,
        place_country=draft.place.country if draft.place else None,
        place_admin1=draft.place.admin1 if draft.place else None,
        latitude=draft.place.latitude if draft.place else None,
        longitude=draft.place.longitude if draft.place else None,
        geo_precision=draft.place.precision if draft.place else None,
        geonameid=draft.place.geonameid if draft.place else None,
        event_date=period.start if period else None,
        event_date_end=period.end if period else None,
        date_precision=draft.date_precision,
        date_text=draft.date_text,
        duration_days=draft.duration_days,
        count_value=draft.count.value if draft.count else None,
        count_unit=draft.count.unit if draft.count else None,
        count_approximate=draft.count.approximate if draft.count else None,
        count_text=draft.count.text if draft.count else None,
        plover_type=draft.plover_type or None,
        plover_mode=draft.plover_mode or None,
        cameo_code=draft.cameo or None,
        sentence=draft.sentence,
        sentence_start=draft.sentence_start,
        sentence_end=draft.sentence_end,
        confidence=draft.confidence,
        extractor=extractor,
        run_id=run_id,
    )


def extract_mentions(articles: Iterable[Article], *, run_id: str) -> list[Mention]:
    """Every event mention in the articles' bodies, in article order."""
    nlp = load_nlp()
    extractor = extractor_name(nlp)
    articles = list(articles)
    mentions: list[Mention] = []
    docs = nlp.pipe((a.body for a in articles), batch_size=NLP_BATCH_SIZE)
    for article, doc in zip(articles, docs, strict=True):
        for draft in extract_events(doc, article.published_date):
            mentions.append(mention_record(article, draft, run_id=run_id, extractor=extractor))
    return mentions
