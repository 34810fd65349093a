"""Bedrock embeddings: Amazon Titan text embeddings through aioboto3's bedrock-runtime.

``amazon.titan-embed-text-v2:0`` takes ``dimensions`` (256, 512 or 1024) and
``normalize``; v1 always answers 1536 numbers. Titan embeds one text per call, so a
batch is that many concurrent calls (at most ``CONCURRENCY`` in flight). Failures are
raised; ``SafeEmbedder`` turns them into lexical-only recall with a warning.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

import aioboto3
import numpy as np
from aiobotocore.config import AioConfig

from qai_graph.embeddings.base import Vectors, normalise_rows

CONCURRENCY = 8
MAX_INPUT_CHARS = 20_000  # Titan v2 takes up to 8,192 tokens; chat memories are far shorter


class BedrockEmbedder:
    """``QAI_MEMORY_EMBEDDINGS=bedrock``."""

    def __init__(
        self,
        model_id: str,
        region: str,
        endpoint: str | None = None,
        dim: int = 256,
        timeout_s: float = 3.0,
    ) -> None:
        self.model_id = model_id
        self._region = region
        self._endpoint = endpoint
        self._dim = dim
        self._timeout = timeout_s
        self._stack: AsyncExitStack | None = None
        self._client: Any = None

    @property
    def name(self) -> str:
        """Model id stored beside vectors."""
        return f"bedrock-{self.model_id}-{self._dim}"

    @property
    def dim(self) -> int:
        """Vector length."""
        return self._dim

    async def start(self) -> None:
        """Open the bedrock-runtime client (few retries: a slow backend costs a reply)."""
        if self._client is not None:
            return
        config = AioConfig(
            connect_timeout=self._timeout,
            read_timeout=self._timeout,
            retries={"mode": "standard", "max_attempts": 2},
        )
        kwargs: dict[str, Any] = {"region_name": self._region, "config": config}
        if self._endpoint:
            kwargs["endpoint_url"] = self._endpoint
            if not os.environ.get("AWS_ACCESS_KEY_ID"):
                kwargs["aws_access_key_id"] = "local"  # a local stand-in accepts any
                kwargs["aws_secret_access_key"] = "local"
        stack = AsyncExitStack()
        self._client = await stack.enter_async_context(
            aioboto3.Session().client("bedrock-runtime", **kwargs)
        )
        self._stack = stack

    async def close(self) -> None:
        """Close the client."""
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = None
        self._client = None

    async def embed(self, texts: Sequence[str]) -> Vectors | None:
        """One call per text, concurrently; unit rows."""
        await self.start()
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(text: str) -> list[float]:
            async with gate:
                return await self._invoke(text)

        rows = await asyncio.gather(*(one(t) for t in texts))
        return normalise_rows(np.asarray(rows, dtype=np.float32))

    async def _invoke(self, text: str) -> list[float]:
        body: dict[str, Any] = {"inputText": text[:MAX_INPUT_CHARS] or " "}
        if "v2" in self.model_id:
            body.update({"dimensions": self._dim, "normalize": True})
        response = await self._client.invoke_model(
            modelId=self.model_id,
            body=json.dumps(body),
            contentType="application/json",
            accept="application/json",
        )
        payload = json.loads(await response["body"].read())
        vector = payload.get("embedding")
        if not isinstance(vector, list) or len(vector) != self._dim:
            raise ValueError(
                f"{self.model_id} answered {len(vector or [])} numbers, not {self._dim}"
            )
        return [float(x) for x in vector]
