"""What text a regex needs before it can match: literals read from its parse tree.

``need(source)`` answers with a ``Need``: clauses, each a set of literal strings, such
that any text the regex matches somewhere holds at least one literal of every clause
(within the match). A text missing every literal of one clause cannot match, so the
detector skips that regex there: the answer is the regex's own, only sooner.

How the literals are read (as Russ Cox's trigram index reads them, "Regular Expression
Matching with a Trigram Index", 2012), node by node of ``re``'s parse tree:

    node                      what it must match
    a literal character       itself (exact)
    a small class [sz]        one of its characters (exact)
    a sequence                its parts' exact strings multiplied out while they stay few;
                              otherwise each part's clauses, all of them
    a|b                       the union (exact), else one clause: each branch's most
                              selective clause joined (a branch with none: no need)
    x? x{0,1}                 x's exact strings and the empty string
    x{n,}, x+                 x's clauses; x* and x{0,n}: nothing
    \\b ^ lookarounds          the empty string (they consume nothing)
    . \\w \\s [^x] [a-z], (?i:)  anything: no need

One folding makes one set of literals serve both spellings of a skeleton rule: i, l and
the skeleton's dotless i (the leet "1") all read as "i", in the literals and in the
text (``FOLD``), so "ignore" and its leet regex (each i also the dotless one) both need
"ignore", which "1gnore" holds. A line break is never part of a literal, so what a join
of messages ("\\n" between them) holds is what each message holds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from qai_graph.memory.trust.normalize import AMBIGUOUS_ONE

if TYPE_CHECKING:  # the parser's stubs live under their pre-3.11 names
    import sre_constants as _c
    import sre_parse as _parser
else:
    from re import _constants as _c
    from re import _parser

# The folding of literals and texts (see the module docstring): i, l, leet 1 read as "i".
FOLD = str.maketrans({"l": "i", AMBIGUOUS_ONE: "i"})
# Exact strings multiplied out up to this many; past it, a sequence keeps clauses.
_CAP = 64
# A class of up to this many characters is read as an alternation of them.
_CLASS = 12
# Characters of English chat, most frequent first, to tell which of two clauses is more
# selective (rarer literals skip more lines): the n-th is given a share 0.18 * 0.8**n of
# a line's characters, any other character 0.005. Only the speed depends on it.
_COMMON = " etaoinshrdlcumwfgypbvkjxqz"
_SHARE = {ch: 0.18 * 0.8**rank for rank, ch in enumerate(_COMMON)}
_TYPICAL_LENGTH = 80
# Words whose met clauses are remembered (chat's vocabulary is small).
_WORDS_CACHE = 50_000
_WORDS = re.compile(r"\w+")
_NON_WORD = re.compile(r"\W")
# Clauses kept per regex, the most selective ones.
_KEEP = 4


class Need(NamedTuple):
    """Clauses that all must hold: each a set of literals, one of which must be present."""

    clauses: tuple[frozenset[str], ...] = ()


ALWAYS = Need()


class _Info(NamedTuple):
    exact: frozenset[str] | None  # every string the node matches, when few
    clauses: tuple[frozenset[str], ...]  # when not exact


_NEWLINE = ord("\n")
_FOLDED: dict[int, str] = {code: str(to) for code, to in FOLD.items()}
_NOTHING = frozenset({""})
_ANY = _Info(None, ())
_EMPTY = _Info(_NOTHING, ())


@functools.cache
def need(source: str, flags: int = 0) -> Need:
    """What ``re.compile(source, flags)`` needs of a text to match in it (cached: every
    detector built, one per service, reads the same rules)."""
    parsed = _parser.parse(source, flags)
    if parsed.state.flags & re.IGNORECASE:
        return ALWAYS
    clauses = sorted(set(_clauses(_sequence(parsed.data))), key=_odds)
    # A clause that nearly every line meets ("a" or "e" among its literals) costs a test
    # and skips nothing.
    return Need(tuple(c for c in clauses if _odds(c) < 1.0)[:_KEEP])


def _clauses(info: _Info) -> tuple[frozenset[str], ...]:
    if info.exact is None:
        return info.clauses
    return () if "" in info.exact else (info.exact,)


def _odds(clause: frozenset[str]) -> float:
    """A rough chance that a chat line holds one of ``clause``'s literals."""
    return min(1.0, sum(_literal_odds(literal) for literal in clause))


@functools.lru_cache(maxsize=8192)
def _literal_odds(literal: str) -> float:
    odds = float(_TYPICAL_LENGTH)
    for ch in literal:
        odds *= _SHARE.get(ch, 0.005)
    return min(1.0, odds)


def _best(info: _Info) -> frozenset[str] | None:
    """The most selective clause of a node (None: it needs nothing)."""
    clauses = _clauses(info)
    return min(clauses, key=_odds) if clauses else None


def _sequence(items: Sequence[tuple[Any, Any]]) -> _Info:
    run: frozenset[str] = _NOTHING
    clauses: list[frozenset[str]] = []
    exact = True
    for op, av in items:
        if op is _c.LITERAL and av != _NEWLINE:  # the common case, without an _Info
            ch = _FOLDED.get(av) or chr(av)
            run = frozenset(a + ch for a in run)
            continue
        info = _node(op, av)
        if info.exact is not None and len(run) * len(info.exact) <= _CAP:
            run = frozenset(a + b for a in run for b in info.exact)
            continue
        exact = False
        clauses.extend(_clauses(_Info(run, ())))
        if info.exact is not None:
            run = info.exact
        else:
            clauses.extend(info.clauses)
            run = _NOTHING
    if exact:
        return _Info(run, ())
    clauses.extend(_clauses(_Info(run, ())))
    return _Info(None, tuple(clauses))


def _branch(branches: Iterable[Any]) -> _Info:
    infos = [_sequence(b.data) for b in branches]
    if all(i.exact is not None for i in infos):
        union = frozenset().union(*(i.exact for i in infos if i.exact is not None))
        if len(union) <= _CAP:
            return _Info(union, ())
    joined: set[str] = set()
    for info in infos:
        best = _best(info)
        if best is None:
            return _ANY
        joined |= best
    return _Info(None, (frozenset(joined),))


def _char(code: int) -> _Info:
    if code == _NEWLINE:
        return _ANY
    return _Info(frozenset({_FOLDED.get(code) or chr(code)}), ())


def _node(op: Any, av: Any) -> _Info:
    if op is _c.LITERAL:
        return _char(av)
    if op is _c.IN:
        return _class(av)
    if op is _c.BRANCH:
        return _branch(av[1])
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return _ANY if add_flags & re.IGNORECASE else _sequence(sub.data)
    if op is _c.ATOMIC_GROUP:
        return _sequence(av.data)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        return _repeat(*av)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _EMPTY
    return _ANY  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, GROUPREF_EXISTS


def _class(items: Sequence[tuple[Any, Any]]) -> _Info:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _CLASS:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY, a wide range
            return _ANY
    if len(chars) > _CLASS or "\n" in chars:
        return _ANY
    return _Info(frozenset(ch.translate(FOLD) for ch in chars), ())


def _repeat(low: int, high: int, sub: Any) -> _Info:
    info = _sequence(sub.data)
    if low == 0:
        if high == 1 and info.exact is not None:
            return _Info(info.exact | {""}, ())
        return _ANY
    if low == high and info.exact is not None and len(info.exact) ** low <= _CAP:
        run = frozenset({""})
        for _ in range(low):
            run = frozenset(a + b for a in run for b in info.exact)
        return _Info(run, ())
    return _Info(None, _clauses(info))


class Clauses:
    """The clauses of many needs, numbered: ``met(text)`` is the numbers of those a text
    meets, and a need holds where ``numbers(need) <= met(text)``. What a join of texts
    meets is the union of what each does (no literal holds a line break).

    A literal of word characters only lies inside one word of a text: each word's
    substrings are looked up once and remembered (chat repeats its words). The few other
    literals ("[.]", "sk-", ":") are filed under their first non-word character and tested
    with ``in`` when the text has that character."""

    def __init__(self, needs: Iterable[Need]) -> None:
        self._numbers: dict[frozenset[str], int] = {}
        by_literal: dict[str, set[int]] = {}
        for one in needs:
            for clause in one.clauses:
                if clause not in self._numbers:
                    number = self._numbers[clause] = len(self._numbers)
                    for literal in clause:
                        by_literal.setdefault(literal, set()).add(number)
        self._in_words: dict[str, frozenset[int]] = {}
        self._others: dict[str, list[tuple[str, frozenset[int]]]] = {}
        for literal, numbers in by_literal.items():
            if _WORDS.fullmatch(literal):
                self._in_words[literal] = frozenset(numbers)
            else:
                first = _NON_WORD.search(literal)
                key = first.group() if first else literal[0]
                self._others.setdefault(key, []).append((literal, frozenset(numbers)))
        self._longest = max(map(len, self._in_words), default=0)
        self._keys = frozenset(self._others)
        self._word = functools.lru_cache(maxsize=_WORDS_CACHE)(self._word_met)

    def numbers(self, one: Need) -> frozenset[int]:
        """The numbers of ``one``'s clauses."""
        return frozenset(self._numbers[clause] for clause in one.clauses)

    def number(self, clause: frozenset[str]) -> int:
        """The number of one clause."""
        return self._numbers[clause]

    def met(self, text: str) -> frozenset[int]:
        """The numbers of the clauses ``text`` meets."""
        text = text.translate(FOLD)
        found: set[int] = set()
        for word in set(_WORDS.findall(text)):
            found |= self._word(word)
        for key in self._keys.intersection(text):
            for literal, numbers in self._others[key]:
                if literal in text:
                    found |= numbers
        return frozenset(found)

    def _word_met(self, word: str) -> frozenset[int]:
        found: set[int] = set()
        end, longest, in_words = len(word), self._longest, self._in_words
        for start in range(end):
            for stop in range(start + 1, min(end, start + longest) + 1):
                numbers = in_words.get(word[start:stop])
                if numbers:
                    found |= numbers
        return frozenset(found)
