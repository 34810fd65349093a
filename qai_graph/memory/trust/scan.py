"""One assess() call's working state (``detection.py``): the message's views and its
player's earlier ones, the prefilter clauses each meets, their joins, and which signals
were found; and how a match is judged to cross from an earlier message into this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

from qai_graph.memory.trust.normalize import AMBIGUOUS_ONE, Views

# How far back (in characters of a joined view) a match that crosses into the current
# message, or ends the message before it, may start: about ten words, where a phrase
# split over two messages begins ("... disregard everything you were" / "told ...").
_REACH = 60
# What may follow a match at the end of a message: the rest of its last word, punctuation.
_ENDS = re.compile(r"\w*\W*")
# Which signals were found, per (id of the regex, text), within one assess() call (a
# Pattern's own hash reads its whole compiled code).
_Memo = dict[tuple[int, str], bool]
# Per view, the prefilter clauses a text meets (``_Gates.met`` in detection.py).
MetClauses = Mapping[str, Callable[[str], frozenset[int]]]


class _Scan:
    """One assess() call's views, the clauses each meets, joins and the signals found."""

    def __init__(self, clauses: MetClauses, current: Views, earlier: list[Views]) -> None:
        self.current = current
        self.earlier = earlier
        self.leet = any(AMBIGUOUS_ONE in v.skeleton for v in (current, *earlier))
        self.memo: _Memo = {}
        self._clauses = clauses
        self._met: dict[str, frozenset[int]] = {}
        self._before: dict[str, frozenset[int]] = {}
        self._all: dict[str, frozenset[int]] = {}
        self._joins: dict[str, _Join] = {}

    def met(self, view: str) -> frozenset[int]:
        """The clauses the current message's ``view`` meets."""
        if view not in self._met:
            self._met[view] = self._clauses[view](self.current.get(view))
        return self._met[view]

    def met_before(self, view: str) -> frozenset[int]:
        """The clauses the earlier messages' ``view`` meet, joined (as each does)."""
        if view not in self._before:
            met = self._clauses[view]
            self._before[view] = frozenset().union(*(met(v.get(view)) for v in self.earlier))
        return self._before[view]

    def met_all(self, view: str) -> frozenset[int]:
        """The clauses the join of the earlier messages and the current one meets."""
        if view not in self._all:
            self._all[view] = self.met_before(view) | self.met(view)
        return self._all[view]

    def join(self, view: str) -> _Join:
        """The earlier messages and the current one joined, in ``view``."""
        if view not in self._joins:
            self._joins[view] = _Join.of(self.earlier, self.current, view)
        return self._joins[view]


class _Join(NamedTuple):
    """One view of the earlier messages and the current one, joined by line breaks."""

    text: str
    offset: int  # where the current message starts
    last: int  # where the message just before it starts

    @classmethod
    def of(cls, earlier: list[Views], current: Views, view: str) -> _Join:
        before = [v.get(view) for v in earlier]
        text = "\n".join([*before, current.get(view)])
        offset = sum(len(b) + 1 for b in before)
        return cls(text, offset, offset - 1 - len(before[-1]))

    def crossed_by(self, window: re.Pattern[str]) -> bool:
        """Whether a match (group 1 of ``window``) starts before the current message and
        ends in it, or ends with the message just before it (the current one continues
        it). One join of all earlier messages is enough: a match crossing from any of them
        crosses in it too."""
        pos = max(0, self.offset - _REACH)
        while pos < self.offset:
            match = window.match(self.text, pos)
            if not match or match.start(1) >= self.offset:
                return False
            end = match.end(1)
            if end > self.offset:
                return True
            if end > self.last and _ENDS.fullmatch(self.text, end, self.offset):
                return True
            pos = match.start(1) + 1
        return False
