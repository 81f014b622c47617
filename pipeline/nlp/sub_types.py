"""The kind of an OFFENSIVE: air or drone strike, shelling or missile attack, armed clash, ground assault,
capture of territory, or other (ACLED's sub-event types, PLOVER's modes), read from its trigger and the
words near it. The cue words are data (``offensive_sub_types.csv``), each with its source."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SUB_TYPES = ("air_drone_strike", "shelling_artillery_missile", "armed_clash", "ground_assault", "capture_territory",
             "other")
WINDOW = 6  # words either side of the trigger that can say what kind of attack it was
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Cue:
    sub_type: str
    cue: str
    where: str  # trigger: a word of the trigger decides; near: a word near it; fallback: a trigger word, last


@cache
def sub_type_cues(folder: Path) -> tuple[Cue, ...]:
    """The cue rows of ``folder``/offensive_sub_types.csv, in file order; a bad row is an error."""
    with (folder / "offensive_sub_types.csv").open(encoding="utf-8", newline="") as fh:
        rows = [Cue(r["sub_type"], r["cue"].lower(), r["where"]) for r in csv.DictReader(fh)]
    for r in rows:
        if r.sub_type not in SUB_TYPES or r.where not in ("trigger", "near", "fallback") or not r.cue:
            raise ValueError(f"offensive_sub_types.csv: bad row {r}")
    return tuple(rows)


def offensive_sub_type(trigger: str, sentence: str, trigger_offset: int, cues: tuple[Cue, ...]) -> str:
    """``trigger`` found at ``trigger_offset`` in ``sentence`` -> one of SUB_TYPES. A decisive trigger
    word wins ("airstrike", "shelled", "recaptured"); else the cue word nearest the trigger ("struck ...
    with drones"); else a generic trigger word ("offensive" is a ground assault); else 'other'."""
    words = set(_WORD.findall(trigger.lower()))
    for c in cues:
        if c.where == "trigger" and c.cue in words:
            return c.sub_type
    before = [m.group() for m in _WORD.finditer(sentence[:max(trigger_offset, 0)].lower())][-WINDOW:]
    after = [m.group() for m in _WORD.finditer(sentence[trigger_offset + len(trigger):].lower())][:WINDOW]
    near = {c.cue: c.sub_type for c in reversed(cues) if c.where == "near"}  # the first row of a cue wins
    for distance in range(WINDOW):
        for side in (after, before[::-1]):
            if distance < len(side) and side[distance] in near:
                return near[side[distance]]
    for c in cues:
        if c.where == "fallback" and c.cue in words:
            return c.sub_type
    return "other"
