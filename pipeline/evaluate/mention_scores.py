"""Mention-level scores: each gold event matched to at most one predicted mention, fields exact.

A predicted mention matches a gold event when article, event type and evidence
sentence agree (one sentence contains the other after whitespace and quote
normalisation, which tolerates segmentation differences). Matching is
one-to-one; among candidates the one agreeing on most fields wins, and fields
must agree exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.evaluate.agreement import names_agree, sentences_agree
from pipeline.evaluate.gold import FIELDS, GoldEvent
from pipeline.records import Mention


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    by_type: dict[str, Counts] = field(default_factory=dict)
    overall: Counts = field(default_factory=Counts)
    field_correct: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    errors: list[dict] = field(default_factory=list)

    def field_accuracy(self) -> dict[str, float]:
        n = self.overall.matched
        return {f: (self.field_correct[f] / n if n else 0.0) for f in FIELDS}

    def to_json(self) -> dict:
        counts = lambda c: {"gold": c.gold, "predicted": c.predicted, "matched": c.matched,
                            "precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4)}
        return {
            "overall": counts(self.overall),
            "by_type": {t: counts(c) for t, c in sorted(self.by_type.items())},
            "field_accuracy": {f: round(a, 4) for f, a in self.field_accuracy().items()},
            "errors": self.errors,
        }


def field_agreement(gold: GoldEvent, m: Mention) -> dict[str, bool]:
    """Exact agreement with what the mention's own sentence says: fields it inherited from the other
    mentions of its event (``Mention.inherited``) count as empty here, and are scored per event."""
    own = set(m.inherited or ())
    agent = None if "agent" in own else m.agent
    target = None if "target" in own else m.target
    location = None if "place" in own else m.location
    when, precision = (None, "unknown") if "date" in own else (m.event_date, m.date_precision)
    return {
        "agent": names_agree(gold.agent, agent),
        "target": names_agree(gold.target, target),
        "location": names_agree(gold.location, location),
        "event_date": gold.event_date == when and (gold.event_date is None or gold.date_precision == precision),
        "modality": gold.modality == m.modality,
    }


def score(gold: list[GoldEvent], predicted: Iterable[tuple[str, Mention]]) -> Scores:
    """``predicted`` pairs each mention with its article's file key."""
    scores = Scores()
    by_file_type: dict[tuple[str, str], list[Mention]] = {}
    for key, m in predicted:
        by_file_type.setdefault((key, m.event_type), []).append(m)
        scores.by_type.setdefault(m.event_type, Counts()).predicted += 1
        scores.overall.predicted += 1
    for g in gold:
        scores.by_type.setdefault(g.event_type, Counts()).gold += 1
        scores.overall.gold += 1
    used: set[str] = set()
    for g in gold:
        candidates = [m for m in by_file_type.get((g.file, g.event_type), [])
                      if m.mention_id not in used and sentences_agree(g.sentence, m.sentence)]
        if not candidates:
            scores.errors.append({"kind": "missed", "file": g.file, "event_type": g.event_type,
                                  "sentence": g.sentence[:200]})
            continue
        best = max(candidates, key=lambda m: sum(field_agreement(g, m).values()))
        used.add(best.mention_id)
        scores.by_type[g.event_type].matched += 1
        scores.overall.matched += 1
        agreement = field_agreement(g, best)
        for f, ok in agreement.items():
            scores.field_correct[f] += ok
            if not ok:
                scores.errors.append({"kind": f"wrong_{f}", "file": g.file, "event_type": g.event_type,
                                      "gold": str(getattr(g, f)), "predicted": str(getattr(best, f)),
                                      "sentence": g.sentence[:200]})
    for (key, _), mentions in by_file_type.items():
        for m in mentions:
            if m.mention_id not in used:
                scores.errors.append({"kind": "spurious", "file": key, "event_type": m.event_type,
                                      "modality": m.modality, "sentence": m.sentence[:200]})
    return scores


def format_scores(scores: Scores) -> str:
    lines = [f"{'event type':<20} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    rows = sorted(scores.by_type.items()) + [("OVERALL", scores.overall)]
    for name, c in rows:
        lines.append(f"{name:<20} {c.gold:>5} {c.predicted:>5} {c.matched:>5} "
                     f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}")
    lines.append("")
    lines.append(f"field accuracy on {scores.overall.matched} matched mentions:")
    for f, acc in scores.field_accuracy().items():
        lines.append(f"  {f:<12} {acc:.3f}")
    return "\n".join(lines)
