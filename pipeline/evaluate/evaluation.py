"""A folder of articles scored against its gold file, as `frontline eval` prints it.

Mentions are clustered into events exactly as a run would, one article at a
time counting at event level; nothing is written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.events.assign import assign_events
from pipeline.evaluate.event_scores import EventScores, format_article_errors, format_event_scores, score_events
from pipeline.evaluate.gold import file_key, load_gold
from pipeline.evaluate.mention_scores import Scores, format_scores, score
from pipeline.extract import extract_mentions
from pipeline.ingest.read import read_folder


@dataclass(frozen=True)
class Evaluation:
    articles: int
    gold: int
    mentions: int
    scores: Scores  # mention level
    events: EventScores


def evaluate_folder(gold_file: Path, input_dir: Path) -> Evaluation:
    """Read the gold file (GoldError when malformed) and every article under ``input_dir``, extract and
    cluster their mentions, and score them at mention and event level."""
    gold = load_gold(Path(gold_file))
    root = Path(input_dir)
    read = read_folder(root, run_id="eval", now=datetime.now(timezone.utc))
    keys = {a.article_id: file_key(a) for a in read.articles}
    mentions, _ = assign_events(extract_mentions(read.articles, run_id="eval"),
                                {a.article_id: a.outlet for a in read.articles})
    predicted = [(keys[m.article_id], m) for m in mentions]
    return Evaluation(len(read.articles), len(gold), len(mentions), score(gold, predicted),
                      score_events(gold, predicted))


def evaluation_json(ev: Evaluation, show_errors: bool) -> dict:
    """The scores as `frontline eval --json` prints them; errors only with ``show_errors``."""
    out = ev.scores.to_json()
    out["errors"] = out["errors"] if show_errors else []
    out["events"] = ev.events.to_json()
    if show_errors:
        out["events"]["errors_by_article"] = ev.events.errors_by_article()
    out["articles"] = ev.articles
    return out


def evaluation_text(ev: Evaluation, show_errors: bool) -> str:
    """The scores as `frontline eval` prints them: mention level, event level, then (``show_errors``)
    per article what was missed and what no gold supports."""
    parts = [f"{ev.articles} articles, {ev.gold} gold events, {ev.mentions} predicted mentions\n",
             format_scores(ev.scores), "", format_event_scores(ev.events)]
    if show_errors:
        parts += ["", format_article_errors(ev.events)]
    return "\n".join(parts)
