"""Helpers of the MCP tests: keys, tool names, the official SDK's clients (the server is
tests.support.server's ``ServeProcess``)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from qai_graph.security import hash_key

KEYS = {"reader": "mcp-reader-key", "writer": "mcp-writer-key", "admin": "mcp-admin-key"}
API_KEYS = ",".join(f"{role}:{hash_key(key)}" for role, key in KEYS.items())
TOOLS = {
    "qai_memory_recall",
    "qai_get_player",
    "qai_get_evolution",
    "qai_memory_store",
    "qai_memory_reinforce",
    "qai_record_interaction",
}
WRITER_TOOLS = {"qai_memory_store", "qai_memory_reinforce", "qai_record_interaction"}
CLIENTS_DIR = Path(__file__).resolve().parents[1] / "clients" / "mcp"


@asynccontextmanager
async def http_client(url: str, key: str | None) -> AsyncIterator[Client]:
    """The official SDK's client over Streamable HTTP, sending ``key`` as a bearer token."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http), read_timeout_seconds=30) as client,
    ):
        yield client


def code_of(result: CallToolResult) -> str | None:
    """The qai code of a tool error (None for a success)."""
    if not result.is_error:
        return None
    code = (result.meta or {}).get("qai/code")
    text = result.content[0].text if result.content else ""  # type: ignore[union-attr]
    # The code is in the text too, for clients that show only the text.
    assert text.startswith(f"{code}: "), text
    # No structured content on errors: clients validate it against the output schema.
    assert result.structured_content is None
    return str(code)


def npm_available() -> bool:
    """True when node's npm is on PATH."""
    return shutil.which("npm") is not None and shutil.which("npx") is not None
