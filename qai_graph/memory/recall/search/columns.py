"""A growable numpy column: one value per index slot (the index's numbers, the links
between turns)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

INITIAL = 1024


class Grow:
    """A numpy column that doubles when full."""

    def __init__(self, dtype: npt.DTypeLike, fill: float | bool = 0) -> None:
        self.data = np.full(INITIAL, fill, dtype=dtype)
        self.fill = fill

    def ensure(self, size: int) -> None:
        """Room for ``size`` slots (new ones hold the fill value)."""
        if size > len(self.data):
            grown = np.full(max(size, 2 * len(self.data)), self.fill, dtype=self.data.dtype)
            grown[: len(self.data)] = self.data
            self.data = grown
