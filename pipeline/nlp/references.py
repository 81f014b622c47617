"""Who a pronoun or a description refers back to: one resolver for 'he', 'it', 'they', 'its fighters',
'the rebels', 'the militant group', 'the paramilitary force', 'the government'.

The antecedent is the latest compatible actor named before it: in the same sentence, then up to
REACH sentences back. Compatible means: a person for 'he'/'she'; a group, force or state for
'it'/'they'; for a description, an actor of its kind (an armed group for 'the rebels', an armed force
of a state or a group for 'the army', a state for 'the government'). A place, a nationality adjective
and an unnamed noun phrase are never antecedents. In 'Even as it shelled the town, the government
said ...' the pronoun points forward to the clause's subject.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Token

from pipeline.rules import listed_words, load_actors
from pipeline.nlp.senses import word_list
from pipeline.nlp.role_mention import Role
from pipeline.nlp.sentence import PERSON_LABELS, SentenceView
from pipeline.normalize.gazetteer import gazetteer

REACH = 4  # sentences back
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass"}
PEOPLE_PRONOUNS = {"he", "she", "his", "her", "him"}
THING_PRONOUNS = {"it", "its", "they", "their", "them"}
PRONOUNS = PEOPLE_PRONOUNS | THING_PRONOUNS
DETERMINERS = {"the", "its", "their", "this", "that", "these", "those"}
KINDS = ("group", "force", "government")
ARMED_SECTORS = {"military", "rebel", "militia"}
NON_STATE = {"rebel", "militia"}


def _sector(role: Role) -> str | None:
    if role.id is None:
        return None
    actor = load_actors().get(role.id)
    if actor is not None:
        return actor.sector
    if role.id.endswith("_MIL"):
        return "military"
    return "government" if len(role.id) == 3 and role.id.isupper() else None


def is_place(role: Role) -> bool:
    """A place, not an actor: a location entity, a place name that is not a state's, or a name no
    actor list knows but the gazetteer does ('the Pahalgam attack', whatever the tagger called it)."""
    if role.label == "LOC":
        return True
    if role.label == "GPE":
        return role.id is None
    if role.id is None and role.refers_to is None and role.label in ("ORG", "PER", "PERSON", "NP", "FAC"):
        text = role.text
        if text.strip().lower() in listed_words("force_nouns"):
            return False  # "Marines", "Commandos": a town may bear the name, the fighters are not it
        return " " not in text.strip() and text[:1].isupper() and gazetteer().named(text)
    return False


def _fits(role: Role, kind: str) -> bool:
    """Can this named actor be what a word of this kind refers to?"""
    if is_place(role) or role.label in ("NORP", "ROLE", "NP"):
        return False
    sector = _sector(role)
    if kind == "person":
        return role.label in PERSON_LABELS
    if role.label in PERSON_LABELS:
        return False
    if kind == "thing":
        return True
    if kind == "group":  # 'the rebels', 'the movement': a non-state actor, or an unknown organisation
        return sector in NON_STATE or (sector is None and role.label == "ORG")
    if kind == "force":  # 'the army', 'its fighters': any armed force
        return sector in ARMED_SECTORS or (sector is None and role.label == "ORG")
    if kind == "government":
        return sector in ("government", "diplomat", "police") or (role.label == "GPE" and role.id is not None)
    if kind == "state_force":
        return sector in ("government", "military") or (role.label == "GPE" and role.id is not None)
    return False


def description_kind(doc: Doc, start: int, end: int) -> str | None:
    """'the rebels' -> group, 'its fighters' -> force, 'the government' -> government. A name, or a
    phrase that says more than its kind ('the Sudanese army', 'the joint forces'), is no description;
    adjectives that only restate the kind ('the militant group', 'the rebel coalition') are allowed."""
    words = [t for t in doc[start:end] if not t.is_punct]
    bare_words = [t.lower_ for t in words if t.lower_ not in DETERMINERS]
    if len(bare_words) == 2 and bare_words[0] in ("government", "regime", "state") \
            and bare_words[1] in word_list("force_descriptions"):
        return "state_force"  # 'government forces', 'regime troops': the state's, whoever it is
    if len(bare_words) == 2 and bare_words[0] in word_list("group_descriptions") \
            and bare_words[1] in word_list("force_descriptions"):
        return "group"  # 'rebel forces', 'insurgent fighters': the non-state side the story is about
    if not words or words[0].lower_ not in DETERMINERS and not (len(words) == 1 and words[0].tag_ == "NNS"):
        return None
    if any(t.ent_type_ or t.pos_ == "PROPN" for t in words):
        return None
    middle = words[1:-1] if words[0].lower_ in DETERMINERS else words[:-1]
    if any(t.lower_ not in word_list("kind_adjectives") for t in middle):
        return None
    head = words[-1].lower_
    bare = words[0].lower_ not in DETERMINERS
    for kind in KINDS:
        if head in word_list(f"{kind}_descriptions") and not (bare and kind != "group"):
            return kind  # bare "rebels" is the rebels of the story; bare "troops" could be anyone's
    return None


def pronoun_kind(token: Token) -> str | None:
    word = token.lower_
    if word in PEOPLE_PRONOUNS:
        return "person"
    return "thing" if word in THING_PRONOUNS else None


def _forward(s: SentenceView, token: int, kind: str) -> Role | None:
    """'Even as it continued shelling ..., the government told ...': a pronoun in a clause that opens
    the sentence refers to the subject right after that clause."""
    doc = s.span.doc
    comma = next((i for i in range(token, s.span.end) if doc[i].text == ","), None)
    if comma is None or any(r.end <= token for r in s.actors if _fits(r, kind)):
        return None
    return next((r for r in s.actors if comma < r.start <= comma + 4 and _fits(r, kind)), None)


def _salient(s: SentenceView, candidates: list[Role]) -> Role:
    """Of the compatible actors of one sentence, its first subject (in 'Trump urged Putin ... as he
    said', he = Trump), else the latest named. A name the parse made the sentence's root ('Blinken left
    Japan ...', the name read as a verb) is its subject."""
    doc = s.span.doc
    subjects = [r for r in candidates if any(doc[i].dep_ in SUBJECT_DEPS or doc[i].dep_ == "ROOT"
                                             for i in range(r.start, r.end))]
    return subjects[0] if subjects else candidates[-1]


def _qualified(s: SentenceView, role: Role, kind: str) -> bool:
    """'the Colombian government', 'Syrian forces': a state's adjective before a word of the kind names
    that state's government or force, which a later 'the government' or 'the army' can refer to."""
    if role.label != "NORP" or role.id is None or kind not in ("government", "force", "state_force"):
        return False
    doc = s.span.doc
    kinds = ("government", "force") if kind == "state_force" else (kind,)
    words = set().union(*(word_list(f"{k}_descriptions") for k in kinds))
    return doc[role.end - 1].lower_ in words or (role.end < s.span.end and doc[role.end].lower_ in words)


PLACE_PREPS = set(listed_words("place_preps"))


def _named_as_place(s: SentenceView, role: Role) -> bool:
    """'talks in Oslo': a state or capital in a locative phrase is where, not who."""
    doc = s.span.doc
    return role.label == "GPE" and role.start > s.span.start and doc[role.start - 1].lower_ in PLACE_PREPS


def _candidates(s: SentenceView, kind: str, before: int | None = None, places_too: bool = False) -> list[Role]:
    return [r for r in s.actors if (before is None or r.end <= before) and (places_too or not _named_as_place(s, r))
            and (_fits(r, kind) or _qualified(s, r, kind))]


def antecedent(sentences: list[SentenceView], index: int, token: int, kind: str) -> Role | None:
    """The most salient actor of this kind named before token ``token`` of sentence ``index``."""
    s = sentences[index]
    same = _candidates(s, kind, token)
    if same:
        return _salient(s, same)
    if kind != "person" and (ahead := _forward(s, token, kind)) is not None:
        return ahead
    for back in range(index - 1, max(-1, index - 1 - REACH), -1):
        found = _candidates(sentences[back], kind)
        if found:
            return _salient(sentences[back], found)
    if kind == "government":
        # "rebels in the Central African Republic ... a deal with the government": with no other
        # candidate, the state named as where things happen is the one whose government it is
        for back in range(index, max(-1, index - 1 - REACH), -1):
            found = _candidates(sentences[back], kind, token if back == index else None, places_too=True)
            if found:
                return _salient(sentences[back], found)
    return None


GENERIC_FORCES = {"troops", "forces", "force", "soldiers", "units", "army", "military", "fighters", "police"}
TITLE_REACH = 3  # words before a name its title may take: "peace envoy Kofi Annan", "U.N. envoy X"


def titled_person(doc: Doc, sentences: list[SentenceView], index: int, np: Role) -> Role | None:
    """'the envoy', 'the U.N.-Arab League envoy', 'the mediator': the person the article last named with
    that title ('peace envoy Kofi Annan ... The envoy brokered a plan')."""
    words = [t for t in doc[np.start:np.end] if not t.is_punct]
    if len(words) < 2 or words[0].lower_ != "the" or words[-1].lower_ not in word_list("person_titles"):
        return None
    title = words[-1].lower_
    for back in range(index, max(-1, index - 1 - REACH * 2), -1):
        s = sentences[back]
        named = [r for r in s.actors if r.label in PERSON_LABELS and (back < index or r.end <= np.start)
                 and title in {t.lower_ for t in doc[max(s.span.start, r.start - TITLE_REACH):r.start]}]
        if named:
            return named[-1]
    return None


def named_force(doc: Doc, sentences: list[SentenceView], index: int, np: Role) -> Role | None:
    """'4,000 Marines', 'the paratroopers': forces named by their kind alone are the force the article last
    named with the same noun ('U.S. Marines pushed further ... the Marines who poured in')."""
    words = [t for t in doc[np.start:np.end] if not t.is_punct and t.lower_ not in DETERMINERS
             and t.pos_ != "NUM" and t.lower_ not in ("about", "some", "nearly", "around", "over", "more", "than")]
    if len(words) != 1 or words[0].lower_ not in listed_words("force_nouns") or words[0].lower_ in GENERIC_FORCES:
        return None
    noun = words[0].lower_
    for back in range(index, max(-1, index - 1 - REACH), -1):
        s = sentences[back]
        named = [r for r in s.actors if r.id and r.end - r.start >= 2 and doc[r.end - 1].lower_ == noun
                 and (back < index or r.end <= np.start)]
        if named:
            return named[-1]
    return None


def resolve_pronoun(sentences: list[SentenceView], index: int, token: Token) -> Role | None:
    kind = pronoun_kind(token)
    return antecedent(sentences, index, token.i, kind) if kind else None


def resolve_description(doc: Doc, sentences: list[SentenceView], index: int, np: Role) -> Role:
    """'the militant group' keeps its words and takes the id (or the name) of what it refers to."""
    if (person := titled_person(doc, sentences, index, np)) is not None:
        return replace(np, id=person.id, refers_to=person.text)
    if (named := named_force(doc, sentences, index, np)) is not None:
        return replace(np, id=named.id, refers_to=named.text)
    kind = description_kind(doc, np.start, np.end)
    if kind is None:
        return np
    found = antecedent(sentences, index, np.start, kind)
    if found is None:
        return np
    return replace(np, id=found.id, refers_to=found.text)
