"""Memories of a time: the hard window of ``since``/``until``, and the lift of a query's dates.

A memory spans from when it began to when it last happened (``MemoryIndex`` columns
``first`` and ``ts``): an interaction is a moment, an observation runs from its first
sighting to its last reinforcement, a profile from first seen to last seen. A memory is
of a period when its span meets the period (half-open: [start, end)).

- ``since``/``until`` (recall's arguments) filter: what lies wholly outside is not a
  candidate at all, so a window with nothing in it answers nothing.
- A date in the query ("on 31 July, 2023", "yesterday", "last stream") lifts the
  interactions and observations of its periods by DATE_BOOST and makes up to
  DATED_CANDIDATES of them candidates even when they share no word with the query ("what
  did I say yesterday" has no topic). It never filters: when nothing is of that period,
  the ranking is the one without the date. Profiles are not lifted (their span is a whole
  acquaintance, and would meet every period).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from qai_graph.memory.recall.search.doc import F32, INTERACTION, PROFILE
from qai_graph.memory.recall.search.index import MemoryIndex

# Relevance is scaled to [0, 1] by the best candidate: 0.5 puts a memory of the asked
# time that matches half as well as the best above the best from another time, as a
# named player's lift does (NAME_BOOST 0.75) for whom a question is about.
DATE_BOOST = 0.5
DATED_CANDIDATES = 300  # memories of the period joined, the most relevant (then newest)


def in_window(
    index: MemoryIndex, since: float | None, until: float | None
) -> npt.NDArray[np.bool_]:
    """Slots whose span meets [since, until) (either bound open when None)."""
    n = index.size
    mask = np.ones(n, dtype=np.bool_)
    if since is not None:
        mask &= index.column("ts") >= since
    if until is not None:
        mask &= index.column("first") < until
    return mask


def in_periods(index: MemoryIndex, periods: Sequence[tuple[float, float]]) -> npt.NDArray[np.bool_]:
    """Interactions and observations whose span meets any of ``periods``."""
    first, last = index.column("first"), index.column("ts")
    mask = np.zeros(index.size, dtype=np.bool_)
    for start, end in periods:
        mask |= (last >= start) & (first < end)
    mask &= index.column("kind") != PROFILE
    return mask


def with_dated(
    index: MemoryIndex,
    periods: Sequence[tuple[float, float]],
    visible: npt.NDArray[np.bool_],
    relevance: F32,
    cand: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_] | None, int]:
    """The candidates with up to DATED_CANDIDATES visible memories of ``periods`` joined
    (the most relevant, then the newest), the mask of those memories (None without
    periods) and how many joined."""
    if not periods:
        return cand, None, 0
    dated = in_periods(index, periods) & visible
    slots = np.nonzero(dated)[0]
    if slots.size > DATED_CANDIDATES:
        # The most relevant, ties (often all of them: no word matched) to the newest; one
        # argpartition (a lexsort of a year's memories cost ~15 ms at 100k).
        times = index.column("ts")[slots]
        span = max(float(times.max() - times.min()), 1.0)
        key = relevance[slots].astype(np.float64) + 1e-6 * (times - times.min()) / span
        slots = slots[np.argpartition(-key, DATED_CANDIDATES - 1)[:DATED_CANDIDATES]]
    known = np.zeros(index.size, dtype=np.bool_)
    known[cand] = True
    joined = slots[~known[slots]].astype(np.int64, copy=False)
    if joined.size == 0:
        return cand, dated, 0
    return np.sort(np.concatenate((cand, joined))), dated, int(joined.size)


def interaction_times(index: MemoryIndex, asker: str | None, now: float) -> list[float]:
    """When the asker's interactions were said (a player key; everyone's visible ones
    without), up to ``now``, oldest first: the sessions "last stream" is read from."""
    kinds, times = index.column("kind"), index.column("ts")
    if asker:
        own = [s for s in index.slots_of([asker], players=True) if kinds[s] == INTERACTION]
        said = times[np.asarray(own, dtype=np.int64)]
    else:
        said = times[index.visible(time.time()) & (kinds == INTERACTION)]
    ordered: list[float] = np.sort(said[said <= now]).tolist()
    return ordered
