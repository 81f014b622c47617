"""Speed benchmark: words/s of nlp.pipe(n_process=1) over the EWT test texts.

  python training/bench_speed.py MODEL_DIR [--data training/corpus/ewt-test.spacy] [--repeats 3]
  python training/bench_speed.py --config CFG --init-data training/corpus/ewt-train.spacy [overrides...]
     (initialises an *untrained* pipeline from CFG to compare architecture speed)
Also prints a per-component time breakdown.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin


def load_texts(path: Path, vocab):
    return [d.text for d in DocBin().from_disk(path).get_docs(vocab)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model", nargs="?")
    p.add_argument("--config")
    p.add_argument("--init-data")
    p.add_argument("--data", default=str(Path(__file__).parent / "corpus" / "ewt-test.spacy"))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=None, help="default: nlp.batch_size")
    p.add_argument("--set", nargs="*", default=[], help="config overrides key=value")
    a = p.parse_args()
    if a.config:
        from spacy.training.initialize import init_nlp
        from spacy.util import load_config
        overrides = {"paths.train": a.init_data, "paths.dev": a.data}
        for kv in a.set:
            k, v = kv.split("=", 1)
            overrides[k] = json.loads(v)
        cfg = load_config(a.config, overrides=overrides, interpolate=False)
        # restrict initialisation corpus to speed things up
        nlp = init_nlp(cfg)
    else:
        nlp = spacy.load(a.model)
    if a.batch_size is None:
        a.batch_size = nlp.batch_size
    texts = load_texts(Path(a.data), nlp.vocab)
    n_words = sum(len(d) for d in nlp.tokenizer.pipe(texts))
    # warm-up
    list(nlp.pipe(texts[:50]))
    best = 0.0
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=a.batch_size, n_process=1):
            pass
        dt = time.perf_counter() - t0
        best = max(best, n_words / dt)
        print(f"nlp.pipe: {n_words} words in {dt:.2f}s = {n_words / dt:,.0f} words/s")
    # per-component breakdown
    docs = list(nlp.tokenizer.pipe(texts))
    times = {}
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=a.batch_size))
        times[name] = time.perf_counter() - t0
    tot = sum(times.values())
    print("components:", ", ".join(f"{k} {v:.2f}s ({v / tot:.0%})" for k, v in times.items()))
    print(json.dumps({"words": n_words, "best_words_per_sec": round(best)}))


if __name__ == "__main__":
    main()
