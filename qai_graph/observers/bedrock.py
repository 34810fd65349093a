"""``QAI_MEMORY_OBSERVER=bedrock``: the seed's observation prompt through Bedrock's Converse API.

The client is opened on first use as ``embeddings/bedrock.py`` opens its own:
``bedrock_region`` (unset: ``dynamodb_region``), ``bedrock_endpoint`` for a stand-in,
``observer_timeout_s`` per attempt and two attempts at most (formation runs off the bot's
path, but a model that is down should cost seconds, not minutes, before the local rules
take over). Any failure is raised; ``factory.FallbackObserver`` degrades to ``local``.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import aioboto3
from aiobotocore.config import AioConfig

from qai_graph.config import MemoryConfig
from qai_graph.observers.base import Observer
from qai_graph.observers.prompting import MAX_TOKENS, ModelObserver

if TYPE_CHECKING:
    from types_aiobotocore_bedrock_runtime import BedrockRuntimeClient
    from types_aiobotocore_bedrock_runtime.type_defs import ConverseResponseTypeDef

# The model declined (a guardrail or a content filter): nothing to keep, not a failure.
DECLINED = frozenset({"guardrail_intervened", "content_filtered"})


class BedrockObserver(ModelObserver):
    """One Converse call per sampled exchange."""

    def __init__(
        self,
        *,
        model_id: str,
        local: Observer,
        sample_rate: float,
        region: str,
        endpoint: str | None = None,
        timeout_s: float = 5.0,
    ) -> None:
        super().__init__(model_id=model_id, local=local, sample_rate=sample_rate)
        self._region = region
        self._endpoint = endpoint
        self._timeout = timeout_s
        self._stack: AsyncExitStack | None = None
        self._client: BedrockRuntimeClient | None = None
        self._opening = asyncio.Lock()

    @classmethod
    def from_config(cls, config: MemoryConfig, local: Observer) -> BedrockObserver:
        """The observer the settings describe; nothing is opened until the first call."""
        return cls(
            model_id=config.bedrock_observer_model,
            local=local,
            sample_rate=config.observation_sample_rate,
            region=config.bedrock_region or config.dynamodb_region,
            endpoint=config.bedrock_endpoint,
            timeout_s=config.observer_timeout_s,
        )

    @property
    def name(self) -> str:
        """``bedrock``."""
        return "bedrock"

    async def client(self) -> BedrockRuntimeClient:
        """The bedrock-runtime client, opened once (tests stub it with botocore's Stubber)."""
        async with self._opening:  # formation may ask concurrently: open one client
            if self._client is None:
                config = AioConfig(
                    connect_timeout=self._timeout,
                    read_timeout=self._timeout,
                    retries={"mode": "standard", "max_attempts": 2},
                )
                kwargs: dict[str, Any] = {"region_name": self._region, "config": config}
                if self._endpoint:
                    kwargs["endpoint_url"] = self._endpoint
                    if not os.environ.get("AWS_ACCESS_KEY_ID"):
                        kwargs["aws_access_key_id"] = "local"  # a stand-in accepts any
                        kwargs["aws_secret_access_key"] = "local"
                stack = AsyncExitStack()
                self._client = await stack.enter_async_context(
                    aioboto3.Session().client("bedrock-runtime", **kwargs)
                )
                self._stack = stack
            return self._client

    async def close(self) -> None:
        """Close the client (idempotent)."""
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = None
        self._client = None

    async def _ask(self, system: str, user: str) -> str:
        client = await self.client()
        response = await client.converse(
            modelId=self.model_id,
            system=[{"text": system}],
            messages=[{"role": "user", "content": [{"text": user}]}],
            inferenceConfig={"maxTokens": MAX_TOKENS, "temperature": 0.0},
        )
        return answer_text(response)


def answer_text(response: ConverseResponseTypeDef) -> str:
    """The text of a Converse answer; "" when the model declined; ValueError if malformed."""
    if response.get("stopReason") in DECLINED:
        return ""
    try:
        blocks = response["output"]["message"]["content"]
    except (KeyError, TypeError) as exc:
        raise ValueError("Converse answered without an output message") from exc
    texts = [b["text"] for b in blocks if isinstance(b, dict) and isinstance(b.get("text"), str)]
    if not texts:
        raise ValueError("Converse answered no text")
    return "\n".join(texts)
