"""Turn context in ranking: a turn shares in the relevance of the turns around it.

A reply ("Yes! We went last weekend") says little by itself: the question it answers
says what it is about. So at query time a turn's BM25 score gains a share of its
previous turn's (``PREVIOUS_SHARE``), and its cosine moves part of the way towards its
previous or following turn's when that one is closer to the query and related to it at
all (``SEMANTIC_PULL``). Both are sparse: only the neighbours of what matched change.
Nothing of a neighbour is indexed with the turn: the index points to it (``threads``),
so no text is kept twice, the write path does no more work, and what a neighbour lends
is decided per query, for the asker.

Lifts only: a turn whose neighbours say nothing of the query scores as before. The
scores lent are those already masked to what the asker may see, so a withheld neighbour
(hidden, flagged or private and not theirs, a banned player's, expired) lends nothing.
Only sessions lend: a channel thread (chat without a session) is one room where the line
before is as often about something else; lending there cost the labelled chat set (no
sessions) MRR 0.76 -> 0.75, so its turns are context to read, not to rank by.

Measured on LoCoMo dev (five conversations, 762 questions, backfilled with real times;
docs/recall-context.md): found@1/5/10 0.337/0.531/0.589 -> 0.370/0.562/0.626. A share of
the following turn's BM25 gained nothing (0.556 with 0.15), larger previous shares no
more (1.0: 0.564, 2.0: 0.552); pulling every slot's cosine (dense) found 0.566 and
doubled ``rank``'s time at 100,000 memories, where the sparse lifts add ~0.7 ms.

A question asks, its answer tells (``answered``): the turn right after a turn that only
asks (every sentence of some length in it a question) is at least as relevant as the
question, so the answer, not the question, takes the place of the two. LoCoMo dev
found@1/5/10 0.461 / 0.752-0.755 / 0.815 -> 0.474 / 0.765 / 0.819 (docs/recall.md,
"2026-12-07 evening"); every turn ending '?' counted as a question cost temporal 0.025 at
5 (most of those also tell), and demoting the question itself gained nothing.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qai_graph.memory.recall.search.doc import F32
from qai_graph.memory.recall.search.index import MemoryIndex

PREVIOUS_SHARE = 0.75  # of the previous turn's BM25 score
SEMANTIC_PULL = 0.5  # of the way towards a closer neighbour's cosine
ANSWER_SHARE = 1.0  # of a question's relevance its reply gets at least (see ``answered``)


def lexical(index: MemoryIndex, scores: F32) -> F32:
    """BM25 scores (0 where not visible), each session turn with its previous turn's share.

    Sparse: only turns that follow a matching turn change (each turn follows one turn)."""
    if not len(index.threads):
        return scores
    _, following = index.threads.links(scores.size)
    donors = np.flatnonzero(scores)
    takers = following[donors]
    keep = takers >= 0
    donors, takers = donors[keep], takers[keep]
    keep = ~index.threads.in_channel(scores.size)[takers]
    lifted = scores.copy()
    lifted[takers[keep]] += PREVIOUS_SHARE * scores[donors[keep]]
    return lifted


def semantic(
    index: MemoryIndex, cosine: F32, visible: npt.NDArray[np.bool_], related: float
) -> F32:
    """Cosines of session turns moved towards a visible neighbour's closer to the query;
    only a neighbour at least ``related`` (ranking's floor of relatedness) pulls."""
    if not len(index.threads):
        return cosine
    previous, following = index.threads.links(cosine.size)
    donors = np.flatnonzero(visible & (cosine >= related))
    channel = index.threads.in_channel(cosine.size)
    pulled = cosine.copy()
    for links in (following, previous):  # the turn after each donor, then the one before
        takers = links[donors]
        keep = takers >= 0
        given, takers = donors[keep], takers[keep]
        keep = ~channel[takers]
        given, takers = given[keep], takers[keep]
        towards = cosine[takers] + SEMANTIC_PULL * (cosine[given] - cosine[takers])
        pulled[takers] = np.maximum(pulled[takers], towards)
    return pulled


def answered(index: MemoryIndex, relevance: F32, visible: npt.NDArray[np.bool_]) -> F32:
    """A question asks, its answer tells: the visible session turn right after a turn
    that only asks (``text.asks``) is at least as relevant as that question, so the reply
    ranks first (the newer of a tie) and the question right after it. Sparse: only the
    turns after matching questions change."""
    if not len(index.threads):
        return relevance
    _, following = index.threads.links(relevance.size)
    questions = np.flatnonzero(index.column("asks") & visible & (relevance > 0))
    replies = following[questions]
    keep = replies >= 0
    questions, replies = questions[keep], replies[keep]
    keep = visible[replies] & ~index.threads.in_channel(relevance.size)[replies]
    questions, replies = questions[keep], replies[keep]
    lifted = relevance.copy()
    lifted[replies] = np.maximum(lifted[replies], ANSWER_SHARE * relevance[questions])
    return lifted
