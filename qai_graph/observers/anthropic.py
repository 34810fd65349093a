"""``QAI_MEMORY_OBSERVER=anthropic``: the seed's observation prompt through Anthropic's
Messages API (``POST {anthropic_base_url}/v1/messages``), over httpx (already the chat
client's dependency).

The key is ``anthropic_api_key``, else ``ANTHROPIC_API_KEY`` from the environment, read
when the observer is built; it travels only in the ``x-api-key`` header, never in a log
or an error. ``observer_timeout_s`` bounds each phase of a request; a refused connection
is tried once more, any other failure (429, 5xx, a timeout, a malformed body, no key) is
raised at once and ``factory.FallbackObserver`` degrades to ``local``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import httpx

from qai_graph.config import MemoryConfig
from qai_graph.observers.base import Observer
from qai_graph.observers.prompting import MAX_TOKENS, ModelObserver

API_VERSION = "2023-06-01"
# The model declined to answer: nothing to keep, not a failure.
DECLINED = frozenset({"refusal"})


class AnthropicObserver(ModelObserver):
    """One Messages call per sampled exchange."""

    def __init__(
        self,
        *,
        model_id: str,
        local: Observer,
        sample_rate: float,
        api_key: str,
        base_url: str = "https://api.anthropic.com",
        timeout_s: float = 5.0,
    ) -> None:
        super().__init__(model_id=model_id, local=local, sample_rate=sample_rate)
        self._key = api_key
        self._url = base_url.rstrip("/") + "/v1/messages"
        self._timeout = timeout_s
        self._client: httpx.AsyncClient | None = None
        self._opening = asyncio.Lock()

    @classmethod
    def from_config(cls, config: MemoryConfig, local: Observer) -> AnthropicObserver:
        """The observer the settings describe; nothing is opened until the first call."""
        return cls(
            model_id=config.anthropic_model,
            local=local,
            sample_rate=config.observation_sample_rate,
            api_key=config.anthropic_api_key or os.environ.get("ANTHROPIC_API_KEY", ""),
            base_url=config.anthropic_base_url,
            timeout_s=config.observer_timeout_s,
        )

    @property
    def name(self) -> str:
        """``anthropic``."""
        return "anthropic"

    async def _http(self) -> httpx.AsyncClient:
        async with self._opening:  # formation may ask concurrently: open one client
            if self._client is None:
                self._client = httpx.AsyncClient(
                    timeout=httpx.Timeout(self._timeout),
                    transport=httpx.AsyncHTTPTransport(retries=1),  # connect errors only
                )
            return self._client

    async def close(self) -> None:
        """Close the HTTP client (idempotent)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def _ask(self, system: str, user: str) -> str:
        if not self._key:
            raise RuntimeError("no Anthropic API key (QAI_MEMORY_ANTHROPIC_API_KEY)")
        client = await self._http()
        response = await client.post(
            self._url,
            headers={"x-api-key": self._key, "anthropic-version": API_VERSION},
            json={
                "model": self.model_id,
                "max_tokens": MAX_TOKENS,
                "temperature": 0.0,
                "system": system,
                "messages": [{"role": "user", "content": user}],
            },
        )
        response.raise_for_status()
        return answer_text(response.json())


def answer_text(body: Any) -> str:
    """The text of a Messages answer; "" when the model declined; ValueError if malformed."""
    if not isinstance(body, dict):
        raise ValueError("Messages answered something other than an object")
    if body.get("stop_reason") in DECLINED:
        return ""
    blocks = body.get("content")
    if not isinstance(blocks, list):
        raise ValueError("Messages answered without content")
    texts = [
        b["text"]
        for b in blocks
        if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
    ]
    if not texts:
        raise ValueError("Messages answered no text")
    return "\n".join(texts)
