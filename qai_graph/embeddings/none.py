"""The lexical-only backend: no vectors at all."""

from __future__ import annotations

from collections.abc import Sequence

from qai_graph.embeddings.base import Vectors


class NoEmbedder:
    """``QAI_MEMORY_EMBEDDINGS=none``: recall ranks by words alone."""

    name = "none"
    dim = 0

    async def start(self) -> None:
        """Nothing to start."""

    async def close(self) -> None:
        """Nothing to close."""

    async def embed(self, texts: Sequence[str]) -> Vectors | None:
        """Never any vectors."""
        return None
