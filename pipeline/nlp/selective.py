"""Run the trained model only where an event can be: the same annotated Doc, for a fraction of the cost.

Most sentences of a news article (background, prices, the weather, history) hold no trigger
candidate, yet the full pipeline runs tok2vec, tagger, morphologizer, lemmatizer, parser and NER over
every one. Here every text is tokenized, split into sentences by rule (line breaks and final
punctuation), and read by the curated entity ruler and the article-context ruler, which only look at
word forms. A sentence is a candidate when it holds a word of every required word set of some event
trigger pattern, or of a denial or rejection cue (so wherever a real pattern, which may also ask for a
part of speech, can match). The candidates, with the context the extraction reads around them
(``CONTEXT_BEFORE`` sentences back for actors and pronouns, ``CONTEXT_AFTER`` ahead of one with a
quote for a split-off speech tag), go through the model together, with the curated entities already
marked so NER respects them as in the full pipeline, and then through the trigger, cue and date
rulers. Their annotations are copied back into the whole Doc; the other sentences get a flat
placeholder parse (every word hangs from the sentence's first), their own words as lemmas, POS ``X``,
and the entities the curated ruler found.

``FRONTLINE_SELECTIVE=0`` turns it off: every sentence goes through the full pipeline.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import cache

import numpy
from spacy.attrs import DEP, HEAD, IS_QUOTE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.nlp import patterns
from pipeline.nlp.build import CUES_KEY, DATES_KEY, FINAL_PUNCTUATION, TRIGGERS_KEY, ruler_name, sentence_start
from pipeline.rules import data_dir

SETTING = "FRONTLINE_SELECTIVE"
CONTEXT_BEFORE = 1  # sentences before a candidate that go through the model with it
CONTEXT_AFTER = 1  # and after one with a quote in it ('"...," / the minister said.')
ANSWER_CUES = {"DENIAL", "REJECTION"}  # a sentence that denies a claim reads its parse too
SENTENCE_RULERS = ("frontline_triggers", "frontline_cues", "frontline_dates")  # read within a sentence
SPAN_KEYS = (TRIGGERS_KEY, CUES_KEY, DATES_KEY)
ARTICLE_RULERS = ("frontline_context",)  # counted over the whole article
RULERS = SENTENCE_RULERS + ARTICLE_RULERS
FLAT_DEP = "dep"
UNKNOWN_POS = "X"


def enabled() -> bool:
    """On unless ``FRONTLINE_SELECTIVE`` is 0/false/off."""
    return os.environ.get(SETTING, "1").strip().lower() not in ("0", "false", "off", "no")


def required_words(pattern: list[dict] | str) -> tuple[frozenset[str], ...]:
    """For each required token of ``pattern`` that names its words (LOWER, ORTH or TEXT, as a string or an
    IN list), those words in lower case: a match holds a word of every set. A phrase is its words."""
    if isinstance(pattern, str):
        return tuple(frozenset({w.lower()}) for w in pattern.split())
    out = []
    for token in pattern:
        if token.get("OP", "1") not in ("1", "+"):
            continue
        for key in ("LOWER", "ORTH", "TEXT"):
            value = token.get(key)
            if isinstance(value, str):
                out.append(frozenset({value.lower()}))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                out.append(frozenset(w.lower() for w in value["IN"]))
    return tuple(out)


def candidate_rules(folder=None) -> tuple[tuple[frozenset[str], ...], ...]:
    """The required word sets of every event trigger pattern and every denial or rejection cue: a
    sentence that holds no rule's words cannot hold an event mention, nor deny one."""
    types = patterns.load_event_types(folder)
    rules = [r for r in patterns.trigger_patterns(folder) if r["label"] in types]
    rules += [r for r in patterns.cue_patterns(folder) if r["label"] in ANSWER_CUES]
    out = []
    for rule in rules:
        words = required_words(rule["pattern"])
        if not words:
            raise ValueError(f"selective NLP: the {rule['label']} pattern {rule['pattern']!r} names no word "
                             f"every match must contain; give it one, or set {SETTING}=0")
        out.append(words)
    return tuple(out)


@cache
def _rule_hashes(strings, folder) -> tuple[numpy.ndarray, list[tuple[frozenset[int], ...]]]:
    rules = [tuple(frozenset(strings.add(w) for w in words) for words in rule) for rule in candidate_rules(folder)]
    anchors = {h for rule in rules for h in min(rule, key=len)}
    return numpy.array(sorted(anchors), dtype="uint64"), rules


def candidate_sentences(doc: Doc, sentences: list[tuple[int, int]]) -> list[bool]:
    """Which sentences hold the words of some trigger or answering cue pattern (word forms only, so a
    superset of where the real patterns, which may also ask for a part of speech, can match)."""
    if not len(doc):
        return [False] * len(sentences)
    anchors, rules = _rule_hashes(doc.vocab.strings, data_dir())
    lowers = doc.to_array(LOWER)
    hit = numpy.isin(lowers, anchors)
    out = []
    for start, end in sentences:
        if not hit[start:end].any():
            out.append(False)
            continue
        words = set(lowers[start:end].tolist())
        out.append(any(all(not words.isdisjoint(need) for need in rule) for rule in rules))
    return out


def rule_sentences(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token bounds of the sentences a rule finds: after a line break, and at the first
    word after final punctuation (closing quotes and brackets stay with their sentence)."""
    bounds: list[tuple[int, int]] = []
    start, seen_end, after_break = 0, False, False
    for token in doc:
        i = token.i
        if i > start and (after_break or (seen_end and not token.is_punct and not token.is_space)):
            bounds.append((start, i))
            start, seen_end = i, False
        after_break = token.is_space and "\n" in token.text
        if token.text in FINAL_PUNCTUATION:
            seen_end = True
    if start < len(doc):
        bounds.append((start, len(doc)))
    return bounds


def chosen(candidates: list[bool], quoted: list[bool] | None = None, before: int = CONTEXT_BEFORE,
           after: int = CONTEXT_AFTER) -> list[bool]:
    """Which sentences go through the model: the candidates, ``before`` sentences back (a pronoun's or a
    description's antecedent), and, for a candidate with a quote in it, ``after`` sentences ahead (a
    split-off speech tag: '"... lay down their arms," / the commander said.')."""
    keep = [False] * len(candidates)
    for k, hit in enumerate(candidates):
        if hit:
            ahead = after if quoted is None or quoted[k] else 0
            for j in range(max(0, k - before), min(len(candidates), k + ahead + 1)):
                keep[j] = True
    return keep


def quoted_sentences(doc: Doc, sentences: list[tuple[int, int]]) -> list[bool]:
    """Which sentences hold a quotation mark."""
    quotes = doc.to_array(IS_QUOTE).astype(bool) if len(doc) else numpy.zeros(0, dtype=bool)
    return [bool(quotes[start:end].any()) for start, end in sentences]


def regions(sentences: list[tuple[int, int]], keep: list[bool]) -> list[tuple[int, int]]:
    """Runs of kept sentences, as token bounds."""
    out: list[tuple[int, int]] = []
    for (start, end), k in zip(sentences, keep):
        if not k:
            continue
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _model_pipes(nlp: Language) -> list[tuple[str, object]]:
    """The trained components, in order, without the curated entity ruler (it ran on the whole text)."""
    skip = {"frontline_paragraphs", ruler_name(nlp), *RULERS}
    return [(name, pipe) for name, pipe in nlp.pipeline if name not in skip]


def _sub_doc(doc: Doc, spans: list[tuple[int, int]]) -> tuple[Doc, list[int]]:
    """The kept regions of ``doc`` as one Doc, with a sentence start at each region and the starts
    ``frontline_paragraphs`` fixes, the curated entities preset; and each token's index in ``doc``."""
    index = [i for s, e in spans for i in range(s, e)]
    words = [doc[i].text for i in index]
    spaces = [bool(doc[i].whitespace_) for i in index]
    firsts = {k for k, i in enumerate(index) if k == 0 or index[k - 1] != i - 1}
    starts: list[bool | None] = [None] * len(index)
    for k, i in enumerate(index):
        starts[k] = True if k in firsts else sentence_start(doc[index[k - 1]], doc[i])
    sub = Doc(doc.vocab, words=words, spaces=spaces, sent_starts=starts)
    position = {i: k for k, i in enumerate(index)}
    ents = []
    for ent in doc.ents:
        if ent.start in position and ent.end - 1 in position and position[ent.end - 1] - position[ent.start] == len(ent) - 1:
            ents.append(Span(sub, position[ent.start], position[ent.end - 1] + 1, label=ent.label,
                             span_id=ent.id))
    sub.set_ents(ents, default="unmodified")
    return sub, index


def _merged(doc: Doc, sentences: list[tuple[int, int]], keep: list[bool], sub: Doc | None,
            index: list[int], ruler_ents: list[Span]) -> Doc:
    """``doc`` with the model's annotations of the kept tokens and a flat placeholder parse elsewhere."""
    attrs = [TAG, POS, MORPH, LEMMA, HEAD, DEP]
    n = len(doc)
    values = numpy.zeros((n, len(attrs)), dtype="int64")  # heads are signed offsets
    values[:, 1] = _pos_id(UNKNOWN_POS)
    if n:
        values[:, 3] = doc.to_array(ORTH).view("int64")  # a word is its own lemma
    dep, root = doc.vocab.strings.add(FLAT_DEP), doc.vocab.strings.add("ROOT")
    dep, root = numpy.uint64(dep).view("int64"), numpy.uint64(root).view("int64")
    for (start, end), k in zip(sentences, keep):
        if not k:
            values[start:end, 4] = numpy.arange(0, start - end, -1)
            values[start:end, 5] = dep
            values[start, 5] = root
    if sub is not None and len(sub):
        values[index] = sub.to_array(attrs).view("int64")
    doc.from_array(attrs, values.view("uint64"))
    ents = [] if sub is None else [Span(doc, index[e.start], index[e.end - 1] + 1, label=e.label, span_id=e.id)
                                   for e in sub.ents]
    kept = set(index)
    ents += [Span(doc, e.start, e.end, label=e.label, span_id=e.id) for e in ruler_ents if e.start not in kept]
    doc.set_ents(sorted(ents, key=lambda e: e.start), default="outside")
    for key in SPAN_KEYS:
        found = [] if sub is None else sub.spans.get(key, [])
        doc.spans[key] = [Span(doc, index[s.start], index[s.end - 1] + 1, label=s.label, span_id=s.id)
                          for s in found if index[s.end - 1] - index[s.start] == len(s) - 1]
    return doc


@cache
def _pos_id(tag: str) -> int:
    from spacy.parts_of_speech import IDS

    return IDS[tag]


def annotated(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Docs as ``nlp.pipe`` would give them, with the model run only on sentences that can hold an event
    and their context (unless ``FRONTLINE_SELECTIVE=0``, or there is no parser to save on)."""
    if not enabled() or "parser" not in nlp.pipe_names:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            yield from _annotate_batch(nlp, batch, batch_size)
            batch = []
    if batch:
        yield from _annotate_batch(nlp, batch, batch_size)


def _annotate_batch(nlp: Language, texts: list[str], batch_size: int) -> list[Doc]:
    whole = [nlp.get_pipe(ruler_name(nlp)), *(nlp.get_pipe(name) for name in ARTICLE_RULERS)]
    docs = [nlp.make_doc(t) for t in texts]
    plans = []
    for doc in docs:
        sentences = rule_sentences(doc)
        keep = chosen(candidate_sentences(doc, sentences), quoted_sentences(doc, sentences))
        for pipe in whole:
            pipe(doc)
        spans = regions(sentences, keep)
        sub, index = _sub_doc(doc, spans) if spans else (None, [])
        plans.append((sentences, keep, sub, index, list(doc.ents)))
    subs = [p[2] for p in plans if p[2] is not None]
    for _, pipe in _model_pipes(nlp):
        subs = list(pipe.pipe(subs, batch_size=batch_size)) if hasattr(pipe, "pipe") else [pipe(d) for d in subs]
    for name in SENTENCE_RULERS:
        pipe = nlp.get_pipe(name)
        subs = [pipe(d) for d in subs]
    done = iter(subs)
    return [_merged(doc, sentences, keep, next(done) if sub is not None else None, index, ents)
            for doc, (sentences, keep, sub, index, ents) in zip(docs, plans)]
