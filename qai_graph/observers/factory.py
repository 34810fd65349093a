"""Choose the observer named by ``QAI_MEMORY_OBSERVER``, wrapped to fail soft."""

from __future__ import annotations

import logging
import time

from qai_graph.config import MemoryConfig
from qai_graph.observers.base import ExchangeView, Formed, Observer
from qai_graph.observers.none import NoObserver

logger = logging.getLogger(__name__)
WARN_EVERY_S = 60.0  # a model that is down warns once a minute, not once a message


class FallbackObserver:
    """A model backend that degrades to the local rules when it fails: never an error."""

    def __init__(self, primary: Observer, fallback: Observer) -> None:
        self._primary = primary
        self._fallback = fallback
        self._warned_at = -WARN_EVERY_S
        self.failures = 0

    @property
    def name(self) -> str:
        """The configured backend's name."""
        return self._primary.name

    async def observe(self, exchange: ExchangeView) -> list[Formed]:
        """The model's answer, or the local rules' when the model fails."""
        try:
            return await self._primary.observe(exchange)
        except Exception as exc:  # any failure of a model is a fallback
            self.failures += 1
            now = time.monotonic()
            if now - self._warned_at >= WARN_EVERY_S:
                self._warned_at = now
                logger.warning(
                    "observer %s failed (%s: %s); forming with the local rules instead",
                    self._primary.name,
                    type(exc).__name__,
                    exc,
                )
            return await self._fallback.observe(exchange)

    async def close(self) -> None:
        """Close both backends."""
        await self._primary.close()
        await self._fallback.close()


def make_observer(config: MemoryConfig) -> Observer:
    """The configured backend; model backends fall back to ``local`` on any failure."""
    if config.observer == "none":
        return NoObserver()
    from qai_graph.observers.local import LocalObserver

    local = LocalObserver()
    if config.observer == "local":
        return local
    if config.observer == "bedrock":
        from qai_graph.observers.bedrock import BedrockObserver

        model: Observer = BedrockObserver.from_config(config, local)
    else:
        from qai_graph.observers.anthropic import AnthropicObserver

        model = AnthropicObserver.from_config(config, local)
    return FallbackObserver(model, local)
