"""Event-level scores (the real-news yardstick's rule), and how well confidence is calibrated.

A predicted event is one article's mentions sharing an ``event_id``. A mention
*supports* a gold event of its article when the type agrees and either the
evidence sentences share at least 60% of their content words, or the agent
agrees and the gold date is known and agrees. Recall counts gold events with
a supporting mention; precision counts predicted events with at least one
supporting mention. Fields are read leniently on the best supporting mention:
a name is right when it shares a content word (or a 5-letter stem) with the
gold name, as written or normalised; a gold null wants an empty field; a date
is right when it agrees to the gold's precision (a gold null accepts any).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.evaluate.agreement import names_overlap, sentences_overlap
from pipeline.evaluate.gold import FIELDS, GoldEvent
from pipeline.records import Mention


def _name_right(gold: str | None, *written: str | None) -> bool:
    values = [v for v in written if v]
    if not gold:
        return not values
    return any(names_overlap(gold, v) for v in values)


_PRECISION_CHARS = {"year": 4, "month": 7, "day": 10}


def date_agrees(gold: GoldEvent, m: Mention) -> bool:
    """To the gold's precision; a gold without a date accepts any."""
    if gold.event_date is None:
        return True
    if m.event_date is None:
        return False
    n = _PRECISION_CHARS.get(gold.date_precision, 10)
    return m.event_date.isoformat()[:n] == gold.event_date.isoformat()[:n]


def supports(gold: GoldEvent, m: Mention) -> bool:
    """Does a predicted mention report this gold event?"""
    if m.event_type != gold.event_type:
        return False
    if sentences_overlap(gold.sentence, m.sentence):
        return True
    return gold.event_date is not None and names_overlap(gold.agent, m.agent) and date_agrees(gold, m)


def lenient_fields(gold: GoldEvent, m: Mention) -> dict[str, bool]:
    return {
        "agent": _name_right(gold.agent, m.agent, m.agent_name),
        "target": _name_right(gold.target, m.target, m.target_name),
        "location": _name_right(gold.location, m.location, m.place_name),
        "event_date": date_agrees(gold, m),
        "modality": gold.modality == m.modality,
    }


@dataclass
class EventCounts:
    gold: int = 0
    found: int = 0  # gold events with a supporting mention
    predicted: int = 0  # predicted events
    right: int = 0  # predicted events with a supporting mention

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"gold": self.gold, "found": self.found, "predicted": self.predicted, "right": self.right,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    mentions: int
    mean_confidence: float
    accuracy: float


@dataclass
class EventScores:
    by_type: dict[str, EventCounts] = field(default_factory=dict)
    overall: EventCounts = field(default_factory=EventCounts)
    field_correct: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    missed: dict[str, list[GoldEvent]] = field(default_factory=dict)  # file -> gold events nobody reported
    false: dict[str, list[list[Mention]]] = field(default_factory=dict)  # file -> predicted events matching no gold
    reliability: list[ReliabilityBin] = field(default_factory=list)

    def field_accuracy(self) -> dict[str, float]:
        n = self.overall.found
        return {f: (self.field_correct[f] / n if n else 0.0) for f in FIELDS}

    @property
    def calibration_error(self) -> float:
        """Expected calibration error: the mention-weighted gap between confidence and accuracy."""
        total = sum(b.mentions for b in self.reliability)
        return sum(b.mentions * abs(b.mean_confidence - b.accuracy) for b in self.reliability) / total if total else 0.0

    def to_json(self) -> dict:
        return {
            "overall": self.overall.to_json(),
            "by_type": {t: c.to_json() for t, c in sorted(self.by_type.items())},
            "field_accuracy": {f: round(a, 4) for f, a in self.field_accuracy().items()},
            "reliability": [b.__dict__ for b in self.reliability],
            "expected_calibration_error": round(self.calibration_error, 4),
        }

    def errors_by_article(self) -> dict[str, dict]:
        files = sorted(set(self.missed) | set(self.false))
        return {f: {"missed": [{"event_type": g.event_type, "modality": g.modality, "sentence": g.sentence}
                               for g in self.missed.get(f, [])],
                    "false": [{"event_type": unit[0].event_type, "modality": unit[0].modality,
                               "triggers": [m.trigger for m in unit], "sentence": unit[0].sentence}
                              for unit in self.false.get(f, [])]}
                for f in files}


RELIABILITY_BINS = 10


def reliability(pairs: list[tuple[float, bool]], bins: int = RELIABILITY_BINS) -> list[ReliabilityBin]:
    """(confidence, right) pairs -> equal-width confidence bins with their accuracy."""
    out = []
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (k == bins - 1 and c == high)]
        if inside:
            out.append(ReliabilityBin(round(low, 2), round(high, 2), len(inside),
                                      round(sum(c for c, _ in inside) / len(inside), 4),
                                      round(sum(ok for _, ok in inside) / len(inside), 4)))
    return out


def score_events(gold: list[GoldEvent], predicted: Iterable[tuple[str, Mention]]) -> EventScores:
    """Event-level scores; ``predicted`` pairs each mention (with its ``event_id``) with its article's file key."""
    scores = EventScores()
    gold_of: dict[str, list[GoldEvent]] = {}
    for g in gold:
        gold_of.setdefault(g.file, []).append(g)
    units: dict[tuple[str, str, str], list[Mention]] = {}
    for key, m in predicted:
        units.setdefault((key, m.event_type, m.event_id or m.mention_id), []).append(m)
    mentions_of: dict[str, list[Mention]] = {}
    for (key, _, _), unit in units.items():
        mentions_of.setdefault(key, []).extend(unit)
    for g in gold:
        counts = scores.by_type.setdefault(g.event_type, EventCounts())
        counts.gold += 1
        scores.overall.gold += 1
        support = [m for m in mentions_of.get(g.file, []) if supports(g, m)]
        if not support:
            scores.missed.setdefault(g.file, []).append(g)
            continue
        counts.found += 1
        scores.overall.found += 1
        best = max(support, key=lambda m: (sentences_overlap(g.sentence, m.sentence),
                                           _name_right(g.agent, m.agent, m.agent_name), date_agrees(g, m),
                                           m.confidence, m.mention_id))
        for f, ok in lenient_fields(g, best).items():
            scores.field_correct[f] += ok
    pairs = []
    for (key, event_type, _), unit in sorted(units.items()):
        counts = scores.by_type.setdefault(event_type, EventCounts())
        counts.predicted += 1
        scores.overall.predicted += 1
        right = [any(supports(g, m) for g in gold_of.get(key, [])) for m in unit]
        pairs.extend((m.confidence, ok) for m, ok in zip(unit, right))
        if any(right):
            counts.right += 1
            scores.overall.right += 1
        else:
            scores.false.setdefault(key, []).append(unit)
    scores.reliability = reliability(pairs)
    return scores


def format_event_scores(scores: EventScores) -> str:
    lines = [f"{'events':<20} {'gold':>5} {'found':>5} {'pred':>5} {'right':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for name, c in sorted(scores.by_type.items()) + [("OVERALL", scores.overall)]:
        lines.append(f"{name:<20} {c.gold:>5} {c.found:>5} {c.predicted:>5} {c.right:>5} "
                     f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}")
    lines.append("")
    lines.append(f"field accuracy on {scores.overall.found} found events (lenient names, dates to the gold's precision):")
    for f, acc in scores.field_accuracy().items():
        lines.append(f"  {f:<12} {acc:.3f}")
    lines.append("")
    lines.append("confidence reliability (mentions; right = supports a gold event of its article):")
    lines.append(f"  {'bin':<11} {'n':>5} {'mean conf':>9} {'accuracy':>9}")
    for b in scores.reliability:
        lines.append(f"  {b.low:.1f}-{b.high:.1f}    {b.mentions:>5} {b.mean_confidence:>9.3f} {b.accuracy:>9.3f}")
    lines.append(f"  expected calibration error {scores.calibration_error:.3f}")
    return "\n".join(lines)


def format_article_errors(scores: EventScores) -> str:
    """Per article: the gold events nobody reported and the predicted events no gold supports."""
    lines = []
    for f, errs in scores.errors_by_article().items():
        lines.append(f"{f}")
        for g in errs["missed"]:
            lines.append(f"  missed {g['event_type']} ({g['modality']}): {g['sentence'][:160]}")
        for e in errs["false"]:
            lines.append(f"  false  {e['event_type']} ({e['modality']}, {', '.join(e['triggers'])}): "
                         f"{e['sentence'][:160]}")
    return "\n".join(lines)
