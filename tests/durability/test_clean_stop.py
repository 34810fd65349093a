"""Ctrl-C (SIGINT to the whole process group) while clients write: nothing fails half-way."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from qai_graph.app import open_memory
from qai_graph.config import MemoryConfig
from tests.support.durability_harness import RECORD, alive, embedded_serve
from tests.support.server import ServeProcess

CLIENTS = 4


async def _writer(url: str, n: int, outcomes: dict[str, list[str]], stop: asyncio.Event) -> None:
    # A new connection per request: a refused request is then a refused connection.
    async with httpx.AsyncClient(
        base_url=url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)
    ) as http:
        i = 0
        while not stop.is_set():
            key = f"c{n}-{i}"
            i += 1
            variables = {
                "input": {
                    "player": f"Stopper{n}",
                    "channel": "TWITCH",
                    "message": f"message {key}",
                    "qaiResponse": "ok",
                    "idempotencyKey": key,
                }
            }
            try:
                answer = await http.post("/graphql", json={"query": RECORD, "variables": variables})
            except httpx.ConnectError:
                outcomes["refused"].append(key)
                return  # the server is gone
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # Connected to the kernel's backlog as the listener closed: reset before the
                # server read a byte. A refusal if nothing was stored, which the final check
                # proves (stored == acknowledged); a write half-done would fail it.
                outcomes["unanswered"].append(key)
                return
            except httpx.HTTPError as exc:
                outcomes["broken"].append(f"{key}: {exc!r}")
                return
            body = answer.json() if answer.status_code == 200 else {}
            if answer.status_code == 503:
                outcomes["refused"].append(key)
            elif answer.status_code == 200 and not body.get("errors"):
                outcomes["acknowledged"].append(key)
            else:
                outcomes["failed"].append(f"{key}: {answer.status_code} {answer.text[:300]}")


async def _subscriber(url: str, closes: list[int]) -> None:
    ws_url = url.replace("http", "ws") + "/graphql"
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        query = "subscription { evolutionUpdated(minIntervalMs: 100) { totalInteractions } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        try:
            while True:
                await ws.recv()
        except ConnectionClosed as closed:
            closes.append(closed.rcvd.code if closed.rcvd else -1)


@pytest.mark.slow
async def test_sigint_to_the_process_group_drains_writes_then_stops_the_store(
    tmp_path: Path, server_processes: list[ServeProcess]
) -> None:
    data_dir = tmp_path / "data"
    server = embedded_serve(data_dir, tmp_path / "serve.log")
    server_processes.append(server)
    await server.wait_ready()
    emulator_pid = json.loads((data_dir / "emulator.json").read_text())["pid"]

    outcomes: dict[str, list[str]] = {
        "acknowledged": [],
        "refused": [],
        "unanswered": [],
        "failed": [],
        "broken": [],
    }
    closes: list[int] = []
    stop = asyncio.Event()
    subscriber = asyncio.create_task(_subscriber(server.url, closes))
    writers = [asyncio.create_task(_writer(server.url, n, outcomes, stop)) for n in range(CLIENTS)]
    for _ in range(600):  # some writes acknowledged, others in flight
        if len(outcomes["acknowledged"]) >= 20:
            break
        await asyncio.sleep(0.05)
    # Ctrl-C in a terminal: SIGINT to every process of the foreground group.
    os.killpg(server.process.pid, signal.SIGINT)
    signalled = time.monotonic()
    code = await asyncio.to_thread(server.process.wait, 30)
    stopped_in = time.monotonic() - signalled
    stop.set()
    await asyncio.wait_for(asyncio.gather(*writers), 30)
    await asyncio.wait_for(subscriber, 10)

    log = (tmp_path / "serve.log").read_text()
    assert code == 0, log[-3000:]
    assert stopped_in < 5, f"stopped in {stopped_in:.1f} s"
    assert outcomes["failed"] == [] and outcomes["broken"] == [], (outcomes, log[-3000:])
    assert closes == [1001]
    assert not alive(emulator_pid)  # the store stopped with the service, told by it
    assert "did not stop" not in log

    # Every acknowledged write is there, and nothing else (nothing started half-way).
    config = MemoryConfig(data_dir=data_dir)
    async with open_memory(config) as memory:
        stored: list[Any] = []
        for n in range(CLIENTS):
            history = await memory.get_player_history(f"Stopper{n}", limit=100)
            stored += [i.message.removeprefix("message ") for i in history]
            player = await memory.get_player(f"Stopper{n}")
            assert player is None or player.total_interactions == len(history)
    assert sorted(stored) == sorted(outcomes["acknowledged"])
