"""Fixtures of the API tests: each test gets its own table and a served app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from api_harness import ConfigFactory, RunningApp, serve

from qai_graph.config import MemoryConfig


@pytest.fixture
def make_config(dynamo_endpoint: str) -> ConfigFactory:
    """MemoryConfig on the test moto server with a table of this test's own."""
    table = f"qai-api-{uuid.uuid4().hex[:12]}"

    def factory(**overrides: object) -> MemoryConfig:
        options: dict[str, object] = {
            "dynamodb_endpoint": dynamo_endpoint,
            "dynamodb_table_name": table,
            "dynamodb_max_attempts": 2,
            "dynamodb_timeout_s": 5.0,
        }
        options.update(overrides)
        return MemoryConfig(**options)  # type: ignore[arg-type]

    return factory


@pytest.fixture
async def api(make_config: ConfigFactory) -> AsyncIterator[RunningApp]:
    """The app with default settings, served over HTTP and WebSocket."""
    async with serve(make_config()) as running:
        yield running
