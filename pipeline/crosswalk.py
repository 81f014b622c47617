"""Codes other datasets use, looked up in data files with a source column: ACLED event and sub-event
types and PLOVER type and mode for a type and sub-type (``sub_type_crosswalk.csv``), and the Goldstein
scale and GDELT QuadClass of a CAMEO code (``cameo_scales.csv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Crosswalk:
    event_type: str
    sub_type: str  # '' matches any
    target_type: str  # '' matches any
    agent_type: str  # '' matches any
    agent_at_home: str  # 'yes': only when the agent acts in its own country; '' matches any
    acled_event_type: str
    acled_sub_event_type: str
    plover_type: str
    plover_mode: str
    plover_context: str
    cameo_code: str


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def crosswalk_rows(folder: Path) -> tuple[Crosswalk, ...]:
    names = [f for f in Crosswalk.__dataclass_fields__]
    return tuple(Crosswalk(**{n: (r[n] or "").strip() for n in names}) for r in _rows(folder / "sub_type_crosswalk.csv"))


@cache
def cameo_scales(folder: Path) -> dict[str, tuple[float, int]]:
    """CAMEO code -> (Goldstein, QuadClass)."""
    return {r["cameo_code"]: (float(r["goldstein"]), int(r["quad_class"])) for r in _rows(folder / "cameo_scales.csv")}


def crosswalk(event_type: str, sub_type: str | None, target_type: str | None, agent_type: str | None,
              rows: tuple[Crosswalk, ...], agent_at_home: bool = False) -> Crosswalk | None:
    """The first row for the event type whose sub-type, target type, agent type and whether the agent
    acts in its own country match (blank: any)."""
    for r in rows:
        if r.event_type == event_type and r.sub_type in ("", sub_type or "") \
                and r.target_type in ("", target_type or "") and r.agent_type in ("", agent_type or "") \
                and (r.agent_at_home != "yes" or agent_at_home):
            return r
    return None
