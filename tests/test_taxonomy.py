"""The taxonomy is data: a new event type needs two data files edited and no Python."""

import json
import shutil
from datetime import datetime, timezone

from pipeline.extract import extract_mentions
from pipeline.ingest.parse import parse_document
from pipeline.nlp.patterns import load_event_types
from pipeline.rules import DATA_DIR

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
ARTICLE = (" date 2025-05-24 Test Wire / world\n\nSwap on the border\n\n"
           "Russia and Ukraine exchanged 390 prisoners of war on Friday, the largest swap since the invasion.\n")


def test_a_user_adds_prisoner_exchange_without_touching_python(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(DATA_DIR, rules)
    with (rules / "event_types.toml").open("a") as fh:
        fh.write('\n[PRISONER_EXCHANGE]\ndescription = "Exchanges of prisoners of war or detainees."\n'
                 'default_modality = "asserted"\nsymmetric = true\nplover = { event = "COOPERATE", mode = "" }\ncameo = "0861"\n')
    with (rules / "triggers.jsonl").open("a") as fh:
        for pattern in (
            [{"LOWER": {"IN": ["exchanged", "swapped", "exchange", "swap"]}}, {"IS_DIGIT": True, "OP": "?"},
             {"LOWER": {"IN": ["prisoners", "captives", "detainees", "pows"]}}],
            [{"LOWER": {"IN": ["prisoner", "prisoners"]}}, {"LOWER": {"IN": ["swap", "exchange"]}}],
        ):
            fh.write(json.dumps({"label": "PRISONER_EXCHANGE", "pattern": pattern}) + "\n")
    [article] = parse_document(ARTICLE.encode(), "swap.txt", run_id="t", now=NOW).articles

    assert "PRISONER_EXCHANGE" not in load_event_types()
    assert not [m for m in extract_mentions([article], run_id="t") if m.event_type == "PRISONER_EXCHANGE"]

    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(rules))
    assert load_event_types()["PRISONER_EXCHANGE"].plover_event == "COOPERATE"
    [m] = [m for m in extract_mentions([article], run_id="t") if m.event_type == "PRISONER_EXCHANGE"]
    assert m.trigger == "exchanged 390 prisoners"
    assert m.agent_id == "RUS" and m.target_id == "UKR"
    assert str(m.event_date) == "2025-05-23" and m.date_precision == "day"
    assert m.cameo_code == "0861" and m.modality == "asserted"
