"""Role: one actor or place mention as extraction passes it around, in a module of its own so that
the sentence view and the article's aliases can both build it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token


@dataclass(frozen=True)
class Role:
    """An actor or place mention: its words as written, curated id if known, token span."""

    text: str
    id: str | None
    start: int
    end: int
    label: str
    refers_to: str | None = None  # a description's antecedent as written ('the group' -> 'Arakan Army')

    def covers(self, token: Token) -> bool:
        return self.start <= token.i < self.end
