"""Fixtures of the MCP tests: a real ``qai-graph serve`` with API keys.

The server is a subprocess on the session's moto server with a table of its own, shared
by the tests of a module (each test uses its own players, so they do not interfere).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.support.mcp_harness import API_KEYS, Served, clean_env, free_port, start_serve, stop


@pytest.fixture(scope="session")
def served(dynamo_endpoint: str) -> Iterator[Served]:
    """``qai-graph serve`` with reader, writer and admin keys, on its own table."""
    table = f"qai-mcp-{uuid.uuid4().hex[:10]}"
    env = clean_env(
        QAI_MEMORY_DYNAMODB_ENDPOINT=dynamo_endpoint,
        QAI_MEMORY_DYNAMODB_TABLE_NAME=table,
        QAI_MEMORY_API_KEYS=API_KEYS,
    )
    port = free_port()
    process = start_serve(env, port)
    try:
        yield Served(f"http://127.0.0.1:{port}", table)
    finally:
        stop(process)
