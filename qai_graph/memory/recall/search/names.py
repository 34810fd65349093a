"""Player names in a chat line: exact keys, @mention typos, and distinctive name parts.

Chat names players loosely: "@BobbyQ", "@bobyq" (a typo), "ada" for AdaBytes, "lex" for
lunar_lex. Each found player gets a share of the name boost: 1 for an exact name or an
@mention within two edits, ``PARTIAL_NAME`` split among the owners of a name part (half
that when the part is also a word of memories, like "bell" or "space").
"""

from __future__ import annotations

import bisect
import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.text import STOPWORDS, mentions, name_tokens, stem

PARTIAL_NAME = 0.6  # share of the boost for a name part ("ada" for AdaBytes)
MAX_OWNERS = 5  # a name part shared by more players names none of them
_NAME_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def name_parts(display: str) -> list[str]:
    """Distinctive parts of a name: "AdaBytes" -> ada, bytes; "lunar_lex" -> lunar, lex."""
    parts = []
    for chunk in re.split(r"[_\-.\d\s]+", display):
        parts += [p.casefold() for p in _NAME_PART.findall(chunk)]
    return [p for p in parts if len(p) >= 3 and p not in STOPWORDS]


class NameFinder:
    """Player names in a query: exact keys, @mention typos, and name parts."""

    def __init__(self, index: MemoryIndex) -> None:
        self.index = index
        self._parts: dict[str, set[str]] = {}
        self._sorted: list[str] = []
        self._seen = -1

    def _refresh(self) -> None:
        if self._seen == len(self.index.players):
            return
        parts: dict[str, set[str]] = {}
        for key, display in self.index.players.items():
            for part in set(name_parts(display) + name_parts(key)):
                if part != key:
                    parts.setdefault(part, set()).add(key)
        self._parts = parts
        self._sorted = sorted(parts)
        self._seen = len(self.index.players)

    def _prefixed(self, token: str) -> set[str]:
        """Players with a name part that starts with ``token`` ("barb" for barbwire_b)."""
        if len(token) < 3:
            return set()
        owners: set[str] = set()
        at = bisect.bisect_left(self._sorted, token)
        while at < len(self._sorted) and self._sorted[at].startswith(token):
            owners |= self._parts[self._sorted[at]]
            at += 1
            if len(owners) > MAX_OWNERS:
                return set()  # too common a start to mean anyone in particular
        return owners

    def find(self, query: str) -> tuple[dict[str, float], set[str]]:
        """(player key -> boost share, tokens used as names)."""
        self._refresh()
        players = self.index.players
        named: dict[str, float] = {}
        used: set[str] = set()
        mentioned = set(mentions(query))
        for token in name_tokens(query):
            if token in players:
                named[token] = 1.0
                used.add(token)
            elif token in mentioned:
                close = _closest(token, players)
                if close:
                    named[close] = 1.0
                    used.add(token)
                    continue
                owners = self._parts.get(token, set())
                for key in owners:
                    named.setdefault(key, PARTIAL_NAME / len(owners))
                used.add(token)
            elif token not in STOPWORDS and (token in self._parts or self._prefixed(token)):
                owners = self._parts.get(token) or self._prefixed(token)
                # A part that is also a common word of memories ("bell", "space") is
                # more likely the topic than the player: it keeps a smaller share.
                common = self.index.doc_frequency(stem(token)) > 0
                share = PARTIAL_NAME / len(owners) * (0.5 if common else 1.0)
                for key in owners:
                    named[key] = max(named.get(key, 0.0), share)
                if not common:
                    used.add(token)
        return named, used


def _closest(token: str, players: dict[str, str]) -> str | None:
    """A player key within two edits of an @mention (only for names of 4+ characters).

    rapidfuzz compares in C: a scan of 100,000 names takes a few milliseconds."""
    if len(token) < 4:
        return None
    found = process.extractOne(token, players.keys(), scorer=Levenshtein.distance, score_cutoff=2)
    return None if found is None else str(found[0])
