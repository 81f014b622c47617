"""When an event happened and how long it lasts: the date attached to its clause, the date implied by
how it is reported, and a stated duration in days.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Doc, Span, Token

from pipeline.nlp.participants import PASSIVE_SUBJECT_DEPS, SUBJECT_DEPS
from pipeline.nlp.patterns import EventType
from pipeline.nlp.senses import word_list
from pipeline.nlp.sentence import SentenceView, distance
from pipeline.normalize.dates import Period, resolve_date

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
    if speech_dates and verb.dep_ in ("ccomp", "parataxis") and verb.head.lemma_.lower() in word_list("report_verbs"):
        heads.add(verb.head)  # 'told the envoy on Wednesday it would halt attacks': the announcement's day
    if speech_dates and verb.dep_ in ("acl", "acl:relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        # "brokered a plan last month that called for a truce": a term of a plan is dated by the act
        # that brokered, signed or offered the plan
        heads |= {verb.head, verb.head.head}
    elif speech_dates and verb.dep_ == "advcl:relcl":  # the same clause, hung from the plan's verb
        heads.add(verb.head)
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
            return _simultaneous(token) and token.head in heads
        if token.head == token:
            return False
        token = token.head
        hops += 1
    return False


def _simultaneous(verb: Token) -> bool:
    """'Even as it shelled the city on Wednesday, the government told the envoy ...': a clause of the same
    time ('as', 'while') shares its day with the clause it modifies."""
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("as", "while") for c in verb.children)


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
        if period is None:
            continue
        if d[-1].lower_ == "after":
            if not _days_before_now(doc, d, anchors):
                continue
        elif not _attached(doc, d, anchors, reports, speech_dates=announced):
            continue
        if spec is not None and spec.dated_by_act and published is not None and period.start > published:
            continue  # 'will stop military action on Thursday': when the truce starts, not when it was offered
        if spec is not None and spec.dated_by_act and _deadline(doc, s, d):
            continue  # 'called for the army to withdraw by Thursday': a term of the proposal, not its day
        dist = min(distance(a, d.start, d.end) for a in anchors)
        if best is None or dist < best[0]:
            best = (dist, period, d.text)
    return (best[1], best[2]) if best else (None, None)


def _days_before_now(doc: Doc, d: Span, anchors: list[Span]) -> bool:
    """'the strikes come days after rebels shelled the port': what happened days before a present event
    is recent. Only the event after the phrase is dated by it, and only when the phrase follows a present
    tense verb; 'days after' a past event tells nothing about the publication month."""
    before = doc[d.start - 1] if d.start > 0 else None
    if before is None or before.tag_ not in ("VBZ", "VBP") or any(a.start < d.end for a in anchors):
        return False
    clause = d[-1].head  # the verb 'after' introduces: everything it reports is dated by the phrase
    return not doc.has_annotation("DEP") or all(a.root in clause.subtree for a in anchors)


CLOCK_WORDS = {"a.m.", "p.m.", "am", "pm", "noon", "midnight", "o'clock", "local", "time", "gmt", "utc", "on",
               "at", "the", "morning", "evening", "night"}
DEADLINE_REACH = 8


def _deadline(doc: Doc, s: SentenceView, d: Span) -> bool:
    """'by Thursday', 'no later than April 10', 'by 6 a.m. on Friday': the date by which something must be
    done. Walks back over a clock time to the word that sets the deadline."""
    if d.text.lower().split()[0] in word_list("deadline_preps"):
        return True
    i = d.start - 1
    while i >= s.span.start and d.start - i <= DEADLINE_REACH and (
            doc[i].like_num or doc[i].is_punct or doc[i].lower_ in CLOCK_WORDS
            or (doc[i].pos_ == "PROPN" and doc[i + 1].lower_ == "time")):  # "Damascus time"
        i -= 1
    return i >= s.span.start and doc[i].lower_ in word_list("deadline_preps")


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
        if d[-1].lower_ == "after":
            continue  # 'three days after X said ...': the phrase dates the clause it introduces, see event_date
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
