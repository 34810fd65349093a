"""Choose the embeddings backend named by ``QAI_MEMORY_EMBEDDINGS``."""

from __future__ import annotations

from qai_graph.config import MemoryConfig
from qai_graph.embeddings.base import Embedder, SafeEmbedder
from qai_graph.embeddings.none import NoEmbedder


def make_embedder(config: MemoryConfig) -> SafeEmbedder:
    """The configured backend, wrapped so that its failures degrade to lexical recall."""
    backend: Embedder
    if config.embeddings == "local":
        from qai_graph.embeddings.local import LocalEmbedder

        backend = LocalEmbedder(dim=config.embeddings_dim or 128)
    elif config.embeddings == "bedrock":
        from qai_graph.embeddings.bedrock import BedrockEmbedder

        backend = BedrockEmbedder(
            model_id=config.bedrock_embedding_model,
            region=config.bedrock_region or config.dynamodb_region,
            endpoint=config.bedrock_endpoint,
            dim=config.embeddings_dim or 256,
            timeout_s=config.bedrock_timeout_s,
        )
    else:
        backend = NoEmbedder()
    return SafeEmbedder(backend)
