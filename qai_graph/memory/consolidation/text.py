"""Composing one text from several observations: the most salient sentences that fit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from qai_graph.memory.content import normalise_content
from qai_graph.observers.meaning import same_meaning

_SPACE = re.compile(r"\s+")
_END = " .!?;…"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Sentence:
    """One observation's text, with what decides whether it is kept."""

    observation_id: str
    content: str
    salience: float
    at: datetime


def clean(text: str) -> str:
    """One sentence as a clause: collapsed spaces, no end punctuation."""
    return _SPACE.sub(" ", text).strip().rstrip(_END)


def _render(head: str, clauses: Sequence[str], end: str) -> str:
    return head + "; ".join(clauses) + end


def compose(
    sentences: Sequence[Sentence], limit: int, head: str = "", end: str = ""
) -> tuple[str, list[Sentence]]:
    """``head`` + the sentences joined by "; " + ``end``, at most ``limit`` characters.

    The most salient sentences are taken first (ties: the more recent), skipping any
    that says what a taken one says (same normalised text, or ``same_meaning``); the
    taken ones are written in time order. When not even the most salient fits, it is
    cut with an ellipsis. Returns the text and the sentences it holds, in time order."""
    ranked = sorted(sentences, key=lambda s: (-s.salience, -s.at.timestamp(), s.observation_id))
    chosen: list[Sentence] = []
    said: list[str] = []
    length = len(head) + len(end)
    for sentence in ranked:
        clause = clean(sentence.content)
        if not clause or any(
            normalise_content(clause) == normalise_content(s) or same_meaning(clause, s)
            for s in said
        ):
            continue
        extra = len(clause) + (2 if chosen else 0)
        if length + extra > limit:
            continue
        chosen.append(sentence)
        said.append(clause)
        length += extra
    if not chosen and ranked:
        best = next((s for s in ranked if clean(s.content)), None)
        if best is None:
            return "", []
        room = max(0, limit - len(head) - len(end) - len(ELLIPSIS))
        cut = clean(best.content)[:room].rstrip() + ELLIPSIS
        return _render(head, [cut], end), [best]
    chosen.sort(key=lambda s: (s.at, s.observation_id))
    return _render(head, [clean(s.content) for s in chosen], end), chosen
