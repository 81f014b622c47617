"""Who did what to whom, and when: agent, target, date and duration of one trigger.

Agent and target come from the dependency parse when the pipeline has one
(subject and object of the event verb, passive "by"-agents, "X's proposal",
"talks between X and Y", "talks with X", the subject of a light verb such as
"mounted an offensive"). Where the parse gives no actor, surface rules over
the same sentence fill the gap; with a blank pipeline (no parser) they are
all there is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from pipeline.nlp import references
from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import in_list, word_list
from pipeline.nlp.sentence import PERSON_LABELS, PLACE_LABELS, Role, SentenceView, distance, preceding_word
from pipeline.normalize.dates import Period, resolve_date
from pipeline.rules import listed_words

# A name right after one of these is inside a prepositional phrase: not a subject.
PREPOSITIONS = {"in", "into", "of", "near", "at", "to", "for", "from", "against", "on", "with", "across",
                "toward", "towards", "outside", "inside", "around", "over", "through", "between", "by",
                "about", "under", "within", "beyond", "along", "behind", "upon", "among", "amid"}
TARGET_PREPS = {"against", "on", "into", "at", "toward", "towards", "with"}
FORCE_WORDS = set(listed_words("force_words"))
FORCE_LIKE = FORCE_WORDS | set(listed_words("force_like"))
ATTACK_PREPS = {"against", "on", "at", "upon", "of"}  # "strikes on X", "shelling of X"; "with 300 drones" is the means
# Words that end a clause when searching leftwards for a subject.
CLAUSE_BREAKS = {",", ";", ":", "as", "while", "but", "although", "though", "because", "after", "before",
                 "when", "since", "that", "which", "who", "whereas", "said", "says", "told", "(", ")",
                 "\u2014", "\u2013"}
SUBJECT_DEPS = {"nsubj", "csubj"}
PASSIVE_SUBJECT_DEPS = {"nsubj:pass", "nsubjpass"}
AGENT_DEPS = {"obl:agent", "agent"}
OBJECT_DEPS = {"obj", "dobj", "iobj"}
POSSESSOR_DEPS = {"nmod:poss", "poss"}
MODIFIER_DEPS = {"amod", "compound", "nmod:desc"}
# Nouns that are never the agent or target of an event, even in subject position.
NOT_PARTICIPANTS = {"decision", "setback", "war", "conflict", "situation", "move", "announcement", "deal",
                    "agreement", "statement", "report", "reports", "news", "fighting", "violence", "talks",
                    "meeting", "ceasefire", "truce", "attack", "attacks", "offensive", "strike", "strikes",
                    "incursion", "operation", "campaign", "assault", "people", "civilians", "residents", "town",
                    "city", "village", "area", "region", "territory", "side", "part", "parts", "time", "day",
                    "week", "month", "year", "hours", "days", "weeks", "months", "years", "total", "number"}
# Heads of unnamed noun phrases that name a party to an event ("Ukrainian units", "the two sides").
PARTY_NOUNS = set(listed_words("party_heads"))
# Verbs whose subject proposes what they govern: "Qatar proposed a truce", "leaders called for a ceasefire".
# Nouns that carry a proposal whose owner is the ceasefire's agent: "Qatar's proposal for a truce".
PROPOSAL_NOUNS = {"proposal", "plan", "offer", "initiative", "call", "bid", "push", "demand", "appeal", "deal"}


@dataclass(frozen=True)
class Roles:
    agent: Role | None = None
    target: Role | None = None
    decided: bool = False  # the parse settled the agent: surface rules must not override it

    def __bool__(self) -> bool:
        return self.agent is not None or self.target is not None


# -- surface rules ---------------------------------------------------------------

def _find_word(doc: Doc, start: int, stop: int, words: set[str]) -> int | None:
    for i in range(start, min(stop, len(doc))):
        if doc[i].lower_ in words:
            return i
    return None


def is_oblique(doc: Doc, role: Role, floor: int) -> bool:
    return preceding_word(doc, role.start, floor) in PREPOSITIONS


def clause_floor(doc: Doc, sent: Span, token: int) -> int:
    """The first token of the clause that holds ``token``, scanning left to a clause break."""
    i = token - 1
    while i >= sent.start:
        if doc[i].lower_ in CLAUSE_BREAKS:
            return i + 1
        i -= 1
    return sent.start


def nearest_left_actor(doc: Doc, s: SentenceView, token: int, *, allow_oblique: bool = False) -> Role | None:
    floor = clause_floor(doc, s.span, token)
    best = None
    for role in s.actors:
        if role.end <= token and role.start >= floor and not references.is_place(role):
            if allow_oblique or not is_oblique(doc, role, s.span.start):
                best = role
    return best


def first_actor_after(s: SentenceView, token: int, limit: int | None = None) -> Role | None:
    for role in s.actors:
        if role.start >= token and (limit is None or role.start < limit):
            return role
    return None


def between_roles(doc: Doc, s: SentenceView, trig: Span, sentences: list[SentenceView] | None = None,
                  index: int = 0) -> Roles:
    """'talks between X and Y' -> (X, Y); X and Y may be named or described ('rebel leaders and
    representatives of the government')."""
    b = _find_word(doc, trig.start, min(trig.end + 6, s.span.end), {"between"})
    if b is None:
        return Roles()
    first = first_actor_after(s, b + 1)
    if doc.has_annotation("DEP") and (first is None or first.start > b + 3):
        head = doc[b].head
        x = participant(doc, s, _spokesmen_of(head), sentences, index, strict=True)
        if x is not None:
            other = next((c for c in head.children if c.dep_ == "conj"), None)
            y = participant(doc, s, _spokesmen_of(other), sentences, index, strict=True) if other is not None else None
            return Roles(x, y or _after_and(doc, s, x.end))
    if first is None:
        return Roles()
    for role in s.actors:
        if role.start > first.end and _find_word(doc, first.end, role.start, {"and", "&"}) is not None:
            return Roles(first, role)
    return Roles(first, None)


def _after_and(doc: Doc, s: SentenceView, end: int) -> Role | None:
    """'between the government and the FARC collapsed': the second party, read from the words when the
    parse hung it elsewhere."""
    if end >= s.span.end or doc[end].lower_ not in ("and", "&"):
        return None
    return first_actor_after(s, end + 1, limit=end + 4)


def passive_agent(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'surrounded by the Russian military', 'attacked by drones' -> the by-phrase actor."""
    by = trig.end - 1 if trig[-1].lower_ == "by" else _find_word(doc, trig.end, min(trig.end + 3, s.span.end), {"by"})
    if by is None:
        return None
    return first_actor_after(s, by + 1, limit=by + 5)


def _compound_owner(doc: Doc, s: SentenceView, role: Role) -> Role:
    """'US-Ukrainian' reads as one agent, named by its first part."""
    for other in s.actors:
        if other.end <= role.start and doc[other.end:role.start].text in ("-", "\u2013"):
            return Role(doc[other.start:role.end].text, other.id, other.start, role.end, other.label)
    return role


def proposal_owner(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'a US-Ukrainian proposal for a pause', 'Russia's ceasefire offer', 'Qatar proposed a truce'."""
    anchors = [c for c in s.cues_of("PROPOSAL") if abs(c.start - trig.start) <= 6]
    anchors.append(trig)
    for anchor in anchors:
        i = anchor.start - 1  # the owner is written right before: adjective, compound or possessive
        while i >= s.span.start and (doc[i].text in ("-", "'s", "\u2019s") or doc[i].lower_ in {"the", "a", "an"}
                                     or doc[i].like_num or doc[i].lower_ in {"day", "week", "month"}):
            i -= 1
        for role in s.actors:
            if role.start <= i < role.end:
                return _compound_owner(doc, s, role)
        adjectival = anchor.start > s.span.start and doc[anchor.start - 1].lower_ in {"a", "an", "the"}
        if anchor is not trig and not adjectival and doc[anchor.start].lower_ in {"proposed", "offered",
                                                                                   "suggested", "urged"}:
            subj = nearest_left_actor(doc, s, anchor.start)
            if subj is not None:
                return subj
    return None


def surface_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
                  sentences: list[SentenceView] | None = None, index: int = 0) -> Roles:
    between = between_roles(doc, s, trig, sentences, index)
    if between:
        return between
    if (agent := passive_agent(doc, s, trig)) is not None:
        return Roles(agent, nearest_left_actor(doc, s, trig.start, allow_oblique=True))
    if demand is not None:
        return Roles(nearest_left_actor(doc, s, demand.start), first_actor_after(s, demand.end, limit=trig.start))
    if spec.default_modality == "proposed":
        return Roles(proposal_owner(doc, s, trig), None)
    agent = nearest_left_actor(doc, s, trig.start) or _phrase_before(doc, s, trig)
    target = None
    # "Russia and Ukraine held talks": the first named is the agent, the other the target.
    if agent is not None and spec.symmetric:
        for role in s.actors:  # "Revolutionary Armed Forces of Colombia [FARC]": the name and its short form
            if role.end <= agent.start and role.id and role.id == agent.id and all(
                    t.is_punct for t in doc[role.end:agent.start]):
                agent = Role(doc[role.start:agent.end].text, agent.id, role.start, agent.end, agent.label)
        for role in s.actors:
            if role.end <= agent.start and [t.lower_ for t in doc[role.end:agent.start]
                                            if t.lower_ not in ("the", "a", "an")] in (["and"], ["&"]):
                agent, target = role, agent
    preps = TARGET_PREPS if spec.symmetric or spec.default_modality == "proposed" else ATTACK_PREPS
    if target is None:
        for role in s.actors:
            if role.start < trig.end:
                continue
            if any(t.lower_ in CLAUSE_BREAKS for t in doc[trig.end:role.start]):
                break  # "gained control of the town as the rebels moved towards ... Sri Lanka": another clause
            if preceding_word(doc, role.start, s.span.start) in preps:
                if not (role.label in PLACE_LABELS and doc[role.start - 1].lower_ in {"in", "near", "at"}):
                    target = role
                    break
    if target is None and spec.name == "OFFENSIVE" and trig.root.tag_.startswith("VB"):
        target = _phrase_after(doc, s, trig)
    return Roles(agent, target)


REPORTED_SUBJECT_REACH = 5


def reported_subject(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'an official said troops overpowered the militants and regained control of X': the subject of
    what was said, read from the words right after the reporting verb (the parse often takes the
    first verb for an adjective and hangs the second from 'said')."""
    if not trig.root.tag_.startswith("VB"):
        return None
    cues = [c for c in s.cues_of("REPORT") if c.end <= trig.start]
    if not cues:
        return None
    i = cues[-1].end
    while i < trig.start and (doc[i].lower_ in {"that", "on", ","} or any(d.start <= i < d.end for d in s.dates)):
        i += 1
    if (role := first_actor_after(s, i, limit=trig.start)) is not None and role.start == i:
        return None if references.is_place(role) else role
    for j in range(i, min(trig.start, i + REPORTED_SUBJECT_REACH)):
        word = doc[j]
        if not word.is_alpha:
            return None
        if word.lower_ in FORCE_WORDS or word.lower_ in PARTY_NOUNS:
            return Role(doc[i:j + 1].text, None, i, j + 1, "NP")
    return None


def _phrase_before(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'Government warplanes bombed ...': the noun phrase right before an attack verb, read from the words
    when the parse lost it, if its head names a party or a force."""
    if not trig.root.tag_.startswith("VB"):
        return None
    end = trig.start
    while end > s.span.start and doc[end - 1].lower_ in {"have", "has", "had", "also", "then", "reportedly"}:
        end -= 1
    start = end
    while start > s.span.start and (doc[start - 1].is_alpha and not doc[start - 1].tag_.startswith("VB")
                                    and doc[start - 1].lower_ not in CLAUSE_BREAKS | PREPOSITIONS | {"that"}):
        start -= 1
    head = doc[end - 1] if end > start else None
    if head is None or (head.lower_ not in PARTY_NOUNS and head.lower_ not in FORCE_LIKE):
        return None
    return Role(doc[start:end].text, None, start, end, "NP")


SETTLEMENTS = {"town", "towns", "city", "cities", "village", "villages", "area", "areas", "territory", "district",
               "region", "province", "hamlets", "outskirts", "neighbourhood", "neighborhood"}


def _phrase_after(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'bombed rebel positions outside Orsk': the noun phrase right after an attack verb."""
    i = trig.end
    while i < s.span.end and doc[i].lower_ in {"the", "a", "an", "several", "two", "three"}:
        i += 1
    j = i
    while j < s.span.end and doc[j].is_alpha and doc[j].lower_ not in PREPOSITIONS and not doc[j].tag_.startswith("VB"):
        j += 1
    if j == i or any(d.start < j and i < d.end for d in s.dates):
        return None
    head = doc[j - 1]
    if head.lower_ in SETTLEMENTS:
        return None  # a town taken is where it happened; whom it was taken from is the target
    if head.lower_ in PARTY_NOUNS or in_list(head, "target_nouns"):
        return Role(doc[trig.end:j].text, None, trig.end, j, "NP")
    return None


# -- dependency rules -------------------------------------------------------------

def _case(token: Token) -> str | None:
    for child in token.children:
        if child.dep_ == "case":
            return child.lower_
    return None


def _actor(s: SentenceView, token: Token | None) -> Role | None:
    """The actor a token names: itself, or a name attached to it ('the envoy Steve Witkoff')."""
    if token is None:
        return None
    if (role := s.actor_at(token)) is not None:
        return role
    # "Yemen's Ansar Allah movement": the name it carries before its owner's
    for deps in ({"flat", "appos", "compound", "nmod:desc"}, POSSESSOR_DEPS):
        for child in token.children:
            if child.dep_ in deps and (role := s.actor_at(child)):
                return role
    return None


def _complementizer(that: Token, head: Token) -> bool:
    """'that' opening a clause, not pointing at a thing: the parser may call it a determiner, but a
    plural head ('that rebel forces') or a verb or date right before it ('said on Monday that') gives it away."""
    if that.tag_ == "IN" or head.tag_ in ("NNS", "NNPS"):
        return True
    before = that.doc[that.i - 1] if that.i > 0 else None
    return before is not None and (before.pos_ == "VERB" or before.ent_type_ == "DATE" or before.dep_.startswith("obl"))


def noun_phrase(doc: Doc, token: Token) -> Role:
    """'Israeli tanks', 'the two sides', 'junta aircraft': the head noun with its left modifiers."""
    start = token.i
    for child in token.lefts:
        if child.dep_ in {"det", "amod", "compound", "nummod", "nmod:poss", "flat", "case"} | MODIFIER_DEPS:
            start = min(start, child.left_edge.i)
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in {"flat", "compound"}:
            end = max(end, child.right_edge.i + 1)
    while start < token.i and (doc[start].dep_ == "case" or (doc[start].lower_ == "that" and _complementizer(doc[start], token))):
        start += 1  # 'said that government troops': the conjunction is not part of the phrase
    return Role(doc[start:end].text, None, start, end, "NP")


def participant(doc: Doc, s: SentenceView, token: Token | None, sentences: list[SentenceView] | None = None,
                index: int = 0, *, strict: bool | str = False) -> Role | None:
    """Who a subject or object token stands for: a named actor, a resolved pronoun, or the noun phrase.

    Unnamed agents matter to analysts ("the army", "Israeli tanks", "the two sides"); they are kept as
    written, without an id. ``strict`` keeps only noun phrases that name a party (talks are held with
    parties, not with "details"); ``strict="target"`` also keeps what an attack hits ("a van", "the
    presidential palace", "opposition strongholds"), never a number, a date or a weapon.
    """
    if token is None or token.i < s.body_start or any(d.start <= token.i < d.end for d in s.dates):
        return None  # "on Monday" is when, never who
    if (role := _actor(s, token)) is not None:
        return role
    if token.lower_ in {"which", "who", "that"} and token.head.dep_ == "acl:relcl":
        return participant(doc, s, token.head.head, sentences, index, strict=strict)  # "Oman, which hosted talks"
    if token.pos_ == "PRON":
        # In reported speech the speaker comes first: in "The M23 said they had taken Goma", they = the M23.
        speaker = _speaker_of_report(s, token)
        if speaker is not None:
            return speaker
        return references.resolve_pronoun(sentences or [s], index if sentences else 0, token)
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ in NOT_PARTICIPANTS:
        return None
    if strict and token.lower_ not in PARTY_NOUNS and token.lemma_ not in PARTY_NOUNS and token.pos_ != "PROPN" \
            and not token.is_title and not (strict == "target" and (token.lower_ in word_list("target_nouns")
                                                                   or token.lemma_ in word_list("target_nouns"))):
        return None
    for child in token.children:  # "fighters from the Rapid Support Forces", "rebels of the M23"
        if child.dep_ in {"nmod", "appos"} and _case(child) in {"from", "of", None} and (role := _actor(s, child)):
            return role
    if s.span.start <= token.i < s.span.end:
        if any(t.label in PLACE_LABELS and t.start <= token.i < t.end for t in s.places):
            return None
        return references.resolve_description(doc, sentences or [s], index if sentences else 0,
                                              noun_phrase(doc, token))
    return None


def _speaker_of_report(s: SentenceView, token: Token) -> Role | None:
    """'The M23 said they had taken Goma': a pronoun inside what someone said is, first, the speaker."""
    report_verbs = {c.root.i for c in s.cues_of("REPORT")}
    people = token.lower_ in references.PEOPLE_PRONOUNS
    for ancestor in token.ancestors:
        if ancestor.i in report_verbs:
            speaker = next((c for c in ancestor.children if c.dep_ == "nsubj"), None)
            role = _actor(s, speaker) if speaker is not None and speaker.i != token.i else None
            if role is None and speaker is not None and speaker.pos_ == "NOUN" and not people:
                role = noun_phrase(s.span.doc, speaker)  # "the army said it had regained control"
            if role is not None and (role.label in PERSON_LABELS) == people and not references.is_place(role):
                return role
            return None
    return None


def _child(token: Token, deps: set[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _together(doc: Doc, s: SentenceView, subject: Token | None, agent: Role | None,
              sentences: list[SentenceView], index: int) -> Role | None:
    """'NATO and Afghan forces launched ...', 'Somali government and African Union forces seized ...': a
    coalition acts as one agent, written whole and named by its members, not by the first alone."""
    if subject is None or agent is None:
        return agent
    heads = [subject] + [c for c in subject.children if c.dep_ in {"compound", "amod", "nmod:poss"}]
    siblings = [c for c in subject.head.children if c.dep_ in SUBJECT_DEPS and c != subject] \
        if subject.head != subject else []  # the parse may give "X and Y agreed" two subjects
    members = [agent] + [m for c in [c for h in heads for c in h.children if c.dep_ == "conj"] + siblings
                         if (m := participant(doc, s, c, sentences, index)) is not None and m != agent]
    if len(members) < 2:
        return agent
    start, end = min(m.start for m in members), max(m.end for m in members)
    while end < s.span.end and doc[end].lower_ in FORCE_WORDS:
        end += 1  # "NATO and Afghan forces": the noun they share
    if end - start > 12 or any(t.pos_ in ("VERB", "AUX") or t.text in (",", ";") and t.i > agent.end
                               for t in doc[start:end]):
        return agent  # the parse joined more than a list of names
    return Role(doc[start:end].text, None, start, end, "NP")


def _claims_responsibility(verb: Token, root: Token) -> bool:
    """'claimed responsibility for the bombing', 'took credit for the attack': the claimer did it."""
    if verb.lemma_.lower() not in ("claim", "take", "admit", "accept") and not verb.lower_.startswith(("claim", "took")):
        return False
    token = root
    while token != verb and token.head != token:
        if token.lower_ in ("responsibility", "credit"):
            return True
        token = token.head
    return False


def _holder(s: SentenceView, verb: Token, sentences: list[SentenceView], index: int) -> Role | None:
    """Who held what was captured: 'captured the area from al-Shabab', 'took the Taliban-held town'."""
    if not in_list(verb, "capture_verbs") and not in_list(verb, "retake_verbs"):
        return None
    doc = s.span.doc
    for child in verb.children:
        if child.dep_ == "obl" and _case(child) == "from":
            found = participant(doc, s, child, sentences, index, strict=True)
            if found is not None:
                return found
    obj = _child(verb, OBJECT_DEPS)
    if obj is not None:
        for t in obj.subtree:  # "the Taliban-held town of Musa Qala", "the rebel-controlled city"
            if t.lower_ in ("held", "controlled", "occupied", "run") and t.i > 1 and doc[t.i - 1].text in ("-", "\u2013"):
                owner = s.actor_at(doc[t.i - 2])
                if owner is not None:
                    return owner
    return None


def _spokesmen_of(token: Token | None) -> Token | None:
    """'Representatives of the government and the rebels', 'delegations from X': the parties they speak for."""
    if token is None or token.lower_ not in word_list("party_nouns"):
        return token
    for child in token.children:
        if child.dep_ in {"nmod", "obl"} and _case(child) in {"of", "from"}:
            return child
    return token


GERUND_MARKS = {"after", "before", "while", "since", "upon", "by", "when"}


def _subject(token: Token) -> Token | None:
    """The subject of a verb, or of the verb it shares one with ('sought to attack', 'attacked and seized',
    'broke off a trip to travel to Cairo to meet ...': an infinitive of purpose shares the main subject).

    Other adverbial clauses do not inherit: their subject is too often mis-attached in news syntax.
    """
    seen = 0
    while token is not None and seen < 4:
        subj = _child(token, SUBJECT_DEPS)
        if subj is not None:
            return subj
        if token.head == token:
            return None
        purpose = token.dep_ in {"advcl", "acl"} and any(c.dep_ == "mark" and c.lower_ == "to" for c in token.children)
        # "X widened its campaign, launching four airstrikes": a participle with no subject or
        # conjunction of its own shares the main clause's subject
        # as does one after a temporal word ("..., after gaining control of two towns": the rebels gained it)
        participle = token.dep_ == "advcl" and token.tag_ == "VBG" and all(
            c.lower_ in GERUND_MARKS for c in token.children if c.dep_ == "mark")
        if token.dep_ in {"acl", "acl:relcl"} and token.tag_ == "VBG" and token.head.pos_ in ("NOUN", "PROPN"):
            return token.head  # "insurgents threatening to take over the dam": the insurgents
        if token.dep_ == "conj" and in_list(token.head, "report_verbs"):
            return None  # 'an official said troops retook the town', parsed as 'said ... and retook'
        if token.dep_ == "csubj" and token.head.pos_ == "ADJ":
            # "She is due to meet ...", parsed with 'due' as the root and 'She' as an expletive
            return next((c for c in token.head.children if c.dep_ in SUBJECT_DEPS | {"expl"}
                         and c.i < token.i and c.lower_ not in ("it", "there")), None)
        if token.dep_ in {"xcomp", "conj"} or purpose or participle:
            token = token.head
            if token.dep_ in {"obj", "obl"} and token.pos_ == "NOUN" and purpose:
                token = token.head  # "a trip to travel": the trip's verb
            seen += 1
            continue
        return None
    return None


def _noun_owner(s: SentenceView, noun: Token) -> Role | None:
    """'Israel's offensive', 'the Russian offensive', 'US-Ukrainian proposal'; never a place ('the
    Pahalgam attack' happened in Pahalgam, nobody there carried it out)."""
    for child in noun.children:
        if child.dep_ in POSSESSOR_DEPS | MODIFIER_DEPS and (role := s.actor_at(child)) is not None:
            if not references.is_place(role):
                return role
    return None


def _governing_verb(root: Token, s: SentenceView | None = None, symmetric: bool = False) -> Token | None:
    """The verb a noun trigger hangs from: 'mounted a counteroffensive', 'called for a truce', 'ready for a truce'.

    A trigger in an adverbial phrase ('withdrew in the face of the onslaught', 'lost ground during an
    offensive') is a circumstance of the verb, not its deed: only a light verb ('took part in') or a verb
    that is itself an act of the kind ('seized the town in an incursion') counts."""
    head, hops, through_phrase = root, 0, False
    while head.dep_ in {"obj", "obl", "nmod", "compound", "nsubj:pass", "xcomp"} and head.head != head and hops < 3:
        through_phrase = through_phrase or (head.dep_ in {"obl", "nmod"} and _case(head) not in {"for", None})
        head = head.head
        hops += 1
        if head.pos_ in ("VERB", "AUX", "ADJ"):
            light = head.lemma_.lower() in word_list("light_verbs")
            act = s is not None and any(t.start <= head.i < t.end for t in s.triggers)
            # "agreed to a truce after talks in Minsk": who agrees at talks took part in them
            present = symmetric and _case(root) in {"after", "during", "at", "in", "following"}
            agreeing = head.lemma_.lower() in word_list("proposer_verbs")  # "agreed to a truce", "called for a ceasefire"
            return head if not through_phrase or light or act or present or agreeing else None
    return None


def _involving(s: SentenceView, root: Token, sentences: list[SentenceView], index: int) -> Role | None:
    """'an offensive involving African Union forces', 'a campaign led by the army': who carries it out."""
    for child in root.children:
        if child.dep_ in {"acl", "acl:relcl"} and child.lemma_.lower() in {"involve", "lead", "conduct", "launch"}:
            for grand in child.children:
                if grand.dep_ in {"obj", "obl:agent", "obl", "agent"}:
                    found = participant(s.span.doc, s, grand, sentences, index)
                    if found is not None:
                        return found
    return None


def _named_opponent(s: SentenceView, heads: list[Token]) -> Role | None:
    """'restart fighting with Israel', 'clashed with the RSF': 'with' a named party is whom the fighting
    is against; 'with drones', 'with artillery' is the means, and names no party."""
    for head in heads:
        for child in head.children:
            if child.dep_ in {"obl", "nmod"} and _case(child) == "with":
                role = s.actor_at(child)
                if role is not None and role.id and not references.is_place(role) and role.label != "PERSON":
                    return role
    return None


def dependency_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
                     sentences: list[SentenceView], index: int) -> Roles:
    """Agent and target read off the parse; ``decided`` says the structure left no gap to fill."""
    part = lambda tok: participant(doc, s, tok, sentences, index)
    # An attack's target may be a party or what it hits ("targets in Lebanon", "a van"); talks' only a party.
    party = lambda tok: participant(doc, s, tok, sentences, index, strict="target" if spec.name == "OFFENSIVE" else True)
    preps = TARGET_PREPS if spec.symmetric or spec.default_modality == "proposed" else ATTACK_PREPS
    root = trig.root
    if demand is not None:
        verb = demand.root
        agent = part(_subject(verb))
        target = party(_child(verb, OBJECT_DEPS))
        if target is None:  # "called on government soldiers to surrender"
            target = next((party(c) for c in verb.children if c.dep_ == "obl" and _case(c) in {"on", "upon"}), None)
        if target is None:  # "called for troops to surrender": the subject of the surrender clause
            target = party(_child(root, SUBJECT_DEPS)) or party(_child(root, OBJECT_DEPS))
        return Roles(agent, target, decided=agent is not None)
    if root.pos_ in ("VERB", "AUX") or root.tag_.startswith("VB"):
        passive = _child(root, PASSIVE_SUBJECT_DEPS)
        by_agent = _child(root, AGENT_DEPS)
        if passive is not None or by_agent is not None or any(c.dep_ == "aux:pass" for c in root.children):
            # "hit by a missile": a weapon is no agent; "shelled by RSF artillery" names one.
            return Roles(party(by_agent), party(passive), decided=True)
        subject = _spokesmen_of(_subject(root)) if spec.symmetric else _subject(root)
        target = _holder(s, root, sentences, index) or party(_child(root, OBJECT_DEPS))
        if target is None:  # "launched an attack against a police station": the attack's own phrase
            inner = [t for t in trig if t.i != root.i and t.pos_ == "NOUN"]
            for noun in inner:
                for child in noun.children:
                    if child.dep_ in {"nmod", "obl"} and _case(child) in preps and (role := party(child)):
                        target = role
                        break
        if target is None:
            for child in root.children:
                if child.dep_ == "obl" and _case(child) in preps and (role := party(child)):
                    target = role
                    break
        if target is None:
            target = _named_opponent(s, [root, *(t for t in trig if t.i != root.i)])
        agent = part(subject)
        if target is None and spec.symmetric and subject is not None:  # "Russia and Ukraine exchanged ..."
            target = next((part(c) for c in subject.children if c.dep_ == "conj"), None)
        elif not spec.symmetric:
            agent = _together(doc, s, subject, agent, sentences, index)
        return Roles(agent, target, decided=subject is not None)
    # A noun trigger: "counteroffensive", "talks", "ceasefire".
    for child in root.children:
        if child.dep_ in {"nmod", "obl"} and _case(child) == "between":
            first = part(child)
            second = next((part(c) for c in child.children if c.dep_ == "conj"), None)
            if first is not None:
                return Roles(first, second, decided=True)
    agent = _noun_owner(s, root) or _involving(s, root, sentences, index)
    target = None
    # "a ceasefire deal with the government": the phrase may hang on the noun the trigger qualifies
    nouns = [root] + ([root.head] if root.dep_ == "compound" and root.head.lower_ in PROPOSAL_NOUNS else [])
    for noun in nouns:
        for child in noun.children:
            if child.dep_ in {"nmod", "obl"} and _case(child) in preps and (role := party(child)):
                target = role
                break
        if target is not None:
            break
    if target is None:
        target = _named_opponent(s, [root, *(t for t in trig if t.i != root.i)])
    head = root
    # "Qatar's proposal for a truce", "a call for a ceasefire": the proposal noun's owner proposes.
    while agent is None and head.dep_ in {"nmod", "compound", "obl"} and head.head != head:
        head = head.head
        if head.lower_ in PROPOSAL_NOUNS or head.lemma_ in PROPOSAL_NOUNS:
            agent = _noun_owner(s, head)
            break
    if agent is not None:
        return Roles(_compound_owner(doc, s, agent), target, decided=True)
    verb = _governing_verb(root, s, spec.symmetric)
    proposal = spec.default_modality == "proposed"
    if verb is not None and proposal and verb.lemma_.lower() not in word_list("proposer_verbs"):
        verb = None  # "held talks on a proposed ceasefire": whoever holds talks does not propose it
    if verb is not None and not proposal and _claims_responsibility(verb, root):
        return Roles(part(_subject(verb)), target, decided=True)  # "the Taliban claimed responsibility for a bombing"
    if verb is not None and not proposal and verb.lemma_.lower() in word_list("speech_verbs"):
        return Roles(None, target, decided=True)  # "Guterres condemned an attack": the condemner did not attack
    if verb is not None and (proposal or verb.lemma_.lower() not in word_list("speech_verbs")):
        # "Russia has mounted a counteroffensive", "Ukraine and Russia held talks", "European leaders called for a truce".
        subj = _spokesmen_of(_subject(verb)) if spec.symmetric else _subject(verb)
        agent = part(subj)
        if not spec.symmetric:
            agent = _together(doc, s, subj, agent, sentences, index)
        if agent is not None and target is None and spec.symmetric and subj is not None:
            others = [c for c in subj.children if c.dep_ == "conj"]
            others += [c for c in subj.head.children if c.dep_ in SUBJECT_DEPS and c != subj] if subj.head != subj else []
            target = next((p for c in others if (p := part(c)) is not None), None)
        if target is None:
            for child in verb.children:
                if child.dep_ == "obl" and _case(child) in preps and (role := party(child)):
                    target = role
                    break
        return Roles(agent, target, decided=agent is not None)
    return Roles(None, target)


def reference_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType,
                    sentences: list[SentenceView] | None = None, index: int = 0) -> Roles:
    """'the Israeli strikes', 'the talks between X and Y': what a reference says of its own parties. It
    takes nobody from around it ('militants killed in the airstrikes', 'mediators for the talks'): its
    parties are those of the event it refers back to."""
    between = between_roles(doc, s, trig, sentences, index)
    if between:
        return between
    root = trig.root
    target = None
    for child in root.children:
        if child.dep_ in {"nmod", "obl"} and _case(child) in ATTACK_PREPS and (role := s.actor_at(child)):
            target = role
    return Roles(_noun_owner(s, root), target, decided=True)


BROKER_REACH = 6


def broker_of(doc: Doc, s: SentenceView, trig: Span) -> Role | None:
    """'the French-brokered peace plan calling for a ceasefire', 'a truce brokered by Qatar': the
    named party that arranged it, within a few words of the trigger."""
    lo, hi = max(s.span.start, trig.start - BROKER_REACH), min(s.span.end, trig.end + BROKER_REACH)
    for i in range(lo, hi):
        if doc[i].lower_ not in word_list("broker_words"):
            continue
        if i >= 2 and doc[i - 1].text in ("-", "\u2013") and (owner := s.actor_at(doc[i - 2])) is not None:
            return owner  # 'Egyptian-brokered', 'Cairo-brokered'
        if i + 2 < s.span.end and doc[i + 1].lower_ == "by" and i > trig.start \
                and (owner := s.actor_at(doc[i + 2])) is not None:
            return owner  # 'a truce brokered by Qatar'
    return None


def find_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
               sentences: list[SentenceView] | None = None, index: int = 0, reference: bool = False) -> Roles:
    """Dependency roles first; surface rules fill what the parse leaves open.

    "between X and Y" right after the trigger is read from the words: it is reliable, and news
    syntax ("a meeting Thursday between ...") often misleads the parser there.
    """
    if spec.broker_is_agent and (broker := broker_of(doc, s, trig)) is not None:
        return Roles(broker, None, decided=True)
    if reference and doc.has_annotation("DEP"):
        return reference_roles(doc, s, trig, spec, sentences, index)
    if spec.requires_cue == "DEMAND" and demand is None:
        # "If they lay down their arms, they will be spared": who would surrender is the target; the
        # one making the offer is the speaker, if anyone
        found = _find_roles(doc, s, trig, spec, demand, sentences, index)
        return Roles(None, found.target or found.agent, decided=True)
    return _find_roles(doc, s, trig, spec, demand, sentences, index)


def _find_roles(doc: Doc, s: SentenceView, trig: Span, spec: EventType, demand: Span | None,
                sentences: list[SentenceView] | None, index: int) -> Roles:
    surface = surface_roles(doc, s, trig, spec, demand, sentences, index)
    surface = Roles(_agent_or_none(doc, surface.agent), surface.target)
    if not doc.has_annotation("DEP") or (demand is None and between_roles(doc, s, trig).agent is not None):
        return surface
    if spec.symmetric and surface.agent is not None and surface.target is not None and surface.target.end <= trig.start:
        return surface  # "X and Y held talks": coordination read from the words; long subjects trip the parser
    parsed = dependency_roles(doc, s, trig, spec, demand, sentences or [s], index)
    parsed = Roles(_agent_or_none(doc, parsed.agent), parsed.target, parsed.decided)
    agent = parsed.agent if parsed.decided else (parsed.agent or reported_subject(doc, s, trig) or surface.agent)
    target = parsed.target or (None if parsed.decided and parsed.agent is None else surface.target)
    if target is not None and agent is not None and (target.start, target.end) == (agent.start, agent.end):
        target = None
    return Roles(agent, target)


def _in_phrase(doc: Doc, role: Role) -> bool:
    """Is this name the object of a preposition, or a conjunct or apposition of one ('to Jerusalem,
    Ramallah and Cairo', 'in Gabon's capital, Libreville')?"""
    if role.start > 0 and doc[role.start - 1].lower_ in PREPOSITIONS:
        return True
    token = doc[role.end - 1]
    if token.dep_ not in ("conj", "appos"):
        return False  # the parse's own prepositions are too often misattached to trust them alone
    named_again = False  # 'capital, Libreville': the phrase's preposition may stand before a possessor
    while token.dep_ in ("conj", "appos") and token.head != token:
        named_again = named_again or token.dep_ == "appos"
        token = token.head
    return preceding_word(doc, token.i, 0) in PREPOSITIONS or any(
        c.dep_ == "case" and c.lower_ in PREPOSITIONS and (named_again or c.i == token.i - 1) for c in token.children)


def _agent_or_none(doc: Doc, role: Role | None) -> Role | None:
    """A place ('Rafah', 'the Central African Republic' in 'rebels in the CAR') or a thing ('the
    proposal', 'a measure') never carries out an event."""
    if role is None or references.is_place(role):
        return None
    if role.label == "GPE" and _in_phrase(doc, role):
        return None  # "in Moscow", "to Jerusalem, Ramallah and Cairo": a capital in a phrase is the place
    head = doc[role.end - 1]
    if role.id is None and (head.lower_ in word_list("non_parties") or head.lemma_.lower() in word_list("non_parties")):
        return None
    return role


# -- place, date, duration --------------------------------------------------------

ARGUMENT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "obj", "dobj", "obl", "xcomp", "nmod"}
MAX_HOPS = 6


def _clause_head(token: Token) -> Token:
    """The verb heading the clause a token belongs to: up through the phrases it sits in ('a second round
    of talks' -> 'sat down for ...'), to the first verb with a clause of its own, or the sentence root."""
    hops = 0
    while token.head != token and hops < MAX_HOPS and not (hops and _clause_verb(token)):
        token = token.head
        hops += 1
    return token


def _event_heads(anchor: Span, reports: set[int], speech_dates: bool) -> set[Token]:
    """The tokens a date can hang from and still date the event: the trigger, the clauses describing it
    ('airstrikes it launched Monday'), and the head of its own clause ('launched an attack on Monday',
    'the attack took place Thursday') unless that verb reports, claims or condemns it ('the Taliban
    claimed on Friday ...' dates the claim) - for a proposal the announcement is the act."""
    root = anchor.root
    heads = {root} | {c for c in root.children if c.dep_ in ("acl", "acl:relcl") and c.i not in reports}
    verb = root if _clause_verb(root) else _clause_head(root)
    spoken = verb.i in reports or (verb.lemma_.lower() in word_list("speech_verbs")
                                   and verb.lemma_.lower() not in word_list("outcome_verbs"))
    if speech_dates or not spoken:
        heads.add(verb)
        heads |= {c for c in verb.children if c.dep_ == "xcomp"}  # "is due to take effect on January 19"
    return heads


def _attached(doc: Doc, d: Span, anchors: list[Span], reports: set[int], speech_dates: bool = False) -> bool:
    """Does the date modify the event, not the statement about it nor another clause's verb?

    'The offensive is the largest operation since Obama ordered more troops in December': the date
    hangs from 'ordered', the verb of another clause, so it does not date the offensive. Walking up
    from the date, the event's own clause must be reached before any other clause's verb."""
    if any(distance(a, d.start, d.end) <= 1 or _same_clause_after(doc, a, d) for a in anchors):
        return True
    if not doc.has_annotation("DEP"):
        return True  # no parse: nearest wins
    heads = set().union(*(_event_heads(a, reports, speech_dates) for a in anchors))
    token, hops = d.root, 0
    while hops < MAX_HOPS:
        if token in heads:
            return True
        if token != d.root and _clause_verb(token):
            return False
        if token.head == token:
            return False
        token = token.head
        hops += 1
    return False


CLAUSE_WORDS = {",", ";", ":", "that", "which", "who", "when", "as", "after", "before", "while", "since",
                "because", "although", "but", "and"}
SAME_CLAUSE_REACH = 12


def _clause_verb(token: Token) -> bool:
    """A verb that heads a clause of its own (finite, or with a subject): 'Obama ordered', not the
    participle of 'the army-held city'."""
    if not token.tag_.startswith("VB") and token.pos_ not in ("VERB", "AUX"):
        return False
    if token.dep_ in ("aux", "aux:pass"):
        return False
    return token.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(c.dep_ in SUBJECT_DEPS for c in token.children)


def _same_clause_after(doc: Doc, anchor: Span, d: Span) -> bool:
    """'shelling of opposition strongholds Wednesday': a date a few words after the trigger, with no verb
    or clause boundary between, dates it (read from the words: the parse often errs on such phrases)."""
    if not 0 <= d.start - anchor.end <= SAME_CLAUSE_REACH:
        return False
    between = doc[anchor.end:d.start]
    light = word_list("light_verbs")  # "airstrikes it launched Monday": the verb that carried them out
    return not any((_clause_verb(t) and t.lemma_.lower() not in light) or t.lower_ in CLAUSE_WORDS for t in between)


def _future(doc: Doc, s: SentenceView, anchors: list[Span], d: Span) -> bool:
    """'talks are scheduled to begin on Friday', 'will meet on Monday': a weekday ahead, not behind; but
    in 'will observe the truce Poroshenko declared Friday' the date hangs from a past verb."""
    if doc.has_annotation("DEP"):
        token = d.root
        while token.head != token and token.pos_ not in ("VERB", "AUX"):
            token = token.head
        if token.tag_ in ("VBD", "VBN") and not any(c.lower_ in ("will", "would", "'ll") for c in token.children):
            return False
    future_words = word_list("future_cues")
    for a in anchors:
        window = doc[max(s.span.start, a.start - 6):a.start]
        if any(t.lower_ in future_words for t in window):
            return True
    return False


def event_date(doc: Doc, s: SentenceView, anchors: list[Span], published: date | None,
               spec: EventType | None = None) -> tuple[Period | None, str | None]:
    """The date expression attached to the trigger (or the demand verb), resolved against publication;
    forward in time when the event is announced for later.

    A date on the reporting verb ("officials said on Monday that ...") dates the statement, not the
    event, and is not used, except for ceasefire announcements, which are dated by their announcement.
    """
    reports = {c.root.i for c in s.cues_of("REPORT")}
    announced = spec is not None and spec.default_modality == "proposed"
    if announced:
        reports = set()
    best: tuple[int, Period, str] | None = None
    for d in s.dates:
        period = resolve_date(d.text, published, future=_future(doc, s, anchors, d))
        if period is None or not _attached(doc, d, anchors, reports, speech_dates=announced):
            continue
        if spec is not None and spec.dated_by_act and published is not None and period.start > published:
            continue  # 'will stop military action on Thursday': when the truce starts, not when it was offered
        dist = min(distance(a, d.start, d.end) for a in anchors)
        if best is None or dist < best[0]:
            best = (dist, period, d.text)
    return (best[1], best[2]) if best else (None, None)


PRESENT_TAGS = {"VBZ", "VBP"}
PERFECT_AUX = {"has", "have", "'ve", "'s"}


def _tense_now(verb: Token) -> bool:
    """Is this clause about now: present ('launch', 'are shelling', 'says') or present perfect ('have seized')?"""
    aux = [c for c in verb.children if c.dep_ in ("aux", "aux:pass")]
    if any(a.lower_ in ("will", "would", "could", "might", "may", "should", "to", "had", "'d") for a in aux):
        return False
    if any(c.dep_ == "mark" and c.lower_ == "to" for c in verb.children):
        return False  # 'given them until 3am to surrender': an infinitive tells no time of its own
    if verb.tag_ in PRESENT_TAGS:
        return True
    if verb.tag_ == "VB" and not aux and any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return True  # 'Iraqi forces launch an offensive', tagged as a bare verb
    if verb.tag_ == "VBN" and any(a.lower_ in PERFECT_AUX for a in aux):
        return True
    return verb.tag_ == "VBG" and any(a.tag_ in PRESENT_TAGS for a in aux)


def _event_clause(anchor: Span) -> Token:
    root = anchor.root
    return root if _clause_verb(root) else _clause_head(root)


def _reporting_verbs(s: SentenceView, clause: Token) -> list[Token]:
    """The verbs reporting this clause ('officials said Wednesday [forces have seized ...]'), nearest first."""
    reports = {c.root.i for c in s.cues_of("REPORT")}
    out, token, hops = ([clause] if clause.i in reports else []), clause, 0
    while token.head != token and hops < MAX_HOPS:
        token = token.head
        hops += 1
        if token.i in reports:
            out.append(token)
    return out


def _date_of(doc: Doc, s: SentenceView, verb: Token, published: date | None) -> tuple[Period, str] | None:
    for d in s.dates:
        token, hops = d.root, 0
        while token != verb and token.head != token and hops < MAX_HOPS and not (
                token != d.root and _clause_verb(token)):
            token = token.head
            hops += 1
        if token == verb and (period := resolve_date(d.text, published)) is not None:
            return period, d.text
    return None


def _tells_the_event(root: Token, clause: Token) -> bool:
    """Does the clause report the event happening? 'forces have seized', 'they have agreed to a truce'
    do; 'there is no threat of an assault', 'the offensive is the largest' and 'those talks have
    produced a declaration' speak about an event, and say nothing of its day. Nor does 'have been
    attacking for months'."""
    if root.i != clause.i:
        if root.dep_ in SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS or clause.lemma_ == "be":
            return False
        if any(c.dep_ == "expl" for c in clause.children):
            return False
    if clause.tag_ == "VBG" and any(c.lower_ == "been" for c in clause.children):
        return False
    return True


def reported_date(doc: Doc, s: SentenceView, anchors: list[Span], published: date | None,
                  ) -> tuple[Period | None, str | None, str | None]:
    """A date for an event its sentence gives none of its own, as news implies it.

    'Officials said Wednesday that forces have seized el-Bur': the report's date dates what it reports
    when nothing else does. 'Forces have seized el-Bur', 'rebels say they have agreed to a truce',
    'Iraqi forces launch an offensive': the article's present is its publication day. Returns
    (period, date text, basis), basis 'report' or 'publication'; nothing for a past event told in the
    past tense ('militants seized the town'), whose day the text does not give."""
    if not doc.has_annotation("DEP"):
        return None, None, None
    clause = _event_clause(anchors[0])
    if not _tells_the_event(anchors[0].root, clause):
        return None, None, None
    reporting = _reporting_verbs(s, clause)
    for verb in reporting:
        if (found := _date_of(doc, s, verb, published)) is not None:
            return found[0], found[1], "report"
    if published is None:
        return None, None, None
    if _tense_now(clause) or (clause.tag_ == "VBD" and reporting and _tense_now(reporting[0])):
        return Period(published, published, "day"), None, "publication"
    return None, None, None


_DURATION = re.compile(r"(\d+)\s*-?\s*(hour|day|week|month)s?\b", re.IGNORECASE)
_UNIT_DAYS = {"hour": None, "day": 1, "week": 7, "month": 30}


def duration_days(doc: Doc, s: SentenceView, trig: Span) -> int | None:
    """'a 30-day ceasefire', 'a 72-hour truce' (hours are not whole days: NULL)."""
    window = doc[max(s.span.start, trig.start - 6):trig.end].text
    matches = list(_DURATION.finditer(window))
    if not matches:
        return None
    m = matches[-1]
    per = _UNIT_DAYS[m[2].lower()]
    return int(m[1]) * per if per else None
