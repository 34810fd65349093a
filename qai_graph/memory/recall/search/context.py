"""Turn context in ranking: a turn shares in the relevance of the turns around it.

A reply ("Yes! We went last weekend") says little by itself: the question it answers
says what it is about. So at query time a turn's BM25 score gains a share of its
previous turn's (``PREVIOUS_SHARE``), and its cosine moves part of the way towards its
previous or following turn's when that one is closer to the query (``SEMANTIC_PULL``).
Nothing of a neighbour is indexed with the turn: the index points to it (``threads``),
so no text is kept twice, the write path does no more work, and what a neighbour lends
is decided per query, for the asker.

Lifts only: a turn whose neighbours say nothing of the query scores as before. The
scores lent are those already masked to what the asker may see, so a withheld neighbour
(hidden, flagged or private and not theirs, a banned player's, expired) lends nothing.
Only sessions lend: a channel thread (chat without a session) is one room where the line
before is as often about something else; lending there cost the labelled chat set (no
sessions) MRR 0.76 -> 0.75, so its turns are context to read, not to rank by.

Measured on LoCoMo dev (five conversations, 762 questions, backfilled with real times,
tuned over a grid of shares): found@1/5/10 0.337/0.531/0.589 -> 0.373/0.566/0.625. A
share of the following turn's BM25 gained nothing (0.556 with 0.15), larger previous
shares no more (1.0: 0.562, 2.0: 0.552).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qai_graph.memory.recall.search.doc import F32
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.threads import I32

PREVIOUS_SHARE = 0.75  # of the previous turn's BM25 score
SEMANTIC_PULL = 0.5  # of the way towards a closer neighbour's cosine


def _at(values: F32, slots: I32, fill: float) -> F32:
    """``values[slots]``, ``fill`` where a slot is -1."""
    out: F32 = np.full(values.shape, fill, dtype=np.float32)
    has = slots >= 0
    out[has] = values[slots[has]]
    return out


def lexical(index: MemoryIndex, scores: F32) -> F32:
    """BM25 scores (0 where not visible), each session turn with its previous turn's share."""
    if not len(index.threads):
        return scores
    previous, _ = index.threads.links(scores.size)
    lent = PREVIOUS_SHARE * _at(scores, previous, 0.0)
    lent[index.threads.in_channel(scores.size)] = 0.0
    lifted: F32 = scores + lent
    return lifted


def semantic(index: MemoryIndex, cosine: F32, visible: npt.NDArray[np.bool_]) -> F32:
    """Cosines of session turns moved towards a visible neighbour's closer to the query."""
    if not len(index.threads):
        return cosine
    previous, following = index.threads.links(cosine.size)
    shown: F32 = np.where(visible, cosine, -1.0).astype(np.float32)
    nearest = np.maximum(_at(shown, previous, -1.0), _at(shown, following, -1.0))
    closer = np.maximum(nearest - cosine, 0.0)
    closer[index.threads.in_channel(cosine.size)] = 0.0
    pulled: F32 = (cosine + SEMANTIC_PULL * closer).astype(np.float32)
    return pulled
