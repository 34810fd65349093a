"""Helpers of the MCP tests: keys, a real ``qai-graph serve``, the official SDK's clients."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
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
QAI_GRAPH = str(Path(sys.executable).parent / "qai-graph")
CLIENTS_DIR = Path(__file__).resolve().parents[1] / "clients" / "mcp"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without QAI_MEMORY_* settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
    env.update(settings)
    return env


@dataclass
class Served:
    """A running ``qai-graph serve``."""

    base_url: str
    table: str

    @property
    def mcp_url(self) -> str:
        """Its MCP endpoint."""
        return self.base_url + "/mcp"


def start_serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """``qai-graph serve`` on ``port``, returned once /readyz answers 200."""
    process = subprocess.Popen(
        [QAI_GRAPH, "--log-level", "warning", "serve", "--port", str(port)], env=env
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "qai-graph serve exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError("qai-graph serve did not become ready")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait for a clean exit."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


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
