"""What two sentences about a player have in common: similarity, topics, same meaning.

PLACEHOLDER: the documented lexicon of the local rules is not written yet;
this keeps only their signatures, over plain word overlap, so consolidation's merging
can be built and tested meanwhile. Replace the whole module when merging.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Words that say nothing about what a sentence is about.
_STOP = frozenset(
    """a an the and or but if of to in on at for with from by about as is are was were be
    been being am do does did has have had having it its it's this that these those there
    their they them he she his her him we our you your i me my not no so very really just
    also too than then now still always never often sometimes usually again likes like
    loves love hates hate wants want said says thinks think feels feel gets get got goes
    going went plays play player players""".split()  # noqa: SIM905 (a word list)
)
SAME_MEANING = 0.8  # word-overlap share at or above which two sentences say the same


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _words(text) if w.casefold() not in _STOP)


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of the two sentences' content words, in [0, 1]."""
    left, right = _content_words(a), _content_words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def topics(text: str) -> frozenset[str]:
    """What a sentence is about: its lower-case content words of 3+ letters (names,
    which start with a capital, are who it is about, not what)."""
    return frozenset(
        w.casefold()
        for w in _words(text)
        if len(w) >= 3 and not w[0].isupper() and w.casefold() not in _STOP
    )


def same_meaning(a: str, b: str) -> bool:
    """True when the two sentences say the same thing (word overlap >= SAME_MEANING)."""
    return similarity(a, b) >= SAME_MEANING


def content_words(text: str) -> frozenset[str]:
    """Lower-case content words (stop words out)."""
    return _content_words(text)


_NEGATION = frozenset({"not", "no", "never", "doesn't", "don't", "isn't", "wasn't", "hates"})
_CHANGE = re.compile(r"\b(now|anymore|no longer|these days|switched|quit|stopped|became)\b")


def polarity(text: str) -> int:
    """-1 when negated or disliked, +1 otherwise."""
    return -1 if {w.casefold() for w in _words(text)} & _NEGATION else 1


def marks_change(text: str) -> bool:
    """Whether the sentence says something changed."""
    return bool(_CHANGE.search(text.lower()))


def contradicts(new: str, old: str) -> bool:
    """Much the same words with the opposite polarity, or a stated change on a shared
    topic (placeholder until the lexicon of topics lands)."""
    shared = topics(new) & topics(old)
    if similarity(new, old) >= 0.5 and polarity(new) != polarity(old):
        return True
    return bool(shared) and marks_change(new) and polarity(new) != polarity(old)
