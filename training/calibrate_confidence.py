"""Fit the confidence model (pipeline/nlp/data/confidence.toml) on a gold corpus and report calibration.

Every extracted mention is labelled right when it reports a gold event of its article (the event-level
rule of ``frontline eval``); a logistic model with L2 shrinkage maps the mention's evidence
(``pipeline.nlp.confidence.features``) to that probability. Reported: the reliability table and
expected calibration error in sample, and with each article left out of the fit (the honest figure).

    python training/calibrate_confidence.py ../shared/realnews/gold.jsonl ../shared/realnews/articles [--write]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ingest.read import read_folder  # noqa: E402
from pipeline.events.assign import assign_events  # noqa: E402
from pipeline.evaluate.event_scores import reliability, supports  # noqa: E402
from pipeline.evaluate.gold import file_key, load_gold  # noqa: E402
from pipeline.extract import mention_id, mention_record  # noqa: E402
from pipeline.nlp.build import load_nlp  # noqa: E402
from pipeline.nlp.confidence import features  # noqa: E402
from pipeline.nlp.context import article_context  # noqa: E402
from pipeline.nlp.extract import extract_events  # noqa: E402
from pipeline.nlp.sentence import sentence_views  # noqa: E402

SHRINKAGE = 10.0  # L2 penalty: few hundred mentions, a dozen features
STEPS = 4000


def labelled(gold_path: Path, folder: Path) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    gold = load_gold(gold_path)
    read = read_folder(folder, run_id="fit", now=datetime.now(timezone.utc))
    nlp = load_nlp()
    rows, mentions, keys = {}, [], {}
    for a, doc in zip(read.articles, nlp.pipe(a.body for a in read.articles)):
        keys[a.article_id] = file_key(a)
        conflict = article_context(doc, sentence_views(doc, a.body)).conflict
        for d in extract_events(doc, a.published_date, a.body):
            mid = mention_id(a.article_id, d.event_type, d.trigger_start, d.trigger_end)
            rows[mid] = features(d, conflict)
            mentions.append(mention_record(a, d, run_id="fit", extractor="fit"))
    mentions, _ = assign_events(mentions, {})
    gold_of = defaultdict(list)
    for g in gold:
        gold_of[g.file].append(g)
    names = sorted(next(iter(rows.values())))
    x = np.array([[rows[m.mention_id][n] for n in names] for m in mentions])
    y = np.array([float(any(supports(g, m) for g in gold_of[keys[m.article_id]])) for m in mentions])
    return names, x, y, [keys[m.article_id] for m in mentions]


def fit(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    w, b = np.zeros(x.shape[1]), 0.0
    rate = 0.5
    for _ in range(STEPS):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        w -= rate * ((x.T @ (p - y)) / len(y) + SHRINKAGE * w / len(y))
        b -= rate * float(np.mean(p - y))
    return b, w


def predict(b: float, w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.round(1 / (1 + np.exp(-(x @ w + b))), 2)


def report(title: str, p: np.ndarray, y: np.ndarray) -> float:
    bins = reliability(list(zip(p.tolist(), (y > 0.5).tolist())))
    total = sum(b.mentions for b in bins)
    ece = sum(b.mentions * abs(b.mean_confidence - b.accuracy) for b in bins) / total
    print(f"\n{title}: {total} mentions, {int(y.sum())} right, expected calibration error {ece:.3f}")
    print(f"  {'bin':<10} {'n':>4} {'mean conf':>9} {'accuracy':>9}")
    for b in bins:
        print(f"  {b.low:.1f}-{b.high:.1f}   {b.mentions:>4} {b.mean_confidence:>9.3f} {b.accuracy:>9.3f}")
    return ece


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("articles", type=Path)
    parser.add_argument("--write", action="store_true", help="write pipeline/nlp/data/confidence.toml")
    args = parser.parse_args()
    names, x, y, articles = labelled(args.gold, args.articles)
    b, w = fit(x, y)
    in_sample = report("in sample", predict(b, w, x), y)
    held = np.zeros_like(y)
    for art in sorted(set(articles)):
        out = np.array([a == art for a in articles])
        bb, ww = fit(x[~out], y[~out])
        held[out] = predict(bb, ww, x[out])
    left_out = report("each article left out of the fit", held, y)
    if args.write:
        lines = [
            "# Weights of the confidence model (pipeline/nlp/confidence.py): a logistic model, fitted by",
            f"#   python training/calibrate_confidence.py {args.gold} {args.articles} --write",
            f"# on {len(set(articles))} articles, {len(y)} mentions ({int(y.sum())} right), {date.today().isoformat()};",
            f"# expected calibration error {in_sample:.3f} in sample, {left_out:.3f} with each article left out.",
            "[model]",
            f"intercept = {b:.4f}",
            f'source = "fit on {args.gold.parent.name} by training/calibrate_confidence.py, {date.today().isoformat()}"',
            "",
            "[weights]",
        ] + [f"{n} = {v:.4f}" for n, v in zip(names, w)]
        (ROOT / "pipeline" / "nlp" / "data" / "confidence.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("\nwrote pipeline/nlp/data/confidence.toml")


if __name__ == "__main__":
    main()
