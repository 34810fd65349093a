"""``QAI_MEMORY_OBSERVER=none``: QAI forms nothing by itself (observations by hand only)."""

from __future__ import annotations

from qai_graph.observers.base import ExchangeView, Formed


class NoObserver:
    """Forms nothing."""

    name = "none"

    async def observe(self, exchange: ExchangeView) -> list[Formed]:
        """Nothing, always."""
        return []

    async def close(self) -> None:
        """Nothing to release."""
