"""Synthetic news articles for benchmarks: realistic sentence shapes, fixed seed, any number."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

PARTIES = [("Russia", "Ukraine"), ("Ukrainian forces", "Russian troops"), ("Israel", "Hamas"),
           ("the Sudanese army", "the Rapid Support Forces"), ("M23 rebels", "Congolese troops"),
           ("Azerbaijan", "Armenia"), ("the Houthis", "the United States"), ("the junta", "resistance groups")]
PLACES = ["Kharkiv", "Pokrovsk", "Kursk", "Rafah", "Khan Younis", "El Fasher", "Omdurman", "Goma", "Bukavu",
          "Lashio", "Hodeidah", "Sumy", "Zaporizhzhia", "Kherson", "Gaza City", "Sake", "Khartoum"]
MEDIATORS = ["Qatar", "Egypt", "Turkey", "Saudi Arabia", "the United Nations", "the African Union"]
WHEN = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "over the past week",
        "last month", "earlier this month", "overnight", "three days ago", "last August"]
EVENT_SENTENCES = [
    "{a} launched a fresh offensive near {p} {w}, {src} said.",
    "{a} shelled residential areas of {p} {w}, killing at least {n} people.",
    "{p} was struck by drones {w}, according to local officials.",
    "{a} said it had recaptured several villages around {p}.",
    "{b} denied that its positions near {p} had been encircled.",
    "Envoys from {a} and {b} held talks in {m_city} {w}.",
    "{m} proposed a {d}-day ceasefire between {a} and {b}.",
    "{b} rejected {m}'s truce proposal, saying it would only let {a} regroup.",
    "If talks fail, {a} could launch a new assault on {p} within weeks, analysts said.",
    "{a} called on {b} fighters in {p} to lay down their arms.",
    "No talks were held between {a} and {b} {w}, officials said.",
]
FILLER = [
    "Aid agencies said food prices in {p} had doubled since the spring.",
    "Schools in the region reopened after a long closure, the education ministry said.",
    "Residents queued for water at the few pumps still working.",
    "The central bank left interest rates unchanged on {w2}.",
    "Power cuts lasted up to twelve hours a day across the province.",
    "Journalists were not allowed to enter the area independently.",
    "The winter harvest is expected to be the smallest in a decade.",
]
SOURCES = ["the regional governor", "the defence ministry", "a military spokesman", "residents", "officials"]
OUTLETS = ["Wirewatch", "Meridian Herald", "Levant Live", "Nile Courier", "Kyiv Ledger", "Gulf Evening Post"]
CITIES = ["Doha", "Cairo", "Istanbul", "Geneva", "Jeddah", "Riyadh"]


ARTICLES_PER_DAY = 7  # publication dates span n / 7 days: the same event density at every n
LATE_DAYS = 3  # a feed delivers roughly in publication order: an article may arrive up to 3 days late


def article(rng: random.Random, i: int, span_days: int = 700, n: int = 4900) -> tuple[date, str, str, str]:
    a, b = rng.choice(PARTIES)
    if rng.random() < 0.5:
        a, b = b, a
    day = i * span_days // n - rng.randrange(LATE_DAYS + 1)
    published = date(2024, 1, 1) + timedelta(days=min(span_days - 1, max(0, day)))
    slots = lambda: dict(a=a, b=b, p=rng.choice(PLACES), w=rng.choice(WHEN), w2=rng.choice(WHEN[:5]),
                         m=rng.choice(MEDIATORS), m_city=rng.choice(CITIES), d=rng.choice([3, 7, 30, 60]),
                         n=rng.randrange(2, 90), src=rng.choice(SOURCES))
    sentences = []
    for _ in range(rng.randrange(8, 20)):
        pool = EVENT_SENTENCES if rng.random() < 0.35 else FILLER
        s = rng.choice(pool).format(**slots())
        sentences.append(s[0].upper() + s[1:])
    paragraphs = [" ".join(sentences[k:k + 3]) for k in range(0, len(sentences), 3)]
    title = f"Fighting and diplomacy around {rng.choice(PLACES)} ({i})"
    return published, rng.choice(OUTLETS), title, "\n\n".join(paragraphs)


def write_articles(folder: Path, n: int, seed: int = 42) -> int:
    """Write n articles in the header layout, 1,000 to a subfolder; returns the number of words."""
    rng = random.Random(seed)
    words = 0
    span = max(30, n // ARTICLES_PER_DAY)  # as a feed that keeps arriving: more articles, a longer period
    for i in range(n):
        published, outlet, title, body = article(rng, i, span, n)
        sub = folder / f"batch{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:06d}.txt").write_text(f" date {published} {outlet} / world\n\n{title}\n\n{body}\n",
                                          encoding="utf-8")
        words += len(body.split())
    return words


def texts(folder: Path) -> list[str]:
    from pipeline.ingest.read import read_folder
    from datetime import datetime, timezone

    read = read_folder(folder, run_id="bench", now=datetime.now(timezone.utc))
    return [a.body for a in read.articles]
