"""Opening the memory the way ``qai-graph serve`` does: the embedded store when no endpoint.

``async with MemoryService.open() as memory:`` (or :func:`open_service` with an exit
stack, as the API's lifespan and the CLI use it) starts the embedded DynamoDB when no
``QAI_MEMORY_DYNAMODB_ENDPOINT`` is set (and not ``QAI_MEMORY_USE_AWS``), initialises the
service, and on exit closes the service and then stops the store.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager

from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.service import MemoryService


def uses_embedded_store(config: MemoryConfig) -> bool:
    """No endpoint and not AWS: run the local emulator."""
    return config.dynamodb_endpoint is None and not config.use_aws


StoreTiming = Callable[[str, float], None]
"""Called with a phase of the embedded store (``"start"``) and the seconds it took."""


async def start_store(
    config: MemoryConfig, stack: AsyncExitStack, store_timing: StoreTiming | None = None
) -> str | None:
    """The endpoint to use: the embedded store's (started; ``stack`` stops it) or config's."""
    if not uses_embedded_store(config):
        return config.dynamodb_endpoint
    store = EmbeddedDynamo(
        config.data_dir,
        snapshot_interval_s=config.snapshot_interval_s,
        region=config.dynamodb_region,
        journal=config.journal,
    )
    started = time.perf_counter()
    endpoint = await store.astart()
    if store_timing is not None:
        store_timing("start", time.perf_counter() - started)
    # Registered first so it runs last: the service closes, then the store stops.
    stack.push_async_callback(store.astop)
    return endpoint


async def open_service(
    config: MemoryConfig, stack: AsyncExitStack, *, store_timing: StoreTiming | None = None
) -> MemoryService:
    """Start the embedded store if needed, then an initialised service; ``stack`` closes both."""
    endpoint = await start_store(config, stack, store_timing)
    service = MemoryService(config, endpoint=endpoint)
    await service.initialize()
    stack.push_async_callback(service.close)
    return service


@asynccontextmanager
async def open_memory(config: MemoryConfig | None = None) -> AsyncIterator[MemoryService]:
    """An initialised service (and its embedded store if needed) for the ``async with``."""
    async with AsyncExitStack() as stack:
        yield await open_service(config or MemoryConfig(), stack)
