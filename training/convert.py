"""Convert the open corpora in ``--corpora`` to spaCy DocBin files.

Outputs (in ``--out``, default training/corpus):
  ewt-train.spacy / ewt-dev.spacy / ewt-test.spacy
      UD English EWT (words, spaces, TAG=XPOS, POS=UPOS, MORPH, LEMMA, HEAD, DEP)
      + UNER English EWT entities (PER/ORG/LOC) aligned by sent_id (train uses the
      early ``.cleaned.iob2`` release). Sentences are grouped per UD document into
      docs of at most ``--n-sents`` sentences.
  crossner-ner.spacy
      CrossNER Wikipedia domains (all splits pooled, deduplicated), NER only, labels
      mapped to PER/ORG/LOC; ambiguous labels are marked as *missing* (not O).
  pud-test.spacy
      UNER English PUD, NER only (evaluation only -- never train on it).

Usage:  python training/convert.py --corpora ../shared/corpora --out training/corpus
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

UNER_LABELS = {"PER", "ORG", "LOC"}

# CrossNER fine-grained label -> UNER label. None = mark tokens as missing
# (unknown) rather than O, because the UNER scheme is ambiguous for them.
# Labels not listed are mapped to O.
CROSSNER_MAP = {
    "person": "PER", "politician": "PER", "writer": "PER", "musicalartist": "PER",
    "scientist": "PER", "researcher": "PER",
    "organisation": "ORG", "politicalparty": "ORG", "band": "ORG", "university": "ORG",
    "location": "LOC", "country": "LOC",
    "misc": None, "conference": None, "magazine": None, "academicjournal": None,
    "event": None, "astronomicalobject": None,
}


# --------------------------------------------------------------------------- readers
def conll_sentences(path: Path):
    """Yield (metadata, rows) per sentence of a CoNLL-style file.

    Metadata comes from '# key = value' comment lines; 'newdoc id' carries over to the
    following sentences until the next document starts. Rows are the tab-split lines.
    """
    meta: dict[str, str] = {}
    rows: list[list[str]] = []
    with path.open(encoding="utf8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                key, sep, value = line[1:].partition("=")
                if sep:
                    meta[key.strip()] = value.strip()
            elif not line:
                if rows:
                    yield meta, rows
                meta = {"newdoc id": meta["newdoc id"]} if "newdoc id" in meta else {}
                rows = []
            else:
                rows.append(line.split("\t"))
    if rows:
        yield meta, rows


def read_conllu(path: Path):
    """Yield (doc_id, sent_id, words, spaces, rows) per sentence."""
    for meta, lines in conll_sentences(path):
        mwt: dict[int, tuple[int, str]] = {}  # first word id -> (last id, misc of range)
        rows = []
        for f in lines:
            if "-" in f[0]:
                a, b = map(int, f[0].split("-"))
                mwt[a] = (b, f[9])
            elif "." not in f[0]:  # "." ids are empty nodes (enhanced graph only)
                rows.append(f)
        words, spaces = [], []
        range_end = range_misc = None
        for r in rows:
            wid = int(r[0])
            if wid in mwt:
                range_end, range_misc = mwt[wid]
            words.append(r[1])
            if range_end is not None and wid < range_end:
                spaces.append(False)
            elif range_end is not None and wid == range_end:
                spaces.append("SpaceAfter=No" not in range_misc.split("|"))
                range_end = None
            else:
                spaces.append("SpaceAfter=No" not in r[9].split("|"))
        yield meta.get("newdoc id"), meta.get("sent_id"), words, spaces, rows


def read_iob2(path: Path):
    """UNER iob2: yield (doc_id, sent_id, text, tokens, tags)."""
    for meta, rows in conll_sentences(path):
        tags = []
        for f in rows:
            tag = f[2]
            if tag in ("B-O", "I-O") or tag[2:] not in UNER_LABELS:
                tag = "O"
            tags.append(tag)
        yield meta.get("newdoc id"), meta.get("sent_id"), meta.get("text"), [f[1] for f in rows], tags


def iob_to_spans(tags: list[str]):
    """IOB2 tags -> list of (start, end, label) token spans (tolerates I- without B-)."""
    spans = []
    start = label = None
    for i, t in enumerate(tags + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != label):
            if start is not None:
                spans.append((start, i, label))
                start = label = None
            if t != "O":
                start, label = i, t[2:]
    return spans


def char_offsets(tokens):
    """Offsets of each token in the whitespace-free concatenation."""
    offs, pos = [], 0
    for t in tokens:
        offs.append((pos, pos + len(t)))
        pos += len(t)
    return offs


def align_entities(ud_words, uner_toks, uner_tags):
    """Map UNER token spans onto UD words. Returns list of (start, end, label) or None."""
    spans = iob_to_spans(uner_tags)
    if ud_words == uner_toks:
        return spans
    if "".join(ud_words) != "".join(uner_toks):
        return None
    u_off = char_offsets(uner_toks)
    w_off = char_offsets(ud_words)
    start_at = {s: i for i, (s, _) in enumerate(w_off)}
    end_at = {e: i + 1 for i, (_, e) in enumerate(w_off)}
    out = []
    for s, e, lab in spans:
        cs, ce = u_off[s][0], u_off[e - 1][1]
        if cs not in start_at or ce not in end_at:
            return None  # boundary inside a UD word: leave the sentence unannotated
        out.append((start_at[cs], end_at[ce], lab))
    return out


def spaces_from_text(tokens, text):
    """Recover SpaceAfter from the sentence text (fallback: single spaces)."""
    if not text:
        return [True] * len(tokens)
    spaces, pos = [], 0
    for t in tokens:
        idx = text.find(t, pos)
        if idx < 0:
            return [True] * len(tokens)
        pos = idx + len(t)
        spaces.append(pos < len(text) and text[pos].isspace())
    return spaces


# --------------------------------------------------------------------------- builders
def build_ewt(nlp, conllu: Path, iob2: Path, n_sents: int, stats: Counter):
    uner = {sid: (toks, tags) for _, sid, _, toks, tags in read_iob2(iob2)}
    groups: list[list] = []
    last_doc = None
    for doc_id, sid, words, spaces, rows in read_conllu(conllu):
        if doc_id != last_doc or len(groups[-1]) >= n_sents:
            groups.append([])
        last_doc = doc_id
        groups[-1].append((sid, words, spaces, rows))
    docs = []
    for group in groups:
        words, spaces, tags, pos, morphs, lemmas, heads, deps, sent_starts = ([] for _ in range(9))
        ents: list[str] = []
        for sid, w, sp, rows in group:
            offset = len(words)
            words += w
            spaces += sp
            for k, r in enumerate(rows):
                tags.append(r[4])
                pos.append(r[3])
                morphs.append("" if r[5] == "_" else r[5])
                lemmas.append(r[2])
                head = int(r[6])
                heads.append(offset + head - 1 if head > 0 else offset + k)
                deps.append("ROOT" if r[7] == "root" else r[7])
                sent_starts.append(k == 0)
            sent_ents = ["O"] * len(w)
            if sid in uner:
                spans = align_entities(w, *uner[sid])
                if spans is None:
                    sent_ents = [None] * len(w)
                    stats["ner_unaligned_sents"] += 1
                else:
                    for s, e, lab in spans:
                        sent_ents[s] = "B-" + lab
                        for j in range(s + 1, e):
                            sent_ents[j] = "I-" + lab
                        stats["ents_" + lab] += 1
            else:
                sent_ents = [None] * len(w)
                stats["ner_missing_sents"] += 1
            ents += sent_ents
            stats["sents"] += 1
        doc = Doc(nlp.vocab, words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs,
                  lemmas=lemmas, heads=heads, deps=deps, sent_starts=sent_starts, ents=ents)
        docs.append(doc)
    stats["docs"] += len(docs)
    stats["tokens"] += sum(len(d) for d in docs)
    return docs


def build_iob2_ner(nlp, iob2: Path, stats: Counter):
    """UNER iob2 file (e.g. PUD) -> NER-only docs, one per UNER document."""
    docs, cur, last_doc = [], [], None
    for doc_id, sid, text, toks, tags in read_iob2(iob2):
        if doc_id != last_doc and cur:
            docs.append(cur)
            cur = []
        if doc_id is not None:
            last_doc = doc_id
        cur.append((text, toks, tags))
    if cur:
        docs.append(cur)
    out = []
    for group in docs:
        words, spaces, ents = [], [], []
        for text, toks, tags in group:
            words += toks
            sp = spaces_from_text(toks, text)
            sp[-1] = True
            spaces += sp
            ents += tags
            stats["sents"] += 1
        for t in ents:
            if t.startswith("B-"):
                stats["ents_" + t[2:]] += 1
        out.append(Doc(nlp.vocab, words=words, spaces=spaces, ents=ents))
    stats["docs"] += len(out)
    return out


def build_crossner(nlp, root: Path, domains: list[str], stats: Counter):
    seen = set()
    docs = []
    for dom in domains:
        for split in ("train", "dev", "test"):
            path = root / dom / f"{split}.txt"
            toks, tags = [], []
            lines = path.read_text(encoding="utf8").split("\n") + [""]
            for line in lines:
                line = line.rstrip("\r")
                if line.strip():
                    t, tag = line.split("\t")
                    toks.append(t)
                    tags.append(tag)
                    continue
                if not toks:
                    continue
                key = tuple(toks)
                if key in seen:
                    stats["dup_dropped"] += 1
                    toks, tags = [], []
                    continue
                seen.add(key)
                ents = ["O"] * len(toks)
                for s, e, lab in iob_to_spans(tags):
                    mapped = CROSSNER_MAP.get(lab, "O")
                    if mapped is None:
                        for j in range(s, e):
                            ents[j] = None
                        stats["missing_" + lab] += 1
                    elif mapped != "O":
                        ents[s] = "B-" + mapped
                        for j in range(s + 1, e):
                            ents[j] = "I-" + mapped
                        stats["ents_" + mapped] += 1
                docs.append(Doc(nlp.vocab, words=toks, ents=ents))
                stats["docs_" + dom] += 1
                toks, tags = [], []
    return docs


def main():
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpora", type=Path, default=here.parent.parent / "shared" / "corpora")
    p.add_argument("--out", type=Path, default=here / "corpus")
    p.add_argument("--n-sents", type=int, default=10)
    p.add_argument("--crossner-domains", default="politics,science,music,literature,ai")
    args = p.parse_args()
    c = args.corpora.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    ud = c / "ud_english_ewt"
    un = c / "uner_english_ewt"
    jobs = {
        "ewt-train": (ud / "en_ewt-ud-train.conllu", un / "en_ewt-ud-train.early-0c7ce0de.cleaned.iob2"),
        "ewt-dev": (ud / "en_ewt-ud-dev.conllu", un / "en_ewt-ud-dev.iob2"),
        "ewt-test": (ud / "en_ewt-ud-test.conllu", un / "en_ewt-ud-test.iob2"),
    }
    for name, (conllu, iob2) in jobs.items():
        stats: Counter = Counter()
        docs = build_ewt(nlp, conllu, iob2, args.n_sents, stats)
        DocBin(docs=docs, store_user_data=False).to_disk(args.out / f"{name}.spacy")
        print(name, dict(sorted(stats.items())))
    stats = Counter()
    docs = build_iob2_ner(nlp, c / "uner_english_pud" / "en_pud-ud-test.iob2", stats)
    DocBin(docs=docs).to_disk(args.out / "pud-test.spacy")
    print("pud-test", dict(sorted(stats.items())))
    domains = [d for d in args.crossner_domains.split(",") if d]
    if domains:
        stats = Counter()
        docs = build_crossner(nlp, c / "crossner", domains, stats)
        DocBin(docs=docs).to_disk(args.out / "crossner-ner.spacy")
        print("crossner-ner", dict(sorted(stats.items())))


if __name__ == "__main__":
    main()
