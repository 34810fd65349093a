"""Cover, don't repeat: the top k chosen by maximal marginal relevance (MMR) over near-copies.

An answer spread over several turns needs several of them, and a ranking by relevance
alone can fill the top k with copies of one: an observation and the exchange it was
formed from, the same line said twice, a session summary and its turns. MMR (Carbonell
and Goldstein, 1998) picks greedily from the ranked pool the memory that maximises

    weight * score / best score  -  (1 - weight) * its likeness to the closest one picked

so ``weight`` (``recall_diversity``) 1.0 is the plain ranking. Likeness counts only
copies, measured on LoCoMo's dev questions (``bench/locomo.py``): plain cosine, the
textbook MMR, cost found@5 at every weight (0.538 -> 0.530 at 0.8, 0.518 at 0.7) and
covered fewer evidence turns, because the turns one answer needs are alike in topic. So:
- two memories of the same provenance are copies (likeness 1): an interaction's id and
  line, an observation's newest source (the index keeps that one);
- else the cosine of their vectors (the Jaccard overlap of their stems when either has
  none: ``QAI_MEMORY_EMBEDDINGS=none``) counts only above NEAR_COPY, scaled to [0, 1].
The order keeps succession's promise: a superseded observation is never picked before
its successor when both are in the pool (see ``succession``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from qai_graph.memory.recall.search.doc import F32, INTERACTION, OBSERVATION, Doc
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.succession import SUPERSEDE_CHAIN

if TYPE_CHECKING:
    from qai_graph.memory.recall.search.ranking import Hit

NEAR_COPY = 0.95  # likeness below which two memories are not copies (cosine or Jaccard)
POOL_PER_PICK = 3  # MMR picks from the best 3 * limit (at least 20) of the ranked pool


def diversify(hits: Sequence[Hit], index: MemoryIndex, limit: int, weight: float) -> list[Hit]:
    """The ``limit`` hits MMR picks from ``hits`` (ranked best first), in picking order."""
    if weight >= 1.0 or len(hits) <= 1 or limit <= 1:
        return list(hits[:limit])
    pool = list(hits[: max(POOL_PER_PICK * limit, 20)])
    alike = _likeness(pool, index)
    if not alike.any():
        return pool[:limit]  # no copies: the plain ranking
    relevance = np.asarray([h.score for h in pool], dtype=np.float32) / max(pool[0].score, 1e-9)
    successor_at = _successors(pool)
    nearest = np.zeros(len(pool), dtype=np.float32)  # likeness to the closest one picked
    taken = np.zeros(len(pool), dtype=np.bool_)
    picked: list[int] = []
    while len(picked) < min(limit, len(pool)):
        value = weight * relevance - (1 - weight) * nearest
        value[taken] = -np.inf
        choice = int(np.argmax(value))
        for _ in range(SUPERSEDE_CHAIN):  # its successor first, along a chain
            successor = successor_at.get(choice)
            if successor is None or taken[successor]:
                break
            choice = successor
        picked.append(choice)
        taken[choice] = True
        np.maximum(nearest, alike[choice], out=nearest)
    return [pool[i] for i in picked]


def _likeness(pool: Sequence[Hit], index: MemoryIndex) -> F32:
    """How much each pair of the pool are copies, in [0, 1] (0 on the diagonal): 1 for
    the same provenance, else cosine (Jaccard of stems without vectors) above NEAR_COPY."""
    size = len(pool)
    vectors = [index.vector_of(index.slots[(h.doc.pk, h.doc.sk)]) for h in pool]
    has = np.asarray([v is not None for v in vectors], dtype=np.bool_)
    similar = np.zeros((size, size), dtype=np.float32)
    if has.any():
        matrix = np.stack(
            [v if v is not None else np.zeros(index.dim, np.float32) for v in vectors]
        )
        similar = (matrix @ matrix.T).astype(np.float32)
    if not has.all():
        stems = [frozenset(h.doc.terms) for h in pool]
        for i in range(size):
            for j in range(i + 1, size):
                if not (has[i] and has[j]):
                    union = len(stems[i] | stems[j])
                    shared = len(stems[i] & stems[j]) / union if union else 0.0
                    similar[i, j] = similar[j, i] = shared
    alike: F32 = np.clip((similar - NEAR_COPY) / (1.0 - NEAR_COPY), 0.0, 1.0)
    origins = [_origin(h.doc) for h in pool]
    for i, mine in enumerate(origins):
        for j in range(i + 1, size):
            if mine & origins[j]:
                alike[i, j] = alike[j, i] = 1.0
    np.fill_diagonal(alike, 0.0)
    return alike


def _origin(doc: Doc) -> frozenset[str]:
    """What a memory was said in: an interaction's id and line, an observation's newest
    source (an observation and the exchange it was formed from say the same thing)."""
    if doc.kind == OBSERVATION and doc.source is not None:
        interaction, line, _ = doc.source
        return frozenset(x for x in (interaction, line) if x)
    if doc.kind == INTERACTION:
        return frozenset(x for x in (doc.ident, doc.line_id) if x)
    return frozenset()


def _successors(pool: Sequence[Hit]) -> dict[int, int]:
    """Pool position of a superseded observation -> its successor's, when both are in it."""
    at = {(h.doc.pk, h.doc.ident): i for i, h in enumerate(pool) if h.doc.kind == OBSERVATION}
    found = {}
    for i, hit in enumerate(pool):
        if hit.doc.superseded_by is not None:
            successor = at.get((hit.doc.pk, hit.doc.superseded_by))
            if successor is not None and successor != i:
                found[i] = successor
    return found
