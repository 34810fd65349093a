"""The recall index's vectors: what stores a text's vector on an item, and reindex.

A mixin of :class:`~qai_graph.memory.recall.search.sync.RecallIndex` (kept apart so the
index's freshness rules read on their own); it uses the index's embedder, its model name,
its table client and ``observe``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from qai_graph.embeddings.base import Embedder, encode_vector
from qai_graph.memory.recall.search.doc import PROFILE
from qai_graph.memory.recall.search.documents import (
    MODEL_ATTRIBUTE,
    VECTOR_ATTRIBUTE,
    embed_text,
    kind_of,
)
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.store import keys, recall_feed
from qai_graph.store.client import DynamoClient


class VectorUpkeep:
    """Vectors for items being written, and for memories stored without one."""

    embedder: Embedder
    index: MemoryIndex
    _db: DynamoClient

    if TYPE_CHECKING:  # RecallIndex's own

        @property
        def model(self) -> str: ...

        def observe(self, item: Mapping[str, Any]) -> None: ...

    async def vector_attributes(self, text: str) -> dict[str, Any]:
        """The attributes that store ``text``'s vector on an item ({} without one)."""
        vectors = await self.embedder.embed([text]) if text.strip() else None
        if vectors is None:
            return {}
        return {VECTOR_ATTRIBUTE: encode_vector(vectors[0]), MODEL_ATTRIBUTE: self.model}

    async def vectors_for(self, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Vector attributes for many items (reindex), in order; {} where none."""
        texts = [embed_text(i) for i in items]
        vectors = await self.embedder.embed(texts) if texts else None
        if vectors is None:
            return [{} for _ in items]
        return [
            {VECTOR_ATTRIBUTE: encode_vector(v), MODEL_ATTRIBUTE: self.model}
            if text.strip() and kind_of(item) != PROFILE
            else {}
            for item, text, v in zip(items, texts, vectors, strict=True)
        ]

    async def reindex(
        self, progress: Callable[[int, int], None] | None = None, batch: int = 64
    ) -> tuple[int, int]:
        """Give every memory without a vector of this model one; idempotent.

        Returns (memories seen, vectors written). ``progress(seen, written)`` is called
        after each batch (the CLI draws a bar with it)."""
        if not self.index.dim:
            return 0, 0
        seen = written = 0
        async for page in recall_feed.scan_memories(self._db):
            todo = [
                i for i in page if kind_of(i) != PROFILE and i.get(MODEL_ATTRIBUTE) != self.model
            ]
            seen += len(page)
            for start in range(0, len(todo), batch):
                chunk = todo[start : start + batch]
                for item, attributes in zip(chunk, await self.vectors_for(chunk), strict=True):
                    if attributes and await recall_feed.set_vector(
                        self._db, *keys.item_key(item), attributes
                    ):
                        self.observe({**item, **attributes})
                        written += 1
            if progress is not None:
                progress(seen, written)
        return seen, written
