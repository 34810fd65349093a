"""Embeddings: text -> unit vectors, behind one small interface.

``memory/`` sees only ``Embedder`` (``base.py``) and ``make_embedder``; the backends are
chosen by ``QAI_MEMORY_EMBEDDINGS``:

- ``local`` (default): wordllama's static embeddings, whose weights and tokenizer ship
  inside its PyPI wheel; loaded from the package folder, never downloaded.
- ``bedrock``: Amazon Titan text embeddings through aioboto3's ``bedrock-runtime``.
- ``none``: no vectors; recall is lexical only.

A backend module is imported only when chosen, so ``none`` never loads numpy models
and ``local`` never imports boto.
"""

from __future__ import annotations

from qai_graph.embeddings.base import Embedder, SafeEmbedder, decode_vector, encode_vector
from qai_graph.embeddings.factory import make_embedder

__all__ = ["Embedder", "SafeEmbedder", "decode_vector", "encode_vector", "make_embedder"]
