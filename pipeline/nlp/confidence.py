"""How likely a mention is right: a small logistic model over what the extraction found.

Confidence should mean what it says: of the mentions given about 0.7, about 70% should be right.
The weights are data (``data/confidence.toml``), fitted on real news by
``training/calibrate_confidence.py`` (which says how, and on what); the features are the evidence an
analyst would weigh: the event type and modality, whether the sentence names the agent, a target, a
place and a date, whether the mention refers back to an event already reported, how much of it came
from other sentences, and how clearly the article is about armed conflict.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path

from pipeline.rules import data_dir

TYPES = ("OFFENSIVE", "TALKS", "CEASEFIRE_PROPOSAL", "SURRENDER_DEMAND")
MODALITIES = ("asserted", "claimed", "denied", "proposed", "hypothetical")
CONFLICT_SCALE = 10.0  # distinct conflict cues at which an article counts as fully about conflict


def features(draft, conflict_cues: int) -> dict[str, float]:
    """The evidence one mention carries, as named numbers (the weights file uses the same names)."""
    own = set(draft.inherited)
    f = {f"type_{t}": float(draft.event_type == t) for t in TYPES}
    f |= {f"modality_{m}": float(draft.modality == m) for m in MODALITIES}
    f |= {
        "agent": float(draft.agent is not None and "agent" not in own),
        "agent_known": float(draft.agent_ref is not None and draft.agent_ref.id is not None),
        "target": float(draft.target is not None and "target" not in own),
        "place": float(draft.place is not None and "place" not in own),
        "date": float(draft.period is not None and "date" not in own),
        "reference": float(draft.reference),
        "inherited": len(own) / 4.0,
        "attributed": float(draft.attribution is not None),
        "conflict": min(conflict_cues, CONFLICT_SCALE) / CONFLICT_SCALE,
        "multiword_trigger": float(" " in draft.trigger),
    }
    return f


@cache
def _weights(folder: Path) -> tuple[float, dict[str, float]]:
    raw = tomllib.loads((folder / "confidence.toml").read_text(encoding="utf-8"))
    return float(raw["model"]["intercept"]), {k: float(v) for k, v in raw["weights"].items()}


def probability(values: dict[str, float], intercept: float, weights: dict[str, float]) -> float:
    z = intercept + sum(weights.get(k, 0.0) * v for k, v in values.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def confidence(draft, conflict_cues: int) -> float:
    """The calibrated probability that this mention reports a real event of its type, to two places."""
    intercept, weights = _weights(data_dir())
    return round(probability(features(draft, conflict_cues), intercept, weights), 2)
