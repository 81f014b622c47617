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
    code = ("import sys, pipeline.normalize.actors, pipeline.normalize.places, pipeline.normalize.dates; "
            "print(sorted(m for m in sys.modules if m.startswith('pipeline.nlp') or m == 'spacy'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
