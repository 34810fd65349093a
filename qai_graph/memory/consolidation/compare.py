"""Whether a value consolidation would write is already stored (a re-run writes nothing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TOLERANCE = 1e-9


def same(stored: Any, planned: Any) -> bool:
    """True when ``planned`` equals ``stored`` as read back (numbers as numbers)."""
    if isinstance(stored, bool) or isinstance(planned, bool):
        return stored is planned
    if isinstance(stored, int | float) and isinstance(planned, int | float):
        return abs(float(stored) - float(planned)) <= TOLERANCE
    if isinstance(stored, Mapping) and isinstance(planned, Mapping):
        return stored.keys() == planned.keys() and all(same(stored[k], planned[k]) for k in stored)
    if isinstance(stored, list | tuple) and isinstance(planned, list | tuple):
        return len(stored) == len(planned) and all(
            same(a, b) for a, b in zip(stored, planned, strict=True)
        )
    return bool(stored == planned)
