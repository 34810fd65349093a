"""Operations' promises (issue 22 item 7), measured on a real `qai-graph serve`.

    .venv/bin/python bench/operations.py idle [--window 90]
    .venv/bin/python bench/operations.py rss [--floods 4] [QAI_MEMORY_X=value ...]

- ``idle``: one replica (embedded store, formation on) with two subscriptions, after a
  `recordInteraction` and a `systemPrompt` (the last requests); DynamoDB requests from
  its /metrics in 5 s buckets, and the rate over the first 10/30/60 s and the last 30 s.
- ``rss``: floods of 1,000 WebSocket handshakes from one client, nearly all refused at
  the per-address cap (20); the accepted ones are closed by the client; RSS before,
  after each flood (2 s later) and 1/2/5/10/20 s after the last one.

Settings given as ``QAI_MEMORY_X=value`` go to the server (``rss`` and ``idle``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.server import ServeProcess  # noqa: E402

SUBSCRIPTIONS = (
    "subscription { evolutionUpdated(minIntervalMs: 1000) { stage totalInteractions } }",
    "subscription { evolutionStageChanged { stage } }",
)
RECORD = (
    'mutation { recordInteraction(input: {player: "ann", message: "hello there"}) { __typename } }'
)
PROMPT = 'query { systemPrompt(player: "ann", message: "hello") }'
REQUESTS = re.compile(r'qai_graph_dynamodb_requests_total\{api="\w+",outcome="\w+"\} ([\d.e+]+)')


def server(settings: list[str], keys: str | None = None) -> ServeProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
    env["QAI_MEMORY_DATA_DIR"] = tempfile.mkdtemp(prefix="qai-ops-")
    if keys:
        env["QAI_MEMORY_API_KEYS"] = keys
    env.update(dict(s.split("=", 1) for s in settings))
    return ServeProcess(env, options=("--log-level", "warning"), stdout=subprocess.DEVNULL)


def requests_so_far(url: str) -> float:
    return sum(float(m.group(1)) for m in REQUESTS.finditer(httpx.get(url + "/metrics").text))


async def idle(window: float, settings: list[str]) -> None:
    serve = server(settings)
    try:
        await serve.wait_ready(120)
        async with connect(serve.ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await ws.recv()
            for n, query in enumerate(SUBSCRIPTIONS):
                payload = {"query": query}
                await ws.send(json.dumps({"type": "subscribe", "id": str(n), "payload": payload}))
            async with httpx.AsyncClient(base_url=serve.url) as http:
                for query in (RECORD, PROMPT):
                    (await http.post("/graphql", json={"query": query})).raise_for_status()
            buckets: list[float] = []
            before = requests_so_far(serve.url)
            for _ in range(int(window // 5)):
                await asyncio.sleep(5)
                now = requests_so_far(serve.url)
                buckets.append(now - before)
                before = now
    finally:
        serve.stop()
    print("requests per 5 s after the last request:", [int(b) for b in buckets])
    for seconds in (10, 30, 60):
        if 5 * len(buckets) >= seconds:
            part = buckets[: seconds // 5]
            print(f"first {seconds} s: {sum(part) / seconds:.2f} requests/s")
    print(f"last 30 s: {sum(buckets[-6:]) / (5 * len(buckets[-6:])):.2f} requests/s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def flood(url: str, count: int = 1000) -> int:
    """``count`` handshakes from one address; closes the accepted; returns the refused."""
    accepted: list[Any] = []
    refused = 0

    async def one(i: int) -> None:
        nonlocal refused
        protocol = "graphql-ws" if i % 2 else "graphql-transport-ws"
        try:
            accepted.append(await connect(url, subprotocols=[protocol]).__aenter__())  # type: ignore[list-item]
        except InvalidStatus:
            refused += 1

    for start in range(0, count, 100):
        await asyncio.gather(*(one(i) for i in range(start, start + 100)))
    await asyncio.gather(*(ws.close() for ws in accepted))
    return refused


async def rss(floods: int, settings: list[str]) -> None:
    from qai_graph.api.auth import new_key

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 5000), hard))
    serve = server(settings, keys=new_key("reader")[1])
    try:
        await serve.wait_ready(120)
        pid = serve.process.pid
        await flood(serve.ws_url, 20)  # warm up
        await asyncio.sleep(2)
        before = rss_mb(pid)
        print(f"before {before:.1f} MB")
        for n in range(floods):
            refused = await flood(serve.ws_url)
            if n < floods - 1:
                await asyncio.sleep(2)
                print(f"after flood {n + 1} ({refused} refused): {rss_mb(pid):.1f} MB")
        last = time.monotonic()
        for mark in (1, 2, 5, 10, 20):
            await asyncio.sleep(max(0.0, last + mark - time.monotonic()))
            now = rss_mb(pid)
            print(f"{mark:>2} s after the last flood: {now:.1f} MB ({now / before:.3f}x)")
    finally:
        serve.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["idle", "rss"])
    parser.add_argument("settings", nargs="*", metavar="QAI_MEMORY_X=value")
    parser.add_argument("--window", type=float, default=90.0)
    parser.add_argument("--floods", type=int, default=4)
    args = parser.parse_intermixed_args()
    if args.what == "idle":
        asyncio.run(idle(args.window, args.settings))
    else:
        asyncio.run(rss(args.floods, args.settings))


if __name__ == "__main__":
    main()
