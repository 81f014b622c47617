"""Event clustering: what merges, what must not, and that the answer does not depend on input order."""

import random
from collections import Counter
from datetime import date, timedelta

from pipeline.events.cluster import cluster
from pipeline.events.keys import MentionKey

DAY = timedelta(days=1)


def key(mid, *, article=None, etype="OFFENSIVE", modality="asserted", agent=None, country=None, place=None,
        admin1=None, when=None, until=None, published=date(2024, 5, 7), sector="government", **more):
    """A state actor by default (sector government): a country's organs share its key."""
    return MentionKey(mid, article or f"art-{mid}", etype, modality, agent and agent.upper(), agent, country,
                      place, admin1, when, until, published, agent_sector=sector if agent else None, **more)


def events(mapping):
    """The clusters as sets of mention ids, independent of the ids chosen for them."""
    groups = {}
    for mid, eid in mapping.items():
        groups.setdefault(eid, set()).add(mid)
    return sorted(map(sorted, groups.values()))


def test_two_outlets_on_the_same_strike_a_day_apart_make_one_event():
    a = key("a", agent="Israel", country="ISR", place="Rafah", when=date(2024, 5, 6), published=date(2024, 5, 6))
    b = key("b", agent="Israeli army", country="ISR", place="Rafah", when=date(2024, 5, 7))
    c = key("c", place="Rafah", published=date(2024, 5, 8))  # undated, no agent: matches on place
    assert events(cluster([a, b, c])) == [["a", "b", "c"]]


def test_daily_reports_of_one_actor_do_not_chain_into_one_event():
    """Every day for two months Russia attacks Kharkiv: each link is one day apart, but an event's
    mentions must share a day, so no event spans more than two days."""
    start = date(2024, 1, 1)
    mentions = [key(f"m{d:02d}{k}", agent="Russia", country="RUS", place="Kharkiv", when=start + d * DAY,
                    published=start + d * DAY) for d in range(60) for k in "xy"]
    by_id = {m.mention_id: m for m in mentions}
    groups = events(cluster(mentions))
    assert len(groups) >= 20
    for group in groups:
        days = {by_id[m].event_date for m in group}
        assert max(days) - min(days) <= DAY
    # The two reports of each day are always together.
    for d in range(60):
        assert any({f"m{d:02d}x", f"m{d:02d}y"} <= set(g) for g in groups)


def test_undated_reports_chain_no_further_than_the_publication_window():
    start = date(2024, 3, 1)
    mentions = [key(f"u{d:02d}", agent="M23", country="COD-M23", place="Goma", published=start + d * DAY)
                for d in range(30)]
    by_id = {m.mention_id: m for m in mentions}
    for group in events(cluster(mentions)):
        published = [by_id[m].published_date for m in group]
        assert max(published) - min(published) <= 3 * DAY


def test_two_countries_never_merge_through_a_mention_without_an_agent():
    day = date(2024, 8, 1)
    russia = key("r", agent="Russia", country="RUS", place="Sumy", when=day)
    bare = key("x", place="Sumy", when=day)
    ukraine = key("u", agent="Ukraine", country="UKR", place="Sumy", when=day)
    groups = events(cluster([russia, bare, ukraine]))
    assert ["r"] in groups or ["u"] in groups
    assert not any({"r", "u"} <= set(g) for g in groups)


def test_proposals_never_merge_with_things_that_happened():
    day = date(2024, 8, 1)
    done = key("d", etype="CEASEFIRE_PROPOSAL", agent="Qatar", country="QAT", when=day)
    proposed = key("p", etype="CEASEFIRE_PROPOSAL", modality="proposed", agent="Qatar", country="QAT", when=day)
    assert events(cluster([done, proposed])) == [["d"], ["p"]]


def test_the_same_mentions_in_any_order_give_the_same_events():
    rng = random.Random(7)
    actors = [("Russia", "RUS"), ("Ukraine", "UKR"), (None, None)]
    mentions = []
    for i in range(400):
        agent, country = rng.choice(actors)
        when = date(2024, 1, 1) + rng.randrange(40) * DAY if rng.random() < 0.7 else None
        mentions.append(key(f"m{i:03d}", article=f"a{i // 4}", agent=agent, country=country,
                            place=rng.choice(["Sumy", "Kursk", None]), when=when,
                            published=date(2024, 1, 1) + rng.randrange(45) * DAY))
    first = cluster(mentions)
    sizes = Counter(first.values())
    assert 1 < len(sizes) < len(mentions)
    for _ in range(3):
        rng.shuffle(mentions)
        assert cluster(mentions) == first


def test_a_month_from_another_article_is_not_matched_to_one_of_its_days():
    """"Last August" names no day: it joins other month-level reports, not one of August's attacks."""
    aug = dict(agent="Russia", country="RUS", place="Kursk")
    day = key("d", when=date(2024, 8, 6), published=date(2024, 8, 6), **aug)
    month = key("m", when=date(2024, 8, 1), until=date(2024, 8, 31), published=date(2025, 3, 2), **aug)
    again = key("n", when=date(2024, 8, 1), until=date(2024, 8, 31), published=date(2025, 4, 9), **aug)
    assert events(cluster([day, month, again])) == [["d"], ["m", "n"]]


def test_the_cheap_time_screen_never_drops_a_pair_the_full_rule_could_match():
    """Clustering screens neighbours by day numbers before the full comparison; the screen must say
    no exactly where the full time rule says no, or events would silently split."""
    from pipeline.events.cluster import _span, _time_match, _times_may_match

    rng = random.Random(7)
    day0 = date(2024, 3, 1)

    def some_key(mid):
        when = day0 + rng.randint(0, 12) * DAY if rng.random() < 0.8 else None
        until = when + rng.choice([0, 0, 1, 6, 30]) * DAY if when and rng.random() < 0.5 else None
        published = day0 + rng.randint(0, 14) * DAY if rng.random() < 0.9 else None
        return key(mid, when=when, until=until, published=published)

    pairs = [(some_key(f"a{i}"), some_key(f"b{i}")) for i in range(5000)]
    outcomes = Counter()
    for a, b in pairs:
        screened = _times_may_match(_span(a), _span(b))
        assert screened == (_time_match(a, b) is not False), (a, b)
        outcomes[screened] += 1
    assert outcomes[True] > 500 and outcomes[False] > 500  # both outcomes were exercised


def test_those_who_talk_for_a_side_name_no_side_to_cluster_by():
    from pipeline.events.keys import actor_key
    assert actor_key(None, "Negotiators", None, None) is None
    assert actor_key(None, "the delegations", None, None) is None
    assert actor_key(None, "Seleka negotiators", None, None) == "seleka"
