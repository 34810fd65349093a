"""1,000 sockets that never authenticate, against a real ``qai-graph serve`` process
behind a (pretend) trusted proxy: they come from 50 clients (X-Forwarded-For) within each
one's cap, are closed at the init timeout on both subprotocols, the next one over a cap
is refused, and the server's memory goes back to its baseline once they are gone. Then
1,000 handshakes from one client, nearly all refused at its cap: 10 s later the memory
is back too (the promise: <= 1.25x the baseline; docs/operations.md)."""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from qai_graph.api.auth import new_key
from tests.support.server import ServeProcess, free_port

SOCKETS = 1000
PER_CLIENT = 20  # the default per-address cap
INIT_TIMEOUT_S = 10.0
MARGIN_MB = 10.0  # glibc malloc, trimmed when the flood ends: measured +1.8 MB (pymalloc: +26)
RATIO = 1.25  # the promise, 10 s after the sockets closed
SETTLE_S = 10.0


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(dynamo_endpoint: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``qai-graph serve`` with keys configured and room for the 1,000 sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 4 * SOCKETS + 1024)
    if soft < wanted:  # the client's sockets here, the server's (inherited) there
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    port = free_port()
    _, entry = new_key("reader")
    env = {
        **os.environ,
        "QAI_MEMORY_DYNAMODB_ENDPOINT": dynamo_endpoint,
        "QAI_MEMORY_DYNAMODB_TABLE_NAME": f"qai-preauth-{port}",
        "QAI_MEMORY_API_KEYS": entry,
        "QAI_MEMORY_WS_MAX_UNAUTHENTICATED": str(SOCKETS),
        "QAI_MEMORY_WS_MAX_UNAUTHENTICATED_PER_ADDRESS": str(PER_CLIENT),
        "QAI_MEMORY_WS_INIT_TIMEOUT_S": str(INIT_TIMEOUT_S),
    }
    server = ServeProcess(
        env,
        "--forwarded-allow-ips",  # the test is the proxy: its sockets come from loopback
        "127.0.0.1",
        options=("--log-level", "warning"),
        port=port,
        stdout=subprocess.DEVNULL,
    )
    try:
        server.block_until_ready()
        yield server.process, port
    finally:
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def client_of(i: int) -> str:
    """The address the proxy forwards for socket ``i``: PER_CLIENT sockets each."""
    return f"10.0.{i // PER_CLIENT // 250}.{i // PER_CLIENT % 250 + 1}"


def handshake(url: str, i: int, client: str) -> Any:
    """A socket that never sends connection_init; subprotocols alternate."""
    return connect(
        url,
        subprotocols=["graphql-ws" if i % 2 else "graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"X-Forwarded-For": client},
    )


async def open_sockets(url: str, count: int, client: str | None = None) -> list[ClientConnection]:
    """``count`` sockets, from ``client`` or spread as :func:`client_of` says."""
    sockets: list[ClientConnection] = []
    for start in range(0, count, 100):
        batch = [
            handshake(url, i, client or client_of(i)) for i in range(start, min(count, start + 100))
        ]
        sockets += await asyncio.gather(*(c.__aenter__() for c in batch))
    return sockets


async def refused_flood(url: str, count: int) -> int:
    """``count`` handshakes from one client: how many its cap refused (the accepted few
    are closed by the client once the flood is over)."""
    accepted: list[ClientConnection] = []
    refused = 0

    async def one(i: int) -> None:
        nonlocal refused
        try:
            accepted.append(await handshake(url, i, "10.9.9.9").__aenter__())
        except InvalidStatus:
            refused += 1

    for start in range(0, count, 100):
        await asyncio.gather(*(one(i) for i in range(start, min(count, start + 100))))
    await asyncio.gather(*(ws.close() for ws in accepted))
    return refused


async def closed_by_server(ws: ClientConnection) -> int | None:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 4 * INIT_TIMEOUT_S + 30)
    except ConnectionClosed:
        return ws.close_code


@pytest.mark.slow
async def test_unauthenticated_sockets_are_bounded_and_leave_no_memory(
    server: tuple[subprocess.Popen[bytes], int], record_property: pytest.RecordProperty
) -> None:
    process, port = server
    url = f"ws://127.0.0.1:{port}/graphql"
    # Warm up (imports, first allocations) with a few sockets, then take the baseline.
    for ws in await open_sockets(url, 20):
        await ws.close()
    await asyncio.sleep(1.0)
    before = rss_mb(process.pid)

    started = time.monotonic()
    sockets = await open_sockets(url, SOCKETS)
    during = rss_mb(process.pid)
    if time.monotonic() - started < INIT_TIMEOUT_S - 2:  # all still open (a loaded CI box
        # may take longer to open them; the cap itself is tested in test_edge_ws.py)
        with pytest.raises(InvalidStatus):  # one over its client's cap: refused
            async with handshake(url, 1, client_of(0)):
                pass

    codes = await asyncio.gather(*(closed_by_server(ws) for ws in sockets))
    assert set(codes) == {4408}, set(codes)
    await asyncio.sleep(2.0)
    after = rss_mb(process.pid)

    # Mostly refused: never more than PER_CLIENT open at once, and still trimmed.
    refused = await refused_flood(url, SOCKETS)
    await asyncio.sleep(SETTLE_S)
    settled = rss_mb(process.pid)
    figures = (
        f"before {before:.1f} MB, during {during:.1f} MB, after {after:.1f} MB; "
        f"{SETTLE_S:g} s after {refused} refused handshakes {settled:.1f} MB "
        f"({settled / before:.3f}x)"
    )
    print(f"\nRSS of qai-graph serve with {SOCKETS} unauthenticated sockets: {figures}")
    record_property("rss_mb", figures)
    assert refused >= SOCKETS // 2, figures
    assert after - before < MARGIN_MB, figures
    assert settled - before < MARGIN_MB and settled / before <= RATIO, figures
    # And the server still serves.
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
