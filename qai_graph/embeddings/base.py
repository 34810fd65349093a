"""The Embedder interface, its fail-soft wrapper, and the stored vector format.

Vectors are L2-normalised float32 in memory and stored on items as float16 bytes
(half the size, and cosine similarity of normalised float16 vectors differs from
float32 by < 0.001: ranking does not notice).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
WARN_EVERY_S = 60.0  # a backend that is down warns once a minute, not once a message


class Embedder(Protocol):
    """Turns texts into unit vectors (rows), or None when it cannot right now."""

    @property
    def name(self) -> str:
        """The model's id, stored beside each vector: vectors of two models never mix."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector (0 for the lexical-only backend)."""
        ...

    async def start(self) -> None:
        """Load the model or open the client (idempotent)."""
        ...

    async def close(self) -> None:
        """Release what ``start`` opened."""
        ...

    async def embed(self, texts: Sequence[str]) -> Vectors | None:
        """One L2-normalised row per text; None when the backend has no vectors to give."""
        ...


def normalise_rows(vectors: npt.NDArray[np.floating]) -> Vectors:
    """Rows scaled to unit length (a zero row stays zero)."""
    rows = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    scaled: Vectors = rows / norms
    return scaled


def encode_vector(vector: npt.NDArray[np.floating]) -> bytes:
    """A vector as little-endian float16 bytes, the form stored on items."""
    return np.asarray(vector, dtype="<f2").tobytes()


def decode_vector(data: bytes, dim: int) -> Vectors | None:
    """Stored bytes back to a float32 vector; None when the length does not fit ``dim``."""
    if dim <= 0 or len(data) != 2 * dim:
        return None
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


class SafeEmbedder:
    """Wraps a backend so that its failures degrade recall to lexical, never break it.

    Any exception while starting or embedding is logged as a warning (at most once per
    ``WARN_EVERY_S``) and answered with None; the caller then ranks without vectors and
    writes items without them (``qai-graph reindex`` fills them in later).
    """

    def __init__(self, backend: Embedder) -> None:
        self.backend = backend
        self._last_warning = -WARN_EVERY_S
        self._started = False

    @property
    def name(self) -> str:
        """The backend's model id."""
        return self.backend.name

    @property
    def dim(self) -> int:
        """The backend's vector length."""
        return self.backend.dim

    async def start(self) -> None:
        """Start the backend; a failure is a warning, and ``embed`` retries the start."""
        try:
            await self.backend.start()
            self._started = True
        except Exception as exc:
            self._warn("could not start", exc)

    async def close(self) -> None:
        """Close the backend."""
        try:
            await self.backend.close()
        except Exception as exc:
            self._warn("could not close", exc)

    async def embed(self, texts: Sequence[str]) -> Vectors | None:
        """The backend's vectors, or None (with a rate-limited warning) when it fails."""
        if self.dim <= 0 or not texts:
            return None
        try:
            if not self._started:
                await self.backend.start()
                self._started = True
            vectors = await self.backend.embed(texts)
        except Exception as exc:
            self._warn("failed; recall falls back to lexical ranking", exc)
            return None
        if vectors is None or vectors.shape != (len(texts), self.dim):
            return None
        return vectors

    def _warn(self, what: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_S:
            self._last_warning = now
            logger.warning("embeddings backend %s %s: %s", self.backend.name, what, exc)
