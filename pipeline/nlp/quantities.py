"""Counts stated with an event: '472 drones', 'at least 20 people', '"thousands" of Ukrainian troops'."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline.nlp.sentence import SentenceView, distance

# Vague plurals are recorded as their lower bound, flagged approximate: "thousands" >= 2,000.
VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "tens of thousands": 20000,
         "hundreds of thousands": 200000, "millions": 2000000}
SCALE = {"hundred": 100, "thousand": 1000, "million": 1000000}
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
         "several": 3, "a": 1, "dozen": 12}
HEDGES = {"about", "around", "nearly", "almost", "some", "roughly", "approximately", "over", "more", "least",
          "up", "than", "several", "estimated"}
UNITS = {"people", "civilians", "soldiers", "troops", "fighters", "servicemen", "militants", "rebels", "drones",
         "missiles", "rockets", "shells", "bombs", "strikes", "attacks", "hostages", "prisoners", "tanks",
         "vehicles", "casualties", "killed", "dead", "wounded", "injured", "children", "residents", "targets",
         "units", "brigades", "aircraft", "refugees", "displaced", "families"}
MAX_GAP = 4  # tokens between the number and its noun ("472 drones", "thousands of Ukrainian troops")


@dataclass(frozen=True)
class Count:
    value: int
    unit: str
    approximate: bool
    text: str


def _value(words: list[str]) -> tuple[int, bool] | None:
    joined = " ".join(words)
    for phrase in sorted(VAGUE, key=len, reverse=True):
        if joined.endswith(phrase):
            return VAGUE[phrase], True
    total, approx = None, False
    for w in words:
        w = w.replace(",", "")
        if re.fullmatch(r"\d+(\.\d+)?", w):
            total = float(w) if total is None else total * float(w)
        elif w in SCALE:
            total = (total or 1) * SCALE[w]
        elif w in WORDS and total is None:
            total = WORDS[w]
            approx = approx or w in ("several", "dozen")
    return (int(total), approx) if total is not None else None


def stated_count(doc: Doc, s: SentenceView, trig: Span) -> Count | None:
    """The count nearest the trigger in its sentence, with the noun it counts."""
    best: tuple[int, Count] | None = None
    tokens = list(s.span)
    for k, tok in enumerate(tokens):
        if not (tok.like_num or tok.lower_ in VAGUE or tok.lower_ in {"dozen", "hundred", "thousand"}):
            continue
        if k + 1 < len(tokens) and tokens[k + 1].text == "-":
            continue  # "30-day": a duration, not a count
        # extend over "tens of thousands", "several thousand", "1,000"
        start = k
        while start > 0:
            prev = tokens[start - 1].lower_
            if prev == "of" and start > 1 and tokens[start - 2].lower_ in {"tens", "hundreds"}:
                start -= 2
            elif prev == "several" or tokens[start - 1].like_num:
                start -= 1
            else:
                break
        end = k + 1
        while end < len(tokens) and (tokens[end].like_num or tokens[end].lower_ in SCALE):
            end += 1
        unit = None
        for j in range(end, min(end + MAX_GAP, len(tokens))):
            if tokens[j].lower_ in UNITS:
                unit = tokens[j].lower_
                break
            if tokens[j].is_punct and tokens[j].text not in ('"', "\u201c", "\u201d"):
                break
        if unit is None:
            continue
        parsed = _value([t.lower_ for t in tokens[start:end]])
        if parsed is None:
            continue
        value, approx = parsed
        hedged = any(t.lower_ in HEDGES for t in tokens[max(0, start - 3):start])
        text = doc[tokens[start].i:tokens[min(j, len(tokens) - 1)].i + 1].text
        count = Count(value, unit, approx or hedged, text)
        dist = distance(trig, tokens[start].i, tokens[end - 1].i + 1)
        if best is None or dist < best[0]:
            best = (dist, count)
    return best[1] if best else None
