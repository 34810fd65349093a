"""Fixtures of the MCP tests: a real ``qai-graph serve`` with API keys.

The server is a subprocess on the session's moto server with a table of its own, shared
by every test of the session (each test uses its own players, so they do not interfere).
"""

from __future__ import annotations

import signal
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from tests.support.mcp_harness import API_KEYS
from tests.support.server import ServeProcess, clean_env


@pytest.fixture(scope="session")
def mcp_server(dynamo_endpoint: str) -> Iterator[ServeProcess]:
    """``qai-graph serve`` with reader, writer and admin keys, on its own table."""
    table = f"qai-mcp-{uuid.uuid4().hex[:10]}"
    env = clean_env(dynamodb_endpoint=dynamo_endpoint, dynamodb_table_name=table, api_keys=API_KEYS)
    server = ServeProcess(env, options=("--log-level", "warning"))
    server.block_until_ready()
    try:
        yield server
    finally:
        if server.stop(within=30) == -signal.SIGKILL:  # it ignored SIGTERM: a teardown error
            raise subprocess.TimeoutExpired(server.process.args, 30)
