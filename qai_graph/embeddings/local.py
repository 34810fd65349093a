"""Local embeddings: wordllama's static model, shipped inside its wheel.

wordllama 0.4 ships ``l2_supercat`` (256-d weights and its tokenizer) in the package
folder. Its loader looks for the tokenizer under ``tokenizer/`` (singular) first, then in
the cache folder, then downloads: loading with ``cache_dir`` = the package folder and
``disable_download=True`` finds the shipped files and can never reach the network.
A static model embeds a short text in well under a millisecond on one core, so it runs
inline on the event loop; loading (~0.1-1 s) runs in a thread at start.

Its tokenizer's BPE cache is turned off. The Llama tokenizer has no pre-tokenizer, so
the cache's key is a whole text: a chat line is rarely seen twice, the cache misses, and
its 10,000 entries (each the text's symbols) held 35-80 MB of native heap once ~40,000
memories were embedded. Without it a query's embedding takes ~6 us more; the ids, so
the vectors, are the same (a cache only memoises).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qai_graph.embeddings.base import Vectors, normalise_rows

MODEL = "l2_supercat"


class LocalEmbedder:
    """``QAI_MEMORY_EMBEDDINGS=local``: wordllama ``l2_supercat``, optionally truncated."""

    def __init__(self, dim: int = 128) -> None:
        self._dim = dim
        self._model: Any = None

    @property
    def name(self) -> str:
        """Model id stored beside vectors (the dimension is part of it)."""
        return f"wordllama-{MODEL}-{self._dim}"

    @property
    def dim(self) -> int:
        """Vector length."""
        return self._dim

    async def start(self) -> None:
        """Load the shipped weights (in a thread: it reads ~16 MB)."""
        if self._model is None:
            self._model = await asyncio.to_thread(self.load)

    def load(self) -> Any:
        """The model, from the package's own files only (once per process and size: it
        is read-only, so services in one process, as in the tests, share it)."""
        return _load(self._dim)

    async def close(self) -> None:
        """Drop the model."""
        self._model = None

    async def embed(self, texts: Sequence[str]) -> Vectors | None:
        """Unit rows, one per text."""
        if self._model is None:
            await self.start()
        vectors = self._model.embed(list(texts), norm=False)
        return normalise_rows(vectors)


@functools.cache
def _load(dim: int) -> Any:
    import wordllama  # type: ignore[import-untyped]
    from wordllama import WordLlama

    model = WordLlama.load(
        config=MODEL,
        dim=256,
        trunc_dim=None if dim == 256 else dim,
        cache_dir=Path(wordllama.__file__).parent,
        disable_download=True,
    )
    uncache(model.tokenizer)
    return model


def uncache(tokenizer: Any) -> None:
    """Turn a tokenizer's model cache off (capacity 0: nothing is stored); a tokenizers
    release without the hook keeps its cache."""
    resize = getattr(tokenizer.model, "_resize_cache", None)
    if resize is not None:
        resize(0)
