"""Bench of issue 11: the response loop's memory part, and MCP recall beside GraphQL recall.

Runs ``qai-graph serve`` (embedded store, a temporary data directory, a writer key) in a
subprocess, then at 1 client:

1. the loop's memory part, per chat message: ``systemPrompt`` (with the message) before
   the model and ``recordInteraction`` (keyed by the message id) after, through
   ``qai_graph.chat`` exactly as ``qai-graph chat`` runs it (offline model);
2. ``qai_memory_recall`` over MCP Streamable HTTP (one JSON-RPC POST, as any stateless
   client sends it) beside GraphQL ``recall`` of the same query, interleaved call by call,
   plus the same tool through the official SDK's ``Client`` for reference.

    .venv/bin/python bench/mcp_loop.py [--turns 300] [--calls 300] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from qai_graph.chat.loop import ChatMessage, ResponseLoop
from qai_graph.chat.memory import GraphQLMemory
from qai_graph.chat.models import OfflineModel
from qai_graph.security import hash_key

KEY = "bench-writer-key"
PLAYERS = [f"viewer{n:02d}" for n in range(30)]
TOPICS = ["bell states", "the Hadamard gate", "teleportation", "decoherence", "phase kickback"]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p90_ms": round(_percentile(values, 90), 2),
        "p99_ms": round(_percentile(values, 99), 2),
        "max_ms": round(max(values), 2),
    }


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
    env.update(
        QAI_MEMORY_DATA_DIR=str(data_dir),
        QAI_MEMORY_API_KEYS=f"writer:{hash_key(KEY)}",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
    )
    command = [sys.executable, "-m", "qai_graph.cli", "--log-level", "warning", "serve"]
    process = subprocess.Popen([*command, "--port", str(port)], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("qai-graph serve did not start")


async def bench_loop(base: str, turns: int) -> dict[str, Any]:
    memory = GraphQLMemory(base + "/graphql", KEY)
    loop = ResponseLoop(memory, OfflineModel())

    async def send(message: ChatMessage, reply: str) -> None:
        return None

    def message(n: int) -> ChatMessage:
        player = PLAYERS[n % len(PLAYERS)]
        return ChatMessage(f"bench-{n}", player, f"tell me about {TOPICS[n % 5]} ({n})", "bench")

    try:
        for n in range(30):  # warm-up: every player met once
            await loop.handle(message(n), send)
        measured = [await loop.handle(message(n), send) for n in range(30, 30 + turns)]
    finally:
        await memory.aclose()
    return {
        "memory_part": _stats([t.memory_ms for t in measured]),
        "systemPrompt": _stats([t.prompt_ms for t in measured]),
        "recordInteraction": _stats([t.record_ms for t in measured]),
        "offline_model": _stats([t.model_ms for t in measured]),
    }


async def bench_recall(base: str, calls: int) -> dict[str, Any]:
    query = f"{PLAYERS[7]} and bell states"
    graphql = {
        "query": "query($q: String!) { recall(query: $q, limit: 5) { memories { content } } }",
        "variables": {"q": query},
    }
    rpc = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "qai_memory_recall", "arguments": {"query": query, "limit": 5}},
    }
    mcp_headers = {
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }
    gql_ms: list[float] = []
    mcp_ms: list[float] = []
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
        for n in range(calls + 20):
            started = time.perf_counter()
            gql = await http.post("/graphql", json=graphql)
            middle = time.perf_counter()
            answer = await http.post("/mcp", json=rpc, headers=mcp_headers)
            done = time.perf_counter()
            assert gql.status_code == 200 and "errors" not in gql.json(), gql.text
            assert answer.status_code == 200 and not answer.json()["result"]["isError"]
            if n >= 20:  # warm-up
                gql_ms.append((middle - started) * 1000)
                mcp_ms.append((done - middle) * 1000)
    sdk_ms: list[float] = []
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http2,
        Client(streamable_http_client(base + "/mcp", http_client=http2)) as client,
    ):
        for n in range(calls // 3 + 10):
            started = time.perf_counter()
            result = await client.call_tool("qai_memory_recall", {"query": query, "limit": 5})
            assert not result.is_error
            if n >= 10:
                sdk_ms.append((time.perf_counter() - started) * 1000)
    gql_stats, mcp_stats = _stats(gql_ms), _stats(mcp_ms)
    return {
        "query": query,
        "graphql_recall": gql_stats,
        "mcp_recall": mcp_stats,
        "mcp_over_graphql_p50": round(mcp_stats["p50_ms"] / gql_stats["p50_ms"], 3),
        "mcp_recall_via_sdk_client": _stats(sdk_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = _port()
        process = start_server(Path(tmp) / "data", port)
        try:
            base = f"http://127.0.0.1:{port}"
            results = {
                "commit": subprocess.run(
                    ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
                ).stdout.strip(),
                "cpus": os.cpu_count(),
                "loadavg_before": os.getloadavg(),
                "loop": asyncio.run(bench_loop(base, args.turns)),
                "recall": asyncio.run(bench_recall(base, args.calls)),
                "loadavg_after": os.getloadavg(),
            }
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
