"""Integration fixtures: a MemoryService on a table of the test's own, over HTTP to moto."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from qai_graph import MemoryConfig, MemoryService

ConfigFactory = Callable[..., MemoryConfig]
ServiceFactory = Callable[..., Awaitable[MemoryService]]


@pytest.fixture
def make_config(dynamo_endpoint: str) -> ConfigFactory:
    """A config on the moto server with a fresh table name; overrides as keywords."""
    table = f"qai-it-{uuid.uuid4().hex[:12]}"

    def factory(**overrides: object) -> MemoryConfig:
        options: dict[str, object] = {
            "dynamodb_endpoint": dynamo_endpoint,
            "dynamodb_table_name": table,
            "evolution_stage_2_interactions": 10_000,
            "evolution_stage_3_interactions": 100_000,
        }
        options.update(overrides)
        return MemoryConfig(**options)  # type: ignore[arg-type]

    return factory


@pytest.fixture
async def make_service(make_config: ConfigFactory) -> AsyncIterator[ServiceFactory]:
    """Start services (closed at the end); each call may override config fields."""
    started: list[MemoryService] = []

    async def factory(**overrides: object) -> MemoryService:
        service = MemoryService(make_config(**overrides))
        await service.initialize()
        started.append(service)
        return service

    yield factory
    for service in started:
        await service.close()


@pytest.fixture
async def memory_service(make_service: ServiceFactory) -> MemoryService:
    """A service with the seed's defaults on its own table."""
    return await make_service()
