"""Events as flat rows in the column layout of ACLED or of PLOVER, for analysts who join them with those
datasets. Which codes fill the columns is data (sub_type_crosswalk.csv, acled_inter.csv); what is
approximate is said column by column in the README."""

from __future__ import annotations

import csv
from datetime import datetime, time, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from pipeline.crosswalk import Crosswalk, crosswalk, crosswalk_rows
from pipeline.errors import ExportError

if TYPE_CHECKING:
    from pipeline.warehousing.store import Warehouse

EXPORT_FORMATS = ("acled", "plover")

# Events that happened (or are said to have), with a date of their own: ACLED and PLOVER record no
# proposals, threats or denials, and no event without a date.
EXPORT_SQL = """
SELECT event_id, event_type, modality, agent_name, agent_country, agent_type, target_name, target_country,
       target_type, place_name, place_country, place_admin1, place_admin2, latitude, longitude, geo_precision,
       event_date, event_date_end, date_precision, sub_type, fatalities, fatalities_approximate, cameo_code,
       goldstein, quad_class, sources, evidence, last_reported
FROM events
WHERE event_date IS NOT NULL AND modality IN ('asserted', 'claimed')
ORDER BY event_date, event_id
"""

ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp")
PLOVER_COLUMNS = ("id", "date", "date_end", "date_precision", "event_type", "mode", "context", "actor",
                  "actor_country", "actor_type", "recipient", "recipient_country", "recipient_type", "location",
                  "country", "admin1", "admin2", "latitude", "longitude", "geo_precision", "fatalities",
                  "cameo_code", "goldstein", "quad_class", "modality", "sources", "text")
TIME_PRECISION = {"day": 1, "week": 2}  # ACLED: 1 the day, 2 within a week, 3 a month or longer


@cache
def inter_codes(folder: Path) -> dict[str, int]:
    """Actor type -> ACLED inter code (acled_inter.csv)."""
    with (folder / "acled_inter.csv").open(encoding="utf-8", newline="") as fh:
        return {r["actor_type"]: int(r["inter"]) for r in csv.DictReader(fh)}


@cache
def _country(iso3: str) -> tuple[str, int | None]:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return (c.name, int(c.numeric)) if c else (iso3, None)


def _codes(e: dict, rows: tuple[Crosswalk, ...]) -> Crosswalk | None:
    home = bool(e["agent_country"]) and e["agent_country"] == e["place_country"]
    return crosswalk(e["event_type"], e["sub_type"], e["target_type"], e["agent_type"], rows, agent_at_home=home)


def acled_rows(events: list[dict], rows: tuple[Crosswalk, ...], inter: dict[str, int]) -> list[dict]:
    """Rows of EXPORT_SQL -> rows with ACLED's columns, in ACLED_COLUMNS order."""
    out = []
    for e in events:
        codes = _codes(e, rows)
        i1, i2 = inter.get(e["agent_type"] or ""), inter.get(e["target_type"] or "")
        country, numeric = _country(e["place_country"]) if e["place_country"] else (None, None)
        event_type = codes.acled_event_type if codes else None
        tags = [t for t, on in (("fatalities approximate", e["fatalities_approximate"]),
                                ("claimed", e["modality"] == "claimed")) if on]
        out.append({
            "event_id_cnty": f"{e['place_country'] or 'XXX'}{e['event_id'].removeprefix('ev_')[:12].upper()}",
            "event_date": e["event_date"],
            "year": e["event_date"].year,
            "time_precision": TIME_PRECISION.get(e["date_precision"], 3),
            "disorder_type": ("Strategic developments" if event_type == "Strategic developments"
                              else "Political violence" if event_type else None),
            "event_type": event_type,
            "sub_event_type": codes.acled_sub_event_type if codes else None,
            "actor1": e["agent_name"], "assoc_actor_1": None, "inter1": i1,
            "actor2": e["target_name"], "assoc_actor_2": None, "inter2": i2,
            "interaction": (int(f"{min(i1, i2)}{max(i1, i2)}") if i1 and i2 else (i1 or i2 or 0) * 10 or None),
            "civilian_targeting": "Civilian targeting" if e["target_type"] == "civilians" else None,
            "iso": numeric, "region": None, "country": country,
            "admin1": e["place_admin1"], "admin2": e["place_admin2"], "admin3": None,
            "location": e["place_name"], "latitude": e["latitude"], "longitude": e["longitude"],
            "geo_precision": e["geo_precision"],
            "source": "; ".join(e["sources"] or []), "source_scale": None, "notes": e["evidence"],
            "fatalities": e["fatalities"] or 0,
            "tags": "; ".join(tags) or None,
            "timestamp": int(datetime.combine(e["last_reported"] or e["event_date"], time(),
                                              tzinfo=timezone.utc).timestamp()),
        })
    return out


def plover_rows(events: list[dict], rows: tuple[Crosswalk, ...]) -> list[dict]:
    """Rows of EXPORT_SQL -> rows with PLOVER's fields, in PLOVER_COLUMNS order."""
    out = []
    for e in events:
        codes = _codes(e, rows)
        out.append({
            "id": e["event_id"], "date": e["event_date"], "date_end": e["event_date_end"],
            "date_precision": e["date_precision"],
            "event_type": codes.plover_type if codes else None,
            "mode": (codes.plover_mode or None) if codes else None,
            "context": (codes.plover_context or None) if codes else None,
            "actor": e["agent_name"], "actor_country": e["agent_country"], "actor_type": e["agent_type"],
            "recipient": e["target_name"], "recipient_country": e["target_country"], "recipient_type": e["target_type"],
            "location": e["place_name"], "country": e["place_country"], "admin1": e["place_admin1"],
            "admin2": e["place_admin2"], "latitude": e["latitude"], "longitude": e["longitude"],
            "geo_precision": e["geo_precision"], "fatalities": e["fatalities"], "cameo_code": e["cameo_code"],
            "goldstein": e["goldstein"], "quad_class": e["quad_class"], "modality": e["modality"],
            "sources": "; ".join(e["sources"] or []), "text": e["evidence"],
        })
    return out


_ACLED_TYPES = {"event_date": pa.date32(), "year": pa.int32(), "time_precision": pa.int32(), "inter1": pa.int32(),
                "inter2": pa.int32(), "interaction": pa.int32(), "iso": pa.int32(), "latitude": pa.float64(),
                "longitude": pa.float64(), "geo_precision": pa.int32(), "fatalities": pa.int32(),
                "timestamp": pa.int64()}
_PLOVER_TYPES = {"date": pa.date32(), "date_end": pa.date32(), "latitude": pa.float64(), "longitude": pa.float64(),
                 "geo_precision": pa.int32(), "fatalities": pa.int32(), "goldstein": pa.float64(),
                 "quad_class": pa.int32()}


def export_table(events: list[dict], fmt: str, folder: Path) -> pa.Table:
    """Rows of EXPORT_SQL -> the ACLED- or PLOVER-shaped table (every column typed, even when empty)."""
    rows = crosswalk_rows(folder)
    if fmt == "acled":
        data, columns, types = acled_rows(events, rows, inter_codes(folder)), ACLED_COLUMNS, _ACLED_TYPES
    elif fmt == "plover":
        data, columns, types = plover_rows(events, rows), PLOVER_COLUMNS, _PLOVER_TYPES
    else:
        raise ExportError(f"unknown export format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    return pa.Table.from_pylist(data, schema=schema)


def exported_events(warehouse: Warehouse, fmt: str) -> pa.Table:
    """The warehouse's dated events that happened, in ACLED's or PLOVER's layout (``fmt``)."""
    from pipeline.rules import data_dir
    from pipeline.query import run_sql

    return export_table(run_sql(warehouse, EXPORT_SQL).to_pylist(), fmt, data_dir())
