"""Who acts and who is acted on, in the shapes real reporting takes that our first corpora lacked:
calls made to a party, parties written as one coordinated subject, and a place standing in for
the side it was taken from. The sentences are written for these tests."""

import pytest

from pipeline.events.assign import assign_events

from test_event_arguments import mentions_of, only, triggered


# -- whom a call to stop fighting is made to -------------------------------------------------------

@pytest.mark.parametrize("body, trigger, addressee", [
    ("The UN envoy on Monday urged the militias to honour their pledge to stop fighting.", "stop fighting", "militias"),
    ("The envoy appealed to the army and the militias to cease hostilities on Monday.", "cease hostilities", "militias"),
    ("Qatar asked the Houthis on Monday to accept a truce.", "truce", "Houthis"),
    ("Egypt pressed Israel on Monday to agree to a ceasefire.", "ceasefire", "Israel"),
    ("The mediators issued a plan on Monday that called for the junta to pull back its tanks and stop its "
     "attacks by Sunday.", "stop its attacks", "junta"),
])
def test_the_party_a_call_to_stop_is_made_to_is_its_target(body, trigger, addressee):
    m = triggered(mentions_of(body), trigger)
    assert m.event_type == "CEASEFIRE_PROPOSAL"
    assert m.target is not None and addressee in m.target, (m.agent, m.target)


@pytest.mark.parametrize("body", [
    "The envoy hoped to convince Moscow on Monday to back the calls for a ceasefire.",
    "The envoy went to Moscow on Monday to win support for a ceasefire.",
])
def test_one_asked_to_support_a_truce_is_not_whom_it_is_offered_to(body):
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert m.target is None or "Moscow" not in m.target, (m.agent, m.target)


# -- parties written as one coordinated subject ------------------------------------------------------

@pytest.mark.parametrize("body, first, second", [
    ("Kenya and al-Shabab agreed to a truce after talks in Nairobi on Monday.", "Kenya", "al-Shabab"),
    ("Colombia's government and the ELN have agreed to a truce after talks in Havana on Monday.",
     "Colombia", "ELN"),
    ("Sudan's army and the Rapid Support Forces agreed to a week-long truce after talks in Jeddah on Monday.",
     "army", "Rapid Support Forces"),
])
def test_two_parties_agreeing_after_talks_are_the_talks_agent_and_target(body, first, second):
    mentions = mentions_of(body)
    talks = only(mentions, "TALKS")
    assert talks.agent is not None and first in talks.agent, (talks.agent, talks.target)
    assert talks.target is not None and second in talks.target, (talks.agent, talks.target)
    truce = only(mentions, "CEASEFIRE_PROPOSAL")
    assert truce.agent is not None and first in truce.agent, truce.agent  # "both parties" for an agreed truce
    assert truce.target is None or truce.target != talks.agent, truce.target


def test_a_coalition_written_before_the_verb_is_named_whole():
    m = only(mentions_of("Government troops and allied clan militias have recaptured the town of Beledweyne."),
             "OFFENSIVE")
    assert m.agent == "Government troops and allied clan militias", m.agent


# -- a place standing in for the side it was taken from -------------------------------------------------

def test_the_capture_of_a_town_is_against_the_side_another_mention_of_the_event_names():
    body = ("The president said on Friday that the capture of Jowhar was a turning point in the war."
            "\n\nSomali troops captured Jowhar from al-Shabab on Friday after a week of fighting.")
    mentions, _ = assign_events(mentions_of(body), {})
    attacks = [m for m in mentions if m.event_type == "OFFENSIVE"]
    assert len(attacks) == 2 and len({m.event_id for m in attacks}) == 1, [(m.trigger, m.event_id) for m in attacks]
    assert all(m.target_id == "AL_SHABAB" for m in attacks), [(m.trigger, m.target, m.target_id) for m in attacks]
    assert "target" in triggered(attacks, "capture of").inherited


def test_a_place_hit_keeps_the_place_when_no_mention_of_the_event_names_a_side():
    body = "Artillery shells hit the centre of Jowhar on Friday, residents said."
    mentions, _ = assign_events(mentions_of(body), {})
    m = only(mentions, "OFFENSIVE")
    assert "target" not in (m.inherited or ()), (m.target, m.inherited)


# -- a subject qualified by the party it backs ------------------------------------------------------------

@pytest.mark.parametrize("body, agent_id", [
    ("The Saudi-led coalition backing Yemen's government carried out airstrikes on the port on Thursday.",
     "SAUDI_COALITION"),
    ("Wagner fighters allied with Mali's junta attacked the village on Monday.", "WAGNER"),
    ("The RSF, fighting the Sudanese army for control of the city, shelled El Obeid on Monday.", "SDN_RSF"),
])
def test_the_party_a_subject_backs_or_fights_is_not_the_agent(body, agent_id):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.agent_id == agent_id, (m.agent, m.agent_id)


# -- an owned proposal and the party that answers it ---------------------------------------------------------

@pytest.mark.parametrize("body, trigger, proposer, answerer", [
    ("Hamas rejected Egypt's truce proposal on Monday.", "truce", "Egypt", "Hamas"),
    ("A three-day truce expires on Friday unless the rebels accept the army's proposal to extend it.",
     "proposal to extend", "army", "rebels"),
    ("The junta turned down Algeria's offer to prolong the ceasefire on Sunday.", "offer to prolong", "Algeria",
     "junta"),
])
def test_an_owned_proposal_is_the_owners_and_is_made_to_the_one_who_answers_it(body, trigger, proposer, answerer):
    m = triggered(mentions_of(body), trigger)
    assert m.event_type == "CEASEFIRE_PROPOSAL" and m.modality == "proposed", (m.event_type, m.modality)
    assert m.agent is not None and proposer in m.agent, (m.agent, m.target)
    assert m.target is not None and answerer in m.target, (m.agent, m.target)


def test_parties_agreeing_to_a_truce_are_not_each_others_target():
    m = only(mentions_of("Ukraine's government and the rebels have agreed to a truce after talks in Minsk on Monday."),
             "CEASEFIRE_PROPOSAL")
    assert m.target is None, (m.agent, m.target)


# -- the town attacked, when no side is named for it -------------------------------------------------------

@pytest.mark.parametrize("body, place", [
    ("Government troops shelled the town of Idlib on Saturday.", "Idlib"),
    ("Jets carried out strikes on the town of Saraqib on Saturday.", "Saraqib"),
    ("Activists said the army resumed heavy shelling of the already battered city of Hama on Saturday.", "Hama"),
])
def test_an_attack_on_the_town_of_x_is_an_attack_on_x(body, place):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.target == place and m.location == place, (m.target, m.location)


# -- the next stage of a negotiation ----------------------------------------------------------------------

def test_a_further_round_of_talks_is_between_the_parties_the_article_named():
    body = ("Colombia's government and the ELN rebels opened peace talks in Caracas on Monday.\n\n"
            "A second round of negotiations is expected to take place in Havana next month.")
    mentions = [m for m in mentions_of(body) if m.event_type == "TALKS"]
    later = triggered(mentions, "negotiations")
    assert later.agent_id == "COL" and later.target_id == "COL_ELN", (later.agent, later.target)
    assert {"agent", "target"} <= set(later.inherited)


def test_talks_without_a_mark_of_continuation_do_not_borrow_parties():
    body = ("Colombia's government and the ELN rebels opened peace talks in Caracas on Monday.\n\n"
            "Analysts said any talks on land reform would take years.")
    mentions = [m for m in mentions_of(body) if m.event_type == "TALKS"]
    assert all(m.agent_id is None for m in mentions if "land reform" in m.sentence), \
        [(m.trigger, m.agent, m.target) for m in mentions]


@pytest.mark.parametrize("body", [
    "About 3,000 Marines who stormed into northern Kunduz province on Thursday met little resistance.",
    "The offensive was led by Marines who pushed into the Helmand valley on Thursday.",
])
def test_fighters_named_by_their_kind_are_not_a_town_of_that_name(body):
    m = next(m for m in mentions_of(body) if m.event_type == "OFFENSIVE" and m.trigger != "offensive")
    assert m.agent is not None and "Marines" in m.agent, (m.trigger, m.agent)


# -- the side that holds the place hit -------------------------------------------------------------------

@pytest.mark.parametrize("body, holder", [
    ("The army shelled positions near the rebel-held town of Zawiya on Monday.", "rebel"),
    ("Government forces were shelling targets around the opposition-held city of Deraa on Monday.", "opposition"),
    ("Saudi jets struck the Houthi-held port of Hodeidah on Monday.", "Houthi"),
])
def test_an_attack_near_a_place_a_side_holds_is_against_that_side(body, holder):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.target is not None and holder in m.target, (m.trigger, m.target)


def test_whatever_was_hit_stays_the_target_when_no_side_holds_the_place():
    m = only(mentions_of("Turkey launched more air strikes against targets in northern Iraq on Monday."), "OFFENSIVE")
    assert m.target == "targets", m.target


# -- whoever wrote the plan that calls for it ------------------------------------------------------------

@pytest.mark.parametrize("body, author", [
    ("Qatar drafted a plan that calls for both sides to halt attacks.", "Qatar"),
    ("Norway brokered a peace plan last month that called for the army to stop shelling towns by Friday.", "Norway"),
])
def test_a_plan_that_calls_for_a_halt_is_its_authors_proposal(body, author):
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert m.agent == author, (m.trigger, m.agent)


def test_a_party_that_rejects_a_plan_is_not_its_author():
    m = only(mentions_of("Hamas rejected a plan that called for the group to halt attacks."), "CEASEFIRE_PROPOSAL")
    assert m.agent_id != "HAMAS", (m.agent, m.agent_id)


@pytest.mark.parametrize("second", [
    "The envoy brokered a peace plan last month that called for the army to stop shelling towns by Friday.",
    "The U.N.-Arab League envoy brokered a peace plan last month that called for the army to stop shelling towns.",
])
def test_the_envoy_is_the_person_last_named_as_envoy(second):
    body = f"The government told peace envoy Kofi Annan on Tuesday that it would halt attacks.\n\n{second}"
    m = triggered(mentions_of(body), "stop shelling")
    assert m.agent_id == "UN_ANNAN", (m.agent, m.agent_id)


def test_a_party_taken_from_another_mention_is_named_as_briefly_as_the_article_names_it():
    body = ("The president said on Friday that the capture of Jowhar was a turning point in the war.\n\n"
            "Somali troops captured Jowhar from Harakat al-Shabaab al-Mujahideen on Friday after a week of fighting."
            "\n\nAl-Shabab fighters attacked an army post near Baidoa on Saturday.")
    mentions, _ = assign_events(mentions_of(body), {})
    first = triggered(mentions, "capture of")
    assert first.target_id == "AL_SHABAB" and first.target == "Al-Shabab", (first.target, first.target_id)


@pytest.mark.parametrize("named, bare, actor_id", [
    ("British paratroopers", "paratroopers", "GBR_MIL"),
    ("U.S. Marines", "Marines", "USA_MIL"),
])
def test_forces_named_by_their_kind_alone_are_the_force_the_article_named_with_that_noun(named, bare, actor_id):
    body = (f"{named} pushed further into Kunduz on Friday.\n\n"
            f"The offensive is led by 2,000 {bare} who stormed into northern Kunduz province on Thursday, "
            "facing the Taliban.")
    m = triggered(mentions_of(body), "stormed into northern Kunduz province")
    assert m.agent_id == actor_id, (m.agent, m.agent_id)


def test_a_generic_word_for_troops_is_not_tied_to_the_last_force_named():
    body = ("Kenyan troops patrolled the border on Friday.\n\n"
            "Troops attacked a camp near Kismayo on Saturday, residents said.")
    m = triggered(mentions_of(body), "attacked")
    assert m.agent_id is None, (m.agent, m.agent_id)


def test_his_side_is_the_side_of_whoever_his_is_and_further_talks_are_with_the_other_party():
    body = ("Talks opened in Donetsk on Monday between rebel leaders and Ukraine's government.\n\n"
            "Rebel commander Alexander Zakharchenko announced a truce in Luhansk on Monday. "
            "He said his side would engage in further talks to end the crisis.")
    m = triggered(mentions_of(body), "talks")
    later = [x for x in mentions_of(body) if x.event_type == "TALKS" and "his side" in x.sentence][0]
    assert later.agent_id == "UKR_ZAKHARCHENKO", (later.agent, later.agent_id)
    assert later.target is not None and "government" in later.target, (later.target, m.target)


def test_both_delegations_meeting_again_have_no_single_counterpart():
    body = ("Armenia's foreign minister and his Azerbaijani counterpart held talks in Almaty on Monday.\n\n"
            "The delegations will meet again next week to discuss the border, a diplomat said.")
    later = [x for x in mentions_of(body) if x.event_type == "TALKS" and "delegations" in x.sentence]
    assert later and all(x.target is None for x in later), [(x.agent, x.target) for x in later]


@pytest.mark.parametrize("body", [
    "The truce was welcomed by NATO leaders meeting in Wales on Friday.",
    "Speaking from the EU summit in Brussels on Friday, the president said the truce was fragile.",
])
def test_a_bloc_meeting_by_itself_is_an_internal_meeting_not_talks(body):
    assert not [m for m in mentions_of(body) if m.event_type == "TALKS"]


def test_a_bloc_meeting_another_party_holds_talks():
    m = only(mentions_of("NATO officials met with Russian diplomats in Geneva on Monday."), "TALKS")
    assert m.agent_id == "NATO" and m.target_id == "RUS", (m.agent_id, m.target_id)


# -- what a strike hit, when the parse hides it ------------------------------------------------------

@pytest.mark.parametrize("body, hit", [
    ("Ethiopian jets kept bombing rebel camps in the Amhara region on Tuesday.", "rebel camps"),
    ("Artillery units began shelling rebel trenches outside Goma on Sunday.", "rebel trenches"),
])
def test_what_a_continued_bombardment_hits_is_its_target_without_the_verb(body, hit):
    m = only(mentions_of(body), "OFFENSIVE")
    assert m.target == hit, (m.trigger, m.target)


def test_a_target_inferred_from_the_article_yields_to_one_another_report_of_the_attack_states():
    body = ("The Sudanese army launched airstrikes in North Darfur on Monday.\n\n"
            "Army jets are reported to have continued bombing suspected rebel hideouts near Kutum on Monday.\n\n"
            "The Rapid Support Forces denied any losses.")
    alone = triggered(mentions_of(body), "airstrikes")
    assert alone.target_id == "SDN_RSF" and "target" in alone.inherited  # the other side, before clustering
    mentions, _ = assign_events(mentions_of(body), {})
    first = triggered(mentions, "airstrikes")
    assert first.target == "suspected rebel hideouts" and "target" in first.inherited, (first.target, first.inherited)


# -- who 'she' is, and who declared the truce another party observes ---------------------------------

@pytest.mark.parametrize("body, first, later_agent", [
    # a known person's surname alone is that person, not a town bearing the name
    ("Secretary of State Hillary Clinton flew to Kabul on Monday.\n\nClinton left Kabul for Islamabad on Monday, "
     "where she met with President Hamid Karzai. She will also meet with Pakistani officials on the trip.",
     "met with", "USA_HCLINTON"),
    # the parse reads the sentence-opening surname as a verb: it is still the sentence's subject
    ("U.S. Secretary of State Antony Blinken flew to Cairo on Monday to meet with regional leaders.\n\n"
     "Blinken left Japan for Egypt on Monday, where he will meet with President Abdel Fattah el-Sisi. "
     "He will also meet with Palestinian leaders and Jordanian officials on the trip.", "meet with", "USA_BLINKEN"),
])
def test_a_pronoun_opening_the_next_sentence_is_the_traveller_not_the_host(body, first, later_agent):
    later = [m for m in mentions_of(body) if m.event_type == "TALKS" and m.sentence.startswith(("She", "He"))]
    assert len(later) == 1 and later[0].agent_id == later_agent, [(m.agent, m.agent_id) for m in later]


@pytest.mark.parametrize("body, target", [
    ("The M23 rebels will observe the unilateral truce that President Felix Tshisekedi declared on Friday, "
     "their spokesman said.", "M23"),
    ("A rebel commander said on Saturday that his fighters would respect the truce that President Felix "
     "Tshisekedi announced on Friday.", "fighters"),
])
def test_a_truce_a_clause_says_someone_declared_is_theirs_and_made_to_whoever_observes_it(body, target):
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert m.agent_id == "COD_TSHISEKEDI", (m.agent, m.agent_id)
    assert m.target is not None and target in m.target, m.target


def test_a_coalition_whose_first_member_the_parse_made_a_modifier_is_named_whole():
    m = only(mentions_of("NATO and Afghan forces have launched a major offensive in Kandahar province on Friday."),
             "OFFENSIVE")
    assert m.agent == "NATO and Afghan forces", m.agent


# -- whom a place was taken from, when the attacker fought them -------------------------------------------

@pytest.mark.parametrize("body, trigger, opponent", [
    ("Rebels seized two villages near Sirte on Tuesday after heavy fighting with militias loyal to the general.",
     "seized", "militias loyal to the general"),
    ("Government troops captured two towns on Tuesday after clashes with Kenyan troops.", "captured", "Kenyan troops"),
    ("Rebels seized two villages near Sirte on Tuesday after heavy fighting with militias loyal to the general, "
     "who fled south.", "seized", "militias loyal to the general"),
    # the fight is told in the next sentence, with the same attacker as its subject
    ("Rebels say they gained control of three small villages north of the capital on Tuesday.\n\n"
     "Rebels seized the villages after gunbattles with militias loyal to the general.",
     "gained control", "militias loyal to the general"),
])
def test_the_side_an_attacker_fought_for_a_place_is_whom_it_was_taken_from(body, trigger, opponent):
    m = triggered(mentions_of(body), trigger)
    assert m.target == opponent, (m.agent, m.target)


def test_a_fight_in_the_next_sentence_by_another_attacker_says_nothing_of_this_one():
    body = ("Rebels say they gained control of three small villages north of the capital on Tuesday.\n\n"
            "Tribal fighters later seized a checkpoint after gunbattles with militias loyal to the general.")
    m = triggered(mentions_of(body), "gained control")
    assert m.target is None or "militias" not in m.target, m.target


def test_a_description_that_observes_a_declared_truce_is_the_side_named_before_it():
    body = ("A leader of the M23 rebels in North Kivu says rebel forces will observe the unilateral truce that "
            "President Felix Tshisekedi declared on Friday.")
    m = only(mentions_of(body), "CEASEFIRE_PROPOSAL")
    assert m.target == "rebel forces" and m.target_id == "M23", (m.target, m.target_id)


def test_a_paragraph_is_not_split_after_its_first_word():
    body = ("Rebels in Mali say they have agreed to a temporary truce with the government.\n\n"
            "Representatives of the rebel alliance say they reached the agreement Thursday, during talks with the "
            "Malian government in Algiers.\n\n"
            "The truce is reportedly for two weeks. There was no immediate word from the government.\n\n"
            "Negotiators began peace talks Wednesday aimed at ending a months-long rebellion in which the alliance "
            "has seized much of the north.")
    m = [x for x in mentions_of(body) if x.event_type == "TALKS" and "Wednesday" in x.sentence]
    assert len(m) == 1 and m[0].sentence.startswith("Negotiators") and m[0].agent == "Negotiators", \
        [(x.sentence[:30], x.agent) for x in m]
    assert m[0].modality == "asserted", m[0].modality


@pytest.mark.parametrize("body, trigger, not_named, named", [
    ("Kenyan forces launched an offensive against al-Shabab on Monday.\n\nThe troops have retaken five towns "
     "since the start of an offensive against the al-Qaida-linked group in February.", "retaken", "ALQAEDA",
     "AL_SHABAB"),
    ("Iran-backed Houthi rebels attacked a Saudi oil pipeline on Tuesday.", "attacked", "IRN", "HOUTHIS"),
])
def test_a_name_before_linked_or_backed_is_whom_a_party_is_tied_to_not_the_party(body, trigger, not_named, named):
    m = triggered(mentions_of(body), trigger)
    assert named in (m.agent_id, m.target_id) and not_named not in (m.agent_id, m.target_id), \
        (m.agent, m.agent_id, m.target, m.target_id)


def test_a_mention_without_an_agent_takes_the_named_party_before_a_description():
    body = ("The president said the capture of Kilinochchi on Friday was a victory.\n\n"
            "The Sri Lanka Army launched an offensive on Kilinochchi on Friday.\n\n"
            "The military announced on Friday it had gained control of the town as the rebels retreated "
            "towards Mullaitivu.")
    mentions, _ = assign_events(mentions_of(body), {})
    capture = triggered(mentions, "capture of")
    assert capture.agent_id == "LKA_MIL" and capture.event_id == triggered(mentions, "gained control").event_id, \
        (capture.agent, capture.agent_id)
