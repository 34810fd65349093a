"""A recall index of items, for the ranking tests (no store, no embedder)."""

from __future__ import annotations

from typing import Any

import numpy as np

from qai_graph.memory.recall.search.documents import to_doc
from qai_graph.memory.recall.search.index import MemoryIndex


def build_index(
    *items: dict[str, Any], vectors: dict[str, list[float]] | None = None
) -> MemoryIndex:
    """The index of ``items`` (each must be a memory); ``vectors``: a raw vector per
    memory id, normalised here (no vectors: a lexical-only index)."""
    dim = len(next(iter(vectors.values()))) if vectors else 0
    index = MemoryIndex(dim)
    for item in items:
        doc = to_doc(item)
        assert doc is not None
        vector = None
        if vectors and doc.ident in vectors:
            raw = np.asarray(vectors[doc.ident], dtype=np.float32)
            vector = raw / np.linalg.norm(raw)
        index.upsert(doc, vector)
    return index
