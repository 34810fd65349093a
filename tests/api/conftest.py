"""Fixtures of the API tests: each test gets its own table and a served app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.api_harness import ConfigFactory, RunningApp, serve


@pytest.fixture
async def api(make_config: ConfigFactory) -> AsyncIterator[RunningApp]:
    """The app with default settings, served over HTTP and WebSocket."""
    async with serve(make_config()) as running:
        yield running
