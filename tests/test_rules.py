"""The curated data in force: which folder, and the actors and states it names."""

import subprocess
import sys

from pipeline import rules


def test_the_folder_in_force_is_the_one_given_else_the_setting_else_the_built_in(tmp_path, monkeypatch):
    monkeypatch.delenv("FRONTLINE_DATA_DIR", raising=False)
    assert rules.data_dir() == rules.DATA_DIR
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    assert rules.data_dir() == tmp_path
    assert rules.data_dir(tmp_path / "mine") == tmp_path / "mine"


def test_every_state_is_an_actor_with_its_country_and_the_curated_actors_keep_theirs():
    actors = rules.load_actors(rules.DATA_DIR)
    assert actors["RUS"].country == "RUS" and actors["RUS"].sector == "government"
    assert set(rules.load_states(rules.DATA_DIR)) <= set(actors)
    assert any(a.sector != "government" for a in actors.values())


def test_normalising_needs_no_part_of_extraction():
    code = ("import sys, pipeline.normalize.actors, pipeline.normalize.places, pipeline.normalize.gazetteer, "
            "pipeline.normalize.dates; "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.nlp') or m == 'spacy'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_each_word_list_the_code_reads_is_in_the_data_once_with_what_it_is_for():
    import csv

    with (rules.DATA_DIR / "party_and_place_words.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = {"force_nouns", "force_words", "force_like", "party_heads", "generic_party", "place_preps",
             "place_cases", "locative", "topic_preps", "name_articles", "passage_preps", "feature_words",
             "venue_compounds", "agreement_words", "affiliation_words"}
    assert {r["list"] for r in rows} == names
    for name in names:
        listed = rules.listed_words(name)
        assert listed and len(set(listed)) == len(listed), name
        assert all(w == w.strip().lower() for w in listed), name
        first = next(r for r in rows if r["list"] == name)
        assert first["source"].startswith("curated: "), name  # the first row says what the list is for
