"""Whom a truce is offered to when its sentence names nobody: the sides the article shows fighting.
A mediator's truce is made to both, a side's own truce to the side it fights; a truce two parties
agreed, or one whose author the article does not name, gets no target. Sentences written for these tests."""

from pipeline.events.assign import assign_events

from test_event_arguments import mentions_of, only, triggered

FIGHTING = ("The Sudanese army shelled Rapid Support Forces positions in Omdurman on Sunday.\n\n"
            "The Rapid Support Forces attacked an army base near El Obeid on Sunday.\n\n")


def test_a_mediators_truce_is_offered_to_both_sides_and_every_mention_of_it_says_so():
    mentions, _ = assign_events(mentions_of(FIGHTING + "Egypt proposed a ceasefire on Monday. "
                                                       "The truce would last a week, officials said."), {})
    for trigger in ("ceasefire", "truce"):
        m = triggered(mentions, trigger)
        assert m.target is not None and "Rapid Support Forces" in m.target and "Sudan" in m.target, (trigger, m.target)
        assert "target" in m.inherited  # inferred from the article, not written in the sentence


def test_a_sides_own_truce_is_offered_to_the_side_it_fights():
    m = only(mentions_of(FIGHTING + "The Rapid Support Forces declared a unilateral truce on Monday."),
             "CEASEFIRE_PROPOSAL")
    assert m.agent_id == "SDN_RSF" and m.target_id == "SDN", (m.agent, m.target, m.target_id)


def test_a_truce_two_sides_agreed_between_them_has_no_target():
    m = only(mentions_of(FIGHTING + "The Sudanese army and the Rapid Support Forces agreed to a truce on Monday."),
             "CEASEFIRE_PROPOSAL")
    assert m.target is None, m.target


def test_without_an_attack_in_the_article_nobody_is_inferred():
    m = only(mentions_of("Egypt proposed a ceasefire in Sudan on Monday."), "CEASEFIRE_PROPOSAL")
    assert m.agent_id == "EGY" and m.target is None, (m.agent, m.target)


def test_an_author_the_article_does_not_name_may_be_a_side_so_nobody_is_inferred():
    m = only(mentions_of(FIGHTING + "Local elders proposed a truce on Monday."), "CEASEFIRE_PROPOSAL")
    assert m.agent == "Local elders" and m.target is None, (m.agent, m.target)


def test_a_spokesman_of_a_fighting_sides_country_is_no_broker():
    body = ("Israeli jets struck a Hamas compound in Khan Younis on Monday.\n\n"
            "Hamas fighters fired rockets at Ashkelon on Monday.\n\n"
            "Osama Hamdan proposed a ceasefire on Tuesday.")
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert m.agent_id == "PSE_HAMDAN" and m.target_id == "ISR", (m.agent, m.target)
