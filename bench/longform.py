"""Real-length benchmark articles: the news-like pieces in bench/longform/ (600-900 words each, written
for this project, most of their sentences background rather than events), repeated to any number.

Each copy gets its own headline number and publication date, so every copy is a distinct article to
the flow (the article id hashes the headline) while the NLP reads the same prose."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

SOURCE = Path(__file__).parent / "longform"


def originals() -> list[tuple[str, str, str]]:
    """(header line, headline, body) of each article in bench/longform/."""
    out = []
    for path in sorted(SOURCE.glob("*.txt")):
        header, headline, body = path.read_text(encoding="utf-8").split("\n\n", 2)
        out.append((header, headline, body.strip()))
    return out


def write_longform(folder: Path, n: int) -> int:
    """Write n articles in the header layout; returns the number of words."""
    pieces = originals()
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        header, headline, body = pieces[i % len(pieces)]
        day = date.fromisoformat(header.split()[1]) + timedelta(days=i // len(pieces))
        outlet = header.split(" ", 3)[3]
        (folder / f"{i:06d}.txt").write_text(f" date {day} {outlet}\n\n{headline} ({i})\n\n{body}\n",
                                             encoding="utf-8")
        words += len(body.split())
    return words
