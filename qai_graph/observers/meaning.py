"""Comparing sentences about a player by their words (placeholder: the local-rules work
replaces it with the documented lexicon; the signatures are the contract)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9']+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "it",
        "its",
        "this",
        "that",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "so",
        "very",
        "really",
        "just",
    ]
)
_NEGATION = frozenset({"not", "no", "never", "doesn't", "don't", "isn't", "wasn't", "hates"})
_CHANGE = re.compile(r"\b(now|anymore|no longer|these days|switched|quit|stopped|became)\b")


def content_words(text: str) -> frozenset[str]:
    """Lowercase content words (stop words out, a plural's s cut)."""
    words = (w.rstrip("s") if len(w) > 3 else w for w in _WORD.findall(text.lower()))
    return frozenset(w for w in words if w not in _STOP)


def similarity(a: str, b: str) -> float:
    """Overlap of content words, 0..1."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def polarity(text: str) -> int:
    """-1 when negated or disliked, +1 otherwise."""
    return -1 if content_words(text) & _NEGATION else 1


def same_meaning(a: str, b: str) -> bool:
    """Most content words shared and the same polarity."""
    return similarity(a, b) >= 0.75 and polarity(a) == polarity(b)


def topics(text: str) -> frozenset[str]:
    """Coarse topic keys (placeholder: none)."""
    return frozenset()


def marks_change(text: str) -> bool:
    """Whether the sentence says something changed."""
    return bool(_CHANGE.search(text.lower()))


def contradicts(new: str, old: str) -> bool:
    """Same words, opposite polarity (placeholder)."""
    return similarity(new, old) >= 0.6 and polarity(new) != polarity(old)
