"""Event detection and identity on news-like text: what is an event, and one row per real-world event.

Every text here was written for these tests. Each test covers one class of error seen on real news:
references that must join the event already reported, words of war used for sport, trade or politics,
generic and habitual phrases, names, and clustering that must keep distinct events apart.
"""

from datetime import date, datetime, timezone

import pytest

from pipeline.events.assign import assign_events
from pipeline.events.cluster import cluster
from pipeline.events.keys import MentionKey
from pipeline.extract import extract_mentions
from pipeline.ingest.parse import parse_document

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def article(body: str, published: str = "2031-04-09", title: str = "Headline", name: str = "t.txt"):
    text = f" date {published} Test Wire / world\n\n{title}\n\n{body}\n"
    [a] = parse_document(text.encode(), name, run_id="t", now=NOW).articles
    return a


def events_of(*bodies: str, published: str = "2031-04-09"):
    """Mentions (with event ids) and event rows of one or more articles, clustered as a run would."""
    arts = [article(b, published, name=f"a{i}.txt") for i, b in enumerate(bodies)]
    mentions = extract_mentions(arts, run_id="t")
    return assign_events(mentions, {a.article_id: f"outlet{i}" for i, a in enumerate(arts)})


# -- one event, one row, inside an article ---------------------------------------------------

def test_later_references_join_the_event_the_article_reported():
    mentions, events = events_of(
        "Velmar's army launched an offensive against the rebel-held town of Orsk on Monday, military officials "
        "said. Residents fled as artillery fire hit the outskirts. The offensive is the largest of the year, "
        "and the operation is expected to last weeks.")
    offensive = [m for m in mentions if m.event_type == "OFFENSIVE"]
    assert len(offensive) >= 2
    assert len({m.event_id for m in offensive}) == 1, [(m.trigger, m.event_id) for m in offensive]
    reference = next(m for m in offensive if m.trigger.lower() == "offensive" and m.antecedent_id)
    assert reference.antecedent_id == offensive[0].mention_id


def test_a_later_truce_reference_joins_the_truce_and_takes_its_date():
    mentions, events = events_of(
        "Government and rebel negotiators agreed on a 30-day truce in the capital on Tuesday, mediators said. "
        "The truce is meant to allow aid convoys into the besieged north.")
    truce = [m for m in mentions if m.event_type == "CEASEFIRE_PROPOSAL"]
    assert len(truce) == 2 and len({m.event_id for m in truce}) == 1
    assert truce[1].event_date == date(2031, 4, 8) and "date" in truce[1].inherited
    [row] = [e for e in events if e.event_type == "CEASEFIRE_PROPOSAL"]
    assert row.n_mentions == 2 and row.event_date == date(2031, 4, 8)


def test_a_reference_with_a_date_long_before_does_not_join_todays_event():
    mentions, _ = events_of(
        "Tamberu's air force bombed rebel positions near Kidou. The war began with the rebel attack on the "
        "garrison town of Sarel on 3 March 2029.")
    attacks = [m for m in mentions if m.event_type == "OFFENSIVE"]
    assert len({m.event_id for m in attacks}) == 2, [(m.trigger, m.event_date, m.antecedent_id) for m in attacks]


# -- what is not an event ---------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    # sport
    "The striker stormed into the penalty box in the 80th minute and struck the post. Their defence held off "
    "a late attack, and the coach said the team would defend its title at the championship next season.",
    # trade and the economy
    "Negotiators from both economies resumed trade talks in Geneva on Monday to end a tariff war. The two "
    "sides agreed to a 90-day truce on new tariffs while markets and exporters waited for a deal.",
    # domestic politics
    "The opposition leader launched a scathing attack on the government's budget in parliament, and "
    "lawmakers said talks on the spending bill would go on until the vote.",
])
def test_articles_about_something_else_yield_no_event(body):
    mentions, events = events_of(body)
    assert mentions == [] and events == [], [(m.event_type, m.trigger) for m in mentions]


@pytest.mark.parametrize("body, trigger", [
    ("Analysts said the war had entered its third year and fighting continued along the front.", None),
    ("Kessa militias have stepped up their attacks and regularly ambush supply routes, the report said.", "attacks"),
    ("Aid agencies struggled to reach the besieged city, where food ran short.", "besieged"),
    ("The army displayed new attack drones at the parade in Orsk.", "attack"),
    ("Diplomats praised efforts to end the fighting and a genuine desire to end the war.", None),
    ("The Ceasefire Monitoring Committee published its monthly report on Friday.", None),
    ("Rebels captured two soldiers and seized weapons near Tarvo, officials said.", None),
])
def test_generic_habitual_state_name_and_capture_of_people_are_no_events(body, trigger):
    mentions, _ = events_of(body)
    assert [m for m in mentions if trigger is None or m.trigger.lower().startswith(trigger)] == [], \
        [(m.event_type, m.trigger) for m in mentions]


def test_a_conflict_article_still_reports_its_attack_among_economic_words():
    mentions, _ = events_of(
        "Velmar artillery shelled the port of Orsk on Sunday, killing four civilians, officials said. The port "
        "handles most of the country's grain exports, and traders warned that prices would rise. Troops and "
        "militants have fought for the port since March.")
    assert any(m.event_type == "OFFENSIVE" for m in mentions)


# -- clustering across articles ---------------------------------------------------------------

def key(mid, *, article, agent=None, agent_id=None, country=None, sector=None, place=None, lat=None, lon=None,
        when=None, published=date(2031, 4, 9), target=None, target_id=None, etype="OFFENSIVE"):
    return MentionKey(mid, article, etype, "asserted", agent_id, agent, country, place, None, when, when, published,
                      agent_sector=sector, target_name=target, target_id=target_id, place_country="VEL" if place else None,
                      latitude=lat, longitude=lon, geo_precision=1 if lat is not None else None)


def groups(mapping):
    found = {}
    for mid, eid in mapping.items():
        found.setdefault(eid, set()).add(mid)
    return sorted(map(sorted, found.values()))


def test_an_actor_the_dictionary_does_not_know_is_no_wildcard():
    # Three offensives by three groups no dictionary knows, same region and week: three events.
    a = key("a", article="x", agent="Northern Kessa Front", when=date(2031, 4, 7))
    b = key("b", article="y", agent="Azawet Liberation Army", when=date(2031, 4, 7))
    c = key("c", article="z", agent="Free Orsk Brigade", when=date(2031, 4, 8))
    assert groups(cluster([a, b, c])) == [["a"], ["b"], ["c"]]
    # ... while two reports of one of them do merge
    d = key("d", article="w", agent="the Northern Kessa Front", when=date(2031, 4, 7))
    assert ["a", "d"] in groups(cluster([a, b, c, d]))


def test_events_at_distinct_places_stay_apart():
    orsk = key("a", article="x", agent="Velmar", agent_id="VEL", country="VEL", sector="government",
               place="Orsk", lat=48.0, lon=35.0, when=date(2031, 4, 8))
    tarvo = key("b", article="y", agent="Velmar", agent_id="VEL", country="VEL", sector="government",
                place="Tarvo", lat=49.5, lon=37.0, when=date(2031, 4, 8))
    near_orsk = key("c", article="z", agent="Velmar", agent_id="VEL", country="VEL", sector="government",
                    place="Orsk outskirts", lat=48.05, lon=35.05, when=date(2031, 4, 8))
    assert groups(cluster([orsk, tarvo, near_orsk])) == [["a", "c"], ["b"]]


def test_two_opposite_sides_are_never_one_events_agent():
    # "Velmar attacked the Front" and "the Front attacked Velmar" the same day: two events,
    # even through a third report that names neither attacker.
    a = key("a", article="x", agent="Velmar", agent_id="VEL", country="VEL", sector="government",
            target="Kessa Front", target_id="KESSA", when=date(2031, 4, 8))
    b = key("b", article="y", agent="Kessa Front", agent_id="KESSA", country="VEL", sector="rebel",
            target="Velmar", target_id="VEL", when=date(2031, 4, 8))
    bridge = key("c", article="x", when=date(2031, 4, 8))
    assert len(groups(cluster([a, b, bridge]))) >= 2
    assert not any({"a", "b"} <= set(g) for g in groups(cluster([a, b, bridge])))


def test_an_event_row_is_decided_by_the_weight_of_its_mentions():
    mentions, events = events_of(
        "Velmar's army shelled Orsk on Monday, killing six people, officials said.",
        "Velmar's army shelled Orsk on Monday, the regional governor said.",
        "The army of Velmar shelled Orsk on Monday.",
    )
    [row] = [e for e in events if e.event_type == "OFFENSIVE"]
    assert row.n_articles == 3 and row.n_mentions == 3
    assert row.place_name == "Orsk" and row.event_date == date(2031, 4, 7)
