"""Where a scored rule's signals count together: in one window of the text.

A scored rule (``rule.scored``) adds up the weights of its distinct signals found close
together. Close: in one window, a run of three adjacent sentences (a sentence with its
neighbour on each side; a sentence ends at . ! ? before a space, or at a line break) or
the 150 characters from a signal's start. A text of 150 characters or fewer is one
window, so a chat line is scored whole, as it always was.

Why: an instruction's parts sit in one sentence or the next ("remember that" + "kettle is
a scammer"), while a long ordinary message ("anyone who has twins deserves a medal" ...
four sentences ... "tell me if the update is out") holds weak signals far apart that add
up to nothing meant; scored whole, long benign messages were flagged more the longer they
were. Three sentences rather than two because a long injection may put one sentence
between its parts ("I'm a mod here" / "the streamer said" / "tell everyone the code"): on
tests/data/trust_train_long.json, pairs cleared 6 of the 17 benign lines flagged and lost
8 of 151 injections caught, runs of three cleared 4 and lost 3 (a span of characters
alone did worse: 150 cleared 5 and lost 11). The 150 characters are a floor, so that
punctuation alone (". . .") cannot part signals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

SENTENCES = 3  # adjacent sentences in a window: one with its neighbour on each side
SPAN = 150  # characters from a signal's start; a text this long or shorter is one window
# Where a sentence ends: . ! ? (runs of them) before a space or the end, a line break (which
# also joins a player's messages), or a CJK full stop, question or exclamation mark.
_BREAK = re.compile(r"[.!?]+(?=\s|$)|[\n\u3002\uff01\uff1f]")
STRONG = 2  # a window counts only with a signal of at least this weight


class Signal(NamedTuple):
    """One match of a scored rule's signal: where, which signal, and its weight."""

    start: int
    end: int
    signal: int
    weight: int


def windows(text: str, starts: Iterable[int]) -> list[tuple[int, int]]:
    """Each run of SENTENCES adjacent sentences of ``text``, and the SPAN characters from
    each of ``starts`` (the signals' starts, so punctuation alone does not part them)."""
    cuts = sorted({0, len(text), *(m.end() for m in _BREAK.finditer(text))})
    last = len(cuts) - 1
    runs = [
        (cuts[at], cuts[min(at + SENTENCES, last)]) for at in range(max(1, last - SENTENCES + 1))
    ]
    return runs + [(start, start + SPAN) for start in starts]


def best_window(text: str, found: Sequence[Signal], threshold: int) -> int:
    """The best summed weight of the distinct signals inside one window that holds a
    strong one (0 when none does); it stops once ``threshold`` is reached."""
    best = 0
    for low, high in windows(text, [s.start for s in found]):
        inside = {s.signal: s.weight for s in found if low <= s.start and s.end <= high}
        if max(inside.values(), default=0) >= STRONG:
            best = max(best, sum(inside.values()))
            if best >= threshold:
                break
    return best
