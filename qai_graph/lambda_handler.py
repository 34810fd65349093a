"""AWS Lambda entry point: one consolidation run, on a schedule (e.g. EventBridge, hourly)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory.service import MemoryService

logger = logging.getLogger("qai_graph.lambda")


async def _consolidate(config: MemoryConfig) -> dict[str, Any]:
    async with MemoryService(config) as service:
        result = await service.consolidate_memories()
    return result.model_dump(mode="json")


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Run consolidation and return its counts."""
    config = MemoryConfig()
    if config.dynamodb_endpoint is None and not config.use_aws:
        # A Lambda has no local emulator to start: no endpoint means AWS itself.
        config = config.model_copy(update={"use_aws": True})
    counts = asyncio.run(_consolidate(config))
    logger.info("consolidation: %s", counts)
    return counts
