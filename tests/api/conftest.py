"""Fixtures of the API tests: the app on a table of the test's own, served in this event loop
(``api``) or in a thread of its own for synchronous tests (``sync_client``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import uvicorn

from qai_graph.app import create_app
from tests.support.api_harness import ConfigFactory, RunningApp, serve


@pytest.fixture
async def api(make_config: ConfigFactory) -> AsyncIterator[RunningApp]:
    """The app with default settings, served over HTTP and WebSocket."""
    async with serve(make_config()) as running:
        yield running


@pytest.fixture
def sync_client(make_config: ConfigFactory) -> Iterator[httpx.Client]:
    """An httpx client of the app served in a thread of its own (hypothesis drives
    synchronous tests: the fuzz tests of test_fuzz.py and test_fuzz_schema.py)."""
    app = create_app(make_config())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.02)
    assert server.started
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(30)
