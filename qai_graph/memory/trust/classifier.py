"""The second line of defence: a small linear model that scores how instruction-like a
chat message reads, for the wordings the rules were never written for.

Features are hashed n-grams of the message's skeleton view (``normalize.py``: look-alikes,
invisible characters and light leetspeak already undone): character 1- to 4-grams
(``NGRAMS``) of the whole text (spaces included, so word starts and ends count) and word
unigrams and bigrams.
Each hashes (a polynomial hash from one prefix sum, then murmur3's 64-bit finaliser) to one
of ``buckets`` weights, with a sign from the hash's top bit; each block's signed sum is
divided by the square root of its count. A logistic regression over these was trained by
``scripts/train_trust_classifier.py`` on ``tests/data/trust_train.json``,
``trust_train_long.json`` (short chat and long messages: trained on short lines alone, the
square-root sums made length itself read as instruction) and ``trust_train_more.json``
(the kinds it still missed held out, with look-alikes) (fixed folds, full-batch,
reproducible); its non-zero weights ship in ``classifier.npz`` next to this module, with
the threshold chosen by cross-validation and the training files' digests.
Nothing is loaded at import time; numpy only, no network.

A message spread over several: the end of a player's earlier messages (``window``: about
``REACH`` characters) and the current message are scored as one (their n-grams together, plus the
word bigram across the boundary); that counts only when the current message does not
dilute what came before (the join scores at least as high as that end alone), so ordinary
chat after a suspect message is not suspected for it, while the rest of a split injection
is.

A message's share of a score (each block's sum and count) is cached, so a player's
previous messages cost a lookup.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from qai_graph.memory.trust.normalize import views

MODEL_FILE = "classifier.npz"
FLAG = "suspected_injection"
RULE_NAME = "classifier"
# The skeleton is read up to this many characters (a chat message is at most 2,000).
MAX_CHARS = 2048
NGRAMS = (1, 2, 3, 4)
# Of the player's earlier messages only the end is joined (about fifteen words): where the
# first half of a split injection is, and not so much text that a join of ordinary
# messages reads like the long injections the model was trained on.
REACH = 80

_P = 0x100000001B3  # the polynomial hash's base (FNV's prime: odd, so invertible mod 2**64)
_P_INV = pow(_P, -1, 2**64)
_M1, _M2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_S33, _S63 = np.uint64(33), np.uint64(63)
_K = np.uint64(0x9E3779B97F4A7C15)  # combines a word bigram's two hashes
_SALT_WORD, _SALT_BIGRAM = 0x5A17, 0xB16A
_WORD = re.compile(r"\w+")
# Small capitals, which the look-alike table (UTS #39) leaves as they are.
_SMALL_CAPS = str.maketrans(
    dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz", strict=True))
)

U64s = npt.NDArray[np.uint64]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
_NONE = np.zeros(0, dtype=np.uint64)


@functools.cache
def _powers() -> tuple[U64s, U64s]:
    """P**i and P**-i mod 2**64 for every position of a read skeleton."""
    base = np.full(MAX_CHARS + 8, _P, dtype=np.uint64)
    inverse = np.full(MAX_CHARS + 8, _P_INV, dtype=np.uint64)
    base[0] = inverse[0] = 1
    return np.cumprod(base, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)


@functools.lru_cache(maxsize=256)
def _layout(size: int) -> tuple[Ints, Ints, U64s]:
    """Start, stop and salt (its length) of every character n-gram of a padded text."""
    starts = [np.arange(size - n + 1) for n in NGRAMS if size >= n]
    lengths = [np.full(size - n + 1, n) for n in NGRAMS if size >= n]
    start = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    length = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    return start, start + length, length.astype(np.uint64)


def _mix(h: U64s, salt: U64s | np.uint64) -> U64s:
    """murmur3's finaliser: every input bit reaches the low bits (the bucket) and the top
    bit (the sign). Array arithmetic wraps modulo 2**64 without a warning."""
    h = h ^ salt
    h = (h ^ (h >> _S33)) * _M1
    h = (h ^ (h >> _S33)) * _M2
    out: U64s = h ^ (h >> _S33)
    return out


class Hashed(NamedTuple):
    """One message's hashed n-grams (64-bit hashes, bucketed by the model)."""

    chars: U64s
    words: U64s  # unigrams and bigrams
    first: int | None  # the first and last words' hashes: the bigram across a boundary
    last: int | None


def hashed(text: str) -> Hashed:
    """The hashed n-grams of ``text``'s skeleton view."""
    skeleton = views(text).skeleton[:MAX_CHARS]
    if not skeleton.isascii():
        skeleton = skeleton.translate(_SMALL_CAPS)
    padded = f" {skeleton} "
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    power, inverse = _powers()
    size = len(codes)
    # prefix[i] = sum of codes[j] * P**j for j < i: a segment's hash is a difference,
    # brought back to its own start by P**-start.
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(codes * power[:size], out=prefix[1:])
    start, stop, salt = _layout(size)
    spans = [m.span() for m in _WORD.finditer(padded)]
    if not spans:
        chars = _mix((prefix[stop] - prefix[start]) * inverse[start], salt)
        return Hashed(chars, _NONE, None, None)
    bounds = np.array(spans, dtype=np.int64)
    start = np.concatenate([start, bounds[:, 0]])
    raw = (prefix[np.concatenate([stop, bounds[:, 1]])] - prefix[start]) * inverse[start]
    n_chars, n_words = len(salt), len(spans)
    words = raw[n_chars:]
    raw = np.concatenate([raw, words[:-1] * _K + words[1:]])
    salts = np.concatenate([salt, _word_salts(n_words)])
    mixed = _mix(raw, salts)
    return Hashed(mixed[:n_chars], mixed[n_chars:], int(words[0]), int(words[-1]))


@functools.lru_cache(maxsize=256)
def _word_salts(n_words: int) -> U64s:
    return np.array([_SALT_WORD] * n_words + [_SALT_BIGRAM] * (n_words - 1), dtype=np.uint64)


def window(previous: Sequence[str]) -> list[str]:
    """What of a player's earlier messages (oldest first) a message is joined to: the last
    one (its last ``REACH`` characters, from a word's start), and the one before it when
    both fit in ``REACH``. Whole messages, so their share of a score stays cached."""
    earlier = [p for p in previous if p]
    if not earlier:
        return []
    last = earlier[-1]
    if len(last) > REACH:
        cut = last[-REACH:]
        space = cut.find(" ")
        last = cut[space + 1 :] if 0 <= space < REACH // 4 else cut
    if len(earlier) > 1 and len(earlier[-2]) + len(last) < REACH:
        return [earlier[-2], last]
    return [last]


def boundary(before: Hashed, after: Hashed) -> U64s:
    """The word bigram across two messages (none when either has no word)."""
    if before.last is None or after.first is None:
        return _NONE
    pair = np.array([before.last], dtype=np.uint64) * _K + np.uint64(after.first)
    return _mix(pair, np.uint64(_SALT_BIGRAM))


_MASK = 2**64 - 1


def _boundary_bucket(before: Hashed, after: Hashed, size: int) -> tuple[int, float] | None:
    """``boundary``'s bucket and sign in plain integers (one hash: numpy's per-call cost
    would be most of it)."""
    if before.last is None or after.first is None:
        return None
    h = ((before.last * int(_K) + after.first) & _MASK) ^ _SALT_BIGRAM
    h = ((h ^ (h >> 33)) * int(_M1)) & _MASK
    h = ((h ^ (h >> 33)) * int(_M2)) & _MASK
    h ^= h >> 33
    return h & (size - 1), 1.0 - 2.0 * (h >> 63)


def buckets(h: U64s, size: int) -> tuple[Ints, Floats]:
    """Each hash's bucket (its low bits) and sign (its top bit)."""
    index = (h & np.uint64(size - 1)).astype(np.int64)
    sign = 1.0 - 2.0 * (h >> _S63).astype(np.float64)
    return index, sign


class _Part(NamedTuple):
    """A message's share of a score: each block's signed weight sum and n-gram count."""

    chars: float
    n_chars: int
    words: float
    n_words: int
    hashes: Hashed


@dataclass(frozen=True, slots=True)
class Score:
    """A probability, and whether the player's earlier messages were part of it."""

    probability: float
    joined: bool


class Classifier:
    """Weights over hashed n-grams; ``score`` rates a message (with the player's last
    ones) from 0, ordinary chat, to 1, an attempt to instruct QAI."""

    def __init__(
        self,
        weights: npt.ArrayLike,
        bias: float,
        threshold: float,
        meta: dict[str, Any] | None = None,
        *,
        join_threshold: float | None = None,
    ) -> None:
        self.weights: Floats = np.asarray(weights, dtype=np.float64)
        size = len(self.weights)
        if size < 2 or size & (size - 1):
            raise ValueError("the number of weights must be a power of two")
        self.bias = float(bias)
        self.threshold = float(threshold)
        # A join of messages is longer and more varied than one message, so it needs more.
        self.join_threshold = max(self.threshold, join_threshold or self.threshold)
        self.meta: dict[str, Any] = meta or {}
        self._part = functools.lru_cache(maxsize=4096)(self._compute_part)

    @classmethod
    def load(cls, path: Path | None = None) -> Classifier:
        """The model in ``path``, else the one shipped with the package."""
        if path is None:
            source = resources.files("qai_graph.memory.trust").joinpath(MODEL_FILE)
            with source.open("rb") as handle:
                data = dict(np.load(handle))
        else:
            with path.open("rb") as handle:
                data = dict(np.load(handle))
        weights = np.zeros(int(data["buckets"]), dtype=np.float64)
        weights[data["index"].astype(np.int64)] = data["value"].astype(np.float64)
        meta = json.loads(str(data["meta"]))
        join = float(data["join_threshold"])
        return cls(
            weights, float(data["bias"]), float(data["threshold"]), meta, join_threshold=join
        )

    def save(self, path: Path, meta: dict[str, Any]) -> None:
        """Write the model (its non-zero weights as float16) for ``load``."""
        nonzero = np.flatnonzero(np.abs(self.weights) >= 1e-5)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                buckets=np.int64(len(self.weights)),
                index=nonzero.astype(np.uint32),
                value=self.weights[nonzero].astype(np.float16),
                bias=np.float64(self.bias),
                threshold=np.float64(self.threshold),
                join_threshold=np.float64(self.join_threshold),
                meta=np.str_(json.dumps(meta, sort_keys=True)),
            )

    def with_threshold(self, threshold: float) -> Classifier:
        """The same weights with another threshold (QAI_MEMORY_TRUST_CLASSIFIER_THRESHOLD)."""
        if not 0 < threshold < 1:
            raise ValueError("a threshold is a probability between 0 and 1")
        join = self.join_threshold + threshold - self.threshold
        return Classifier(
            self.weights, self.bias, threshold, self.meta, join_threshold=min(join, 0.9999)
        )

    def _compute_part(self, text: str) -> _Part:
        h = hashed(text)
        n_chars = len(h.chars)
        index, sign = buckets(np.concatenate([h.chars, h.words]), len(self.weights))
        signed = self.weights[index] * sign
        return _Part(
            float(signed[:n_chars].sum()),
            n_chars,
            float(signed[n_chars:].sum()),
            len(signed) - n_chars,
            h,
        )

    def _probability(self, parts: Sequence[_Part]) -> float:
        chars = sum(p.chars for p in parts)
        n_chars = sum(p.n_chars for p in parts)
        words = sum(p.words for p in parts)
        n_words = sum(p.n_words for p in parts)
        for before, after in itertools.pairwise(parts):
            across = _boundary_bucket(before.hashes, after.hashes, len(self.weights))
            if across is not None:
                words += float(self.weights[across[0]]) * across[1]
                n_words += 1
        logit = self.bias
        if n_chars:
            logit += chars / math.sqrt(n_chars)
        if n_words:
            logit += words / math.sqrt(n_words)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))

    def parts(self, text: str, previous: Sequence[str] = ()) -> tuple[float, float, float]:
        """The probabilities of ``text`` alone, of the end of the player's ``previous``
        messages alone, and of the two joined (0 for both without previous messages)."""
        current = self._part(text)
        alone = self._probability([current])
        before = [self._part(p) for p in window(previous)]
        if not before:
            return alone, 0.0, 0.0
        return alone, self._probability(before), self._probability([*before, current])

    def score(self, text: str, *, previous: Sequence[str] = ()) -> Score:
        """How likely ``text`` (continuing the player's ``previous`` messages, oldest
        first) is an attempt to instruct QAI: the join's probability when it reaches the
        join threshold and this message does not dilute what came before, else the
        message's own."""
        alone, before, joined = self.parts(text, previous)
        if alone < self.threshold and joins(alone, before, joined, self.join_threshold):
            return Score(joined, True)
        return Score(alone, False)

    def suspects(self, text: str, *, previous: Sequence[str] = ()) -> Score | None:
        """The score when it reaches the threshold, else None."""
        found = self.score(text, previous=previous)
        return found if found.joined or found.probability >= self.threshold else None


def joins(alone: float, before: float, joined: float, join_threshold: float) -> bool:
    """Whether a join counts: it reaches its threshold, and the current message adds to
    what came before (so ordinary chat after a suspect message is not suspect for it)."""
    return joined >= join_threshold and joined > alone and joined >= before


def design(chains: Iterable[Sequence[str]], size: int) -> tuple[Ints, Ints, Floats]:
    """The sparse design matrix (row, column, value; duplicates add up) of messages given
    as chains (the player's earlier messages, then the current one), exactly as
    ``Classifier`` scores a chain. For training."""
    rows: list[Ints] = []
    cols: list[Ints] = []
    vals: list[Floats] = []
    for row, chain in enumerate(chains):
        parts = [hashed(text) for text in [*window(chain[:-1]), chain[-1]]]
        across = [boundary(a, b) for a, b in itertools.pairwise(parts)]
        blocks = (
            np.concatenate([p.chars for p in parts]),
            np.concatenate([p.words for p in parts] + across),
        )
        for block in blocks:
            if len(block):
                index, sign = buckets(block, size)
                rows.append(np.full(len(index), row, dtype=np.int64))
                cols.append(index)
                vals.append(sign / math.sqrt(len(index)))
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def digest(path: Path) -> str:
    """The sha256 of a file (the model's metadata names its training data's)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def default_classifier() -> Classifier:
    """The shipped model (loaded on first use)."""
    return Classifier.load()
