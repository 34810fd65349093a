"""The data's generation: what the fixes remember about the items holds for one of them.

Every write starts a new generation (the write wrappers in :mod:`..copy_on_write`, and
:func:`note_write` after every request that may write), which makes the remembered
scan order (patch 8, :mod:`.scan`) and item sizes (patch 11, :mod:`.items`) stale.
"""

from __future__ import annotations

from typing import Any

# One counter in a list, so that every module importing it shares (and bumps) the same.
GENERATION = [0]
# The scan order (patch 8) by id of the table: (generation, items, their keys).
SORTED_TABLES: dict[int, tuple[int, list[Any], list[Any]]] = {}


def note_write() -> None:
    """Called after every request that may write: the cached scan order is stale."""
    GENERATION[0] += 1
    SORTED_TABLES.clear()
