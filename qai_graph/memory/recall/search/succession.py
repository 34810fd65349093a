"""Superseded observations in the ranking: never above the observation that replaced them.

Formation marks an older observation ``superseded_by`` a newer one of the same subject
("loves burgers" after "is vegan now"). For every query:
- the superseded observation keeps SUPERSEDED_FACTOR (half) of its score: it still
  answers a question about the past, but below anything comparably relevant that is
  still true;
- its successor, when the asker may see it, joins the candidates even if it shares no
  word with the query, and ranks at least SUPERSEDE_MARGIN above it (along a chain of
  supersessions too, at most SUPERSEDE_CHAIN long). A question that matches only the old
  words ("burgers with cheese") so gets the current state first;
- after the ranking's other lifts (a newer observation of the same topic above an older
  one) every superseded hit is capped below its successor's score again.

So the superseded one is never above its successor for the same query, and a top-k cut
that keeps it keeps its successor (scores are strictly greater).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from qai_graph.memory.recall.search.doc import F32, OBSERVATION
from qai_graph.memory.recall.search.index import MemoryIndex

if TYPE_CHECKING:
    from qai_graph.memory.recall.search.ranking import Hit

SUPERSEDE_MARGIN = 0.01  # also the ranking's margin of a newer observation over an older
SUPERSEDED_FACTOR = 0.5
SUPERSEDE_CHAIN = 8  # supersessions followed from one observation (a guard against cycles)


def with_successors(
    index: MemoryIndex, cand: npt.NDArray[np.int64], visible: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], list[tuple[int, int]], int]:
    """The candidates plus the visible successors of their superseded observations
    (sorted, when any), the (superseded, successor) slot pairs, and how many joined."""
    superseded = index.column("superseded")
    todo = [int(s) for s in cand[superseded[cand]]]
    if not todo:
        return cand, [], 0
    seen = set(cand.tolist())
    pairs: list[tuple[int, int]] = []
    joined: list[int] = []
    for _ in range(SUPERSEDE_CHAIN):
        following: list[int] = []
        for old in todo:
            new = index.superseder_of(old)
            if new is None or not visible[new] or new == old:
                continue
            pairs.append((old, new))
            if new not in seen:
                seen.add(new)
                joined.append(new)
                if superseded[new]:
                    following.append(new)
        if not following:
            break
        todo = following
    merged = np.union1d(cand, np.asarray(joined, dtype=np.int64))
    return merged.astype(np.int64, copy=False), pairs, len(joined)


def demote_superseded(
    index: MemoryIndex,
    cand: npt.NDArray[np.int64],
    score: F32,
    pairs: Sequence[tuple[int, int]],
) -> None:
    """Scale superseded candidates down, then lift each successor above what it
    superseded (``cand`` is sorted whenever there are pairs: positions by bisection)."""
    mask = index.column("superseded")[cand]
    if not mask.any():
        return
    old = score[mask]
    score[mask] = np.where(old > 0, old * SUPERSEDED_FACTOR, old - SUPERSEDE_MARGIN)
    at = {slot: int(np.searchsorted(cand, slot)) for pair in pairs for slot in pair}
    for _ in range(SUPERSEDE_CHAIN):  # a chain a -> b -> c settles in as many rounds
        changed = False
        for old_slot, new_slot in pairs:
            target = score[at[old_slot]] + SUPERSEDE_MARGIN
            if score[at[new_slot]] < target:
                score[at[new_slot]] = target
                changed = True
        if not changed:
            break


def below_successors(hits: Sequence[Hit]) -> None:
    """After the topic lifts: every superseded hit stays below its successor's."""
    by_id = {(h.doc.pk, h.doc.ident): h for h in hits if h.doc.kind == OBSERVATION}
    for _ in range(SUPERSEDE_CHAIN):
        changed = False
        for hit in by_id.values():
            if hit.doc.superseded_by is None:
                continue
            successor = by_id.get((hit.doc.pk, hit.doc.superseded_by))
            if successor is not None and successor is not hit:
                ceiling = successor.score - SUPERSEDE_MARGIN
                if hit.score > ceiling:
                    hit.score = ceiling
                    changed = True
        if not changed:
            break
