"""Rules as data: actor, place, trigger, cue and date patterns from the files in ``data/``.

Each loader is a registered, versioned function so a spaCy config can name it,
and so a user can point it at their own data directory.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.util import registry

from pipeline.rules import data_dir, listed_words, load_actors, load_states, read_csv_rows

# Nouns that turn a nationality into an armed force: "Ukrainian troops", "the Russian military".
FORCE_NOUNS = list(listed_words("force_nouns"))
# Role nouns that, after a possessive pronoun, stand for a person acting for someone: "his envoy".
ROLE_NOUNS = ["envoy", "envoys", "negotiator", "negotiators", "delegation", "delegates", "representative",
              "representatives", "emissary", "aide", "aides", "spokesman", "spokeswoman", "spokesperson"]


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    default_modality: str
    requires_cue: str | None
    plover_event: str
    plover_mode: str
    cameo: str
    speaker_is_agent: bool
    location_in_sentence: bool
    symmetric: bool  # both sides act alike ("Russia and Ukraine held talks"): the second named is the target
    dated_by_act: bool = False  # dated by the proposal or declaration, not by when the truce starts
    broker_is_agent: bool = False  # "the French-brokered truce": France is the agent
    place_is_venue: bool = False  # a place that locates a party ("rebels in the north") is not the venue


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def actor_country(actor_id: str | None) -> str | None:
    """ISO3 country of a curated actor id, or of a nationality's forces ('UKR_MIL' -> 'UKR')."""
    if not actor_id:
        return None
    actor = load_actors().get(actor_id)
    if actor is not None:
        return actor.country
    prefix = actor_id.split("_")[0]
    return prefix if len(prefix) == 3 and prefix.isupper() else None


ARMED_SECTORS = {"military", "rebel", "militia"}


def armed_actor(actor_id: str | None) -> bool:
    """A curated armed force or group, or a nationality's forces ('UKR_MIL')."""
    if not actor_id:
        return False
    if actor_id.endswith("_MIL"):
        return True
    actor = load_actors().get(actor_id)
    return actor is not None and actor.sector in ARMED_SECTORS


def load_event_types(folder: Path | None = None) -> dict[str, EventType]:
    return _load_event_types(data_dir(folder))


@cache
def _load_event_types(folder: Path) -> dict[str, EventType]:
    raw = tomllib.loads((folder / "event_types.toml").read_text(encoding="utf-8"))
    return {
        name: EventType(
            name=name,
            description=spec.get("description", ""),
            default_modality=spec.get("default_modality", "asserted"),
            requires_cue=spec.get("requires_cue"),
            plover_event=spec.get("plover", {}).get("event", ""),
            plover_mode=spec.get("plover", {}).get("mode", ""),
            cameo=spec.get("cameo", ""),
            speaker_is_agent=bool(spec.get("speaker_is_agent", spec.get("requires_cue") == "DEMAND"
                                           or spec.get("default_modality") == "proposed")),
            location_in_sentence=bool(spec.get("location_in_sentence", False)),
            symmetric=bool(spec.get("symmetric", False)),
            dated_by_act=bool(spec.get("dated_by_act", False)),
            broker_is_agent=bool(spec.get("broker_is_agent", False)),
            place_is_venue=bool(spec.get("place_is_venue", False)),
        )
        for name, spec in raw.items()
    }


@cache
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


@registry.misc("frontline.entity_patterns.v1")
def entity_patterns(folder: str | Path | None = None) -> list[dict]:
    """Entity-ruler patterns: states (names, metonyms, demonyms, their armed forces), curated actors,
    places, role nouns. Names are phrase patterns matched case-insensitively; the aliases that are
    only safe with their capitals ('US', 'IS', 'AA') are matched exactly."""
    folder = data_dir(folder)
    patterns: list[dict] = []
    seen: set[str] = set()
    exact = {(row["actor_id"], row["alias"]) for row in read_csv_rows(folder / "case_sensitive_aliases.csv")}

    def add(label: str, text: str, ent_id: str | None) -> None:
        key = " ".join(t.lower_ for t in _tokenizer()(text))
        if not key or key in seen:
            return
        seen.add(key)
        entry: dict = {"label": label, "pattern": text}
        if ent_id:
            entry["id"] = ent_id
        patterns.append(entry)

    for actor_id, alias in sorted(exact):
        entry = {"label": load_actors(folder)[actor_id].label, "id": actor_id,
                 "pattern": [{"ORTH": t.text} for t in _tokenizer()(alias)]}
        patterns.append(entry)
        seen.add(" ".join(t.lower_ for t in _tokenizer()(alias)))
    for actor in load_actors(folder).values():
        for name in (actor.name, *actor.aliases):
            add(actor.label, name, actor.actor_id)
    for state in load_states(folder).values():
        # "Ukrainian troops", "U.S. Marines", "Israeli warplanes": a state's armed forces
        short = [n for n in state.names if n.isupper() or n.replace(".", "").isupper()]
        # One phrase per force noun, not a token pattern with a list: the phrase matcher looks each
        # word up once, while every token pattern is tried at every word of every text.
        for word in (*state.demonyms, state.name, *short):
            for noun in FORCE_NOUNS:
                patterns.append({"label": "ORG", "id": f"{state.iso3}_MIL", "pattern": f"{word} {noun}"})
        for adjective in state.demonyms:
            add("NORP", adjective, state.iso3)
    for row in read_csv_rows(folder / "places.csv"):
        label = "LOC" if row["kind"] == "area" else "GPE"
        for name in (row["name"], *[a for a in row["aliases"].split("|") if a]):
            add(label, name, None)
    patterns.append({
        "label": "ROLE",
        "pattern": [{"LOWER": {"IN": ["his", "her", "their", "its"]}}, {"LOWER": {"IN": ROLE_NOUNS}}],
    })
    return patterns


@registry.misc("frontline.trigger_patterns.v1")
def trigger_patterns(folder: str | Path | None = None) -> list[dict]:
    return _jsonl(data_dir(folder) / "triggers.jsonl")


@registry.misc("frontline.cue_patterns.v1")
def cue_patterns(folder: str | Path | None = None) -> list[dict]:
    return _jsonl(data_dir(folder) / "cues.jsonl")


@registry.misc("frontline.context_patterns.v1")
def context_patterns(folder: str | Path | None = None) -> list[dict]:
    """Words that say what an article is about (armed conflict, sport, the economy ...), labelled by domain.

    The longest match wins, so "trade war" counts for the economy, not for conflict. Phrases, matched on
    lower case (the ruler's ``phrase_matcher_attr``): the phrase matcher costs the same for 270 terms as
    for one, while every token pattern is tried at every word."""
    return [{"label": row["domain"].upper(), "pattern": row["term"]}
            for row in read_csv_rows(data_dir(folder) / "context.csv")]


@registry.misc("frontline.date_patterns.v1")
def date_patterns(folder: str | Path | None = None) -> list[dict]:
    return _jsonl(data_dir(folder) / "dates.jsonl")
