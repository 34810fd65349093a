"""Integration fixtures: a MemoryService on a table of the test's own, over HTTP to moto."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from qai_graph import MemoryConfig, MemoryService
from tests.support.stopping import stopped

ConfigFactory = Callable[..., MemoryConfig]
ServiceFactory = Callable[..., Awaitable[MemoryService]]


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
        await stopped(service.close(), "MemoryService.close")


@pytest.fixture
async def memory_service(make_service: ServiceFactory) -> MemoryService:
    """A service with the seed's defaults on its own table."""
    return await make_service()
