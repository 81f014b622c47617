"""People killed, as a sentence reports them ("killing at least 20 civilians", "12 soldiers were killed",
"the death toll rose to 40"): the number apart from other counts (wounded, displaced, drones), with
a flag when it is approximate. The cue words are data (``fatality_cues.csv``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.nlp.quantities import VAGUE, WORDS

HEDGE = r"(?:at least|about|around|nearly|almost|some|roughly|approximately|more than|over|up to|an estimated|as many as)"
_NUMBER_WORDS = sorted({w for w in WORDS if w not in ("a",)} | set(VAGUE), key=len, reverse=True)
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + "|".join(re.escape(w) for w in _NUMBER_WORDS) + ")"


@dataclass(frozen=True)
class Fatalities:
    killed: int
    approximate: bool
    text: str


@cache
def fatality_patterns(folder: Path) -> tuple[re.Pattern, ...]:
    """One pattern per cue row of ``folder``/fatality_cues.csv: 'after' cues follow the number
    ("12 were killed"), 'before' cues lead it ("killing 12"), with at most max_gap words between."""
    with (folder / "fatality_cues.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        cue = r"\s+".join(re.escape(w) for w in r["cue"].lower().split())
        gap = rf"(?:[\w'-]+\s+){{0,{int(r['max_gap'])}}}?"  # "12 [Ukrainian soldiers were] killed", "death toll [rose to] 40"
        if r["kind"] == "after":
            out.append(re.compile(rf"\b(?P<hedge>{HEDGE}\s+)?(?P<n>{NUMBER})\s+{gap}{cue}\b", re.IGNORECASE))
        elif r["kind"] == "before":
            out.append(re.compile(rf"\b{cue}\s+{gap}(?P<hedge>{HEDGE}\s+)?(?P<n>{NUMBER})\b", re.IGNORECASE))
        else:
            raise ValueError(f"fatality_cues.csv: kind must be 'after' or 'before', not {r['kind']!r}")
    return tuple(out)


def _number(text: str) -> tuple[int, bool] | None:
    """'1,200' -> 1200; 'twelve' -> 12; 'dozens' -> 24, approximate. A year is no count."""
    t = text.lower().replace(",", "")
    if t.isdigit():
        n = int(t)
        return None if 1900 <= n <= 2100 and "," not in text else (n, False)
    if t in VAGUE:
        return VAGUE[t], True
    if t in WORDS:
        return WORDS[t], t in ("several", "dozen")
    return None


def reported_fatalities(sentence: str, patterns: tuple[re.Pattern, ...]) -> Fatalities | None:
    """The number of people the sentence says were killed (the first such statement), or None."""
    best = None
    for pattern in patterns:
        for m in pattern.finditer(sentence):
            value = _number(m["n"])
            if re.search(r"\bno\s+$", m.group()[:m.start("n") - m.start()], re.IGNORECASE):
                value = (0, False)  # "killed no one"
            if value is None:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), Fatalities(value[0], value[1] or bool(m["hedge"]), m.group().strip()))
            break
    return best[1] if best else None
