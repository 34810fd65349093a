"""The embedded store's durability, measured: the journal's cost beside the snapshot-only
store, requests during a compaction of a 200,000-item store, and start-up at that size.

    .venv/bin/python bench/durability.py            # ~3 min; writes bench/durability.json
    .venv/bin/python bench/durability.py --quick    # a smoke run

1. recordInteraction through the API (``qai-graph serve``, its own embedded store) at 1
   and 8 clients, journal on and off (``QAI_MEMORY_JOURNAL``), both servers up at once
   and measured in alternating blocks so both see the same noise.
2. A store seeded with ~200,000 items (the service's own item builders, written as a
   snapshot file), started (time to ready), then compacted every few seconds while one
   client records interactions: the longest time a compaction held requests (from the
   emulator's log) and request latency inside and outside compaction windows.
3. The same store killed with SIGKILL and started again: snapshot + journal replay.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import RECORD, free_port, pct  # noqa: E402
from seed import _evolution_items, _items  # noqa: E402

from qai_graph.config import MemoryConfig  # noqa: E402
from qai_graph.emulator.snapshot import SNAPSHOT_FORMAT, SNAPSHOT_NAME  # noqa: E402
from qai_graph.store.table import TTL_ATTRIBUTE, table_definition  # noqa: E402

_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
_COMPACTION = re.compile(
    r"snapshot at record \d+: \d+ items, \d+ bytes in ([\d.]+) s \(requests held ([\d.]+) ms\)"
)


def seed_snapshot(data_dir: Path, players: int, per_player: int, obs: int) -> int:
    """A snapshot file holding the service's table with a generated population."""
    config = MemoryConfig(dynamodb_endpoint="http://unused")
    items = _items(config, players, per_player, obs)
    items += _evolution_items(config, players * per_player, players)
    create = table_definition(config.dynamodb_table_name)
    create = {k: v for k, v in create.items() if k != "StreamSpecification"}
    table = {
        "region": config.dynamodb_region,
        "create": create,
        "ttl": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
        "stream": table_definition(config.dynamodb_table_name).get("StreamSpecification"),
        "items": items,
    }
    document = {"format": SNAPSHOT_FORMAT, "version": 2, "seq": 0, "tables": [table]}
    (data_dir / SNAPSHOT_NAME).write_text(json.dumps(document, separators=(",", ":")))
    return len(items)


def start_emulator(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str, float]:
    """The emulator as the service runs it; (process, endpoint, seconds to READY)."""
    started = time.perf_counter()
    log = open(data_dir / "emulator.log", "ab")  # noqa: SIM115 (the child keeps it)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qai_graph.emulator.child",
            "--data-dir",
            str(data_dir),
            "--watch-stdin",
            *extra,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    if not line.startswith("READY "):
        raise RuntimeError(f"emulator did not start: {line!r}")
    return process, json.loads(line[6:])["endpoint"], time.perf_counter() - started


def start_api(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``qai-graph serve`` on ``port`` with extra QAI_MEMORY_* settings."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qai_graph.cli",
            "--log-level",
            "warning",
            "serve",
            "--port",
            str(port),
        ],
        env={**os.environ, **env},
        start_new_session=True,
    )


async def wait_ready(url: str, within_s: float = 120) -> None:
    deadline = time.monotonic() + within_s
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(url + "/readyz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} not ready")


async def record_block(url: str, clients: int, calls: int) -> list[tuple[float, float]]:
    """(wall start, latency s) of ``calls`` recordInteractions per client."""
    samples: list[tuple[float, float]] = []

    async def client(http: aiohttp.ClientSession, n: int) -> None:
        for _ in range(calls):
            variables = {
                "input": {
                    "player": f"Bench{n:03d}",
                    "channel": "TWITCH",
                    "message": "What is a qubit?",
                    "qaiResponse": "A question I also ask.",
                    "idempotencyKey": uuid.uuid4().hex,
                }
            }
            wall, began = time.time(), time.perf_counter()
            async with http.post(
                url + "/graphql", json={"query": RECORD, "variables": variables}
            ) as answer:
                body = await answer.json()
            if answer.status != 200 or body.get("errors"):
                raise RuntimeError(f"recordInteraction failed: {body}")
            samples.append((wall, time.perf_counter() - began))

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(client(http, n) for n in range(clients)))
    return samples


async def journal_cost(levels: list[int], rounds: int, calls: int, root: Path) -> dict[str, Any]:
    """recordInteraction with and without the journal, alternating blocks."""
    servers = {}
    for mode in ("journal", "snapshot-only"):
        port = free_port()
        env = {
            "QAI_MEMORY_DATA_DIR": str(root / mode),
            "QAI_MEMORY_JOURNAL": "true" if mode == "journal" else "false",
        }
        servers[mode] = (f"http://127.0.0.1:{port}", start_api(port, env))
    try:
        for url, _ in servers.values():
            await wait_ready(url)
            await record_block(url, 8, 5)  # warm-up: players exist, pools are open
        result: dict[str, Any] = {}
        for clients in levels:
            latencies: dict[str, list[float]] = {mode: [] for mode in servers}
            for _ in range(rounds):
                for mode, (url, _) in servers.items():
                    block = await record_block(url, clients, calls)
                    latencies[mode] += [lat for _, lat in block]
            row = {
                mode: {"p50": pct(v, 0.5) * 1000, "p99": pct(v, 0.99) * 1000, "n": len(v)}
                for mode, v in latencies.items()
            }
            row["ratio_p50"] = row["journal"]["p50"] / row["snapshot-only"]["p50"]
            result[str(clients)] = row
            print(f"recordInteraction x{clients}: {json.dumps(row)}", flush=True)
        return result
    finally:
        for _, process in servers.values():
            process.send_signal(signal.SIGTERM)
            process.wait(30)


def compaction_windows(log: Path, since: float) -> list[tuple[float, float, float]]:
    """(start, end, held ms) of each compaction logged after ``since`` (wall clock)."""
    windows = []
    for line in log.read_text(errors="replace").splitlines():
        stamp, found = _LOG_TIME.match(line), _COMPACTION.search(line)
        if stamp and found:
            end = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            start = end - float(found.group(1)) - float(found.group(2)) / 1000
            if end >= since:
                windows.append((start, end, float(found.group(2))))
    return windows


async def big_store(players: int, seconds: float, root: Path) -> dict[str, Any]:
    """Start-up, compaction and restart of a store of about 200,000 items."""
    data_dir = root / "big"
    data_dir.mkdir()
    items = seed_snapshot(data_dir, players, 45, 5)
    size = (data_dir / SNAPSHOT_NAME).stat().st_size
    print(f"seeded {items} items ({size / 1e6:.0f} MB snapshot)", flush=True)
    emulator, endpoint, start_s = start_emulator(
        data_dir, "--snapshot-interval", "3", "--compact-after-bytes", "1"
    )
    print(f"start-up with {items} items: {start_s:.1f} s", flush=True)
    port = free_port()
    api = start_api(port, {"QAI_MEMORY_DYNAMODB_ENDPOINT": endpoint})
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(url)
        await record_block(url, 2, 10)
        since = time.time()
        samples: list[tuple[float, float]] = []
        while time.time() - since < seconds:
            samples += await record_block(url, 2, 10)
        windows = compaction_windows(data_dir / "emulator.log", since)
        inside = [lat for wall, lat in samples if any(s <= wall <= e for s, e, _ in windows)]
        outside = [lat for wall, lat in samples if not any(s <= wall <= e for s, e, _ in windows)]
        # A crash: the journal since the last compaction must be replayed.
        os.kill(emulator.pid, signal.SIGKILL)
        emulator.wait()
        api.send_signal(signal.SIGTERM)
        api.wait(30)
        restart = start_emulator(data_dir)
        restart[0].send_signal(signal.SIGTERM)
        restart[0].wait(30)
        replayed = re.findall(
            r"replayed (\d+) journal records", (data_dir / "emulator.log").read_text()
        )
        return {
            "items": items,
            "snapshot_mb": size / 1e6,
            "start_s": start_s,
            "compactions": len(windows),
            "compaction_s": [round(e - s, 2) for s, e, _ in windows],
            "held_ms_max": max((h for _, _, h in windows), default=float("nan")),
            "inside": {
                "n": len(inside),
                "p50": pct(inside, 0.5) * 1000,
                "p99": pct(inside, 0.99) * 1000,
            },
            "outside": {
                "n": len(outside),
                "p50": pct(outside, 0.5) * 1000,
                "p99": pct(outside, 0.99) * 1000,
            },
            "max_inside_ms": max(inside, default=0) * 1000,
            "restart_s": restart[2],
            "replayed_records": int(replayed[-1]) if replayed else 0,
        }
    finally:
        for process in (emulator, api):
            if process.poll() is None:
                process.kill()
                process.wait()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="qai-durability-") as tmp:
        root = Path(tmp)
        report: dict[str, Any] = {}
        report["record"] = await journal_cost(
            [int(x) for x in args.levels.split(",")], args.rounds, args.calls, root
        )
        report["big"] = await big_store(args.players, args.seconds, root)
        return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--levels", default="1,8")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--calls", type=int, default=25)
    parser.add_argument("--players", type=int, default=3900)  # x (1 + 45 + 2 x 5) items
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--json", default=str(HERE / "durability.json"))
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.calls, args.players, args.seconds = 2, 5, 200, 10
    started = time.perf_counter()
    report = asyncio.run(main_async(args))
    report["seconds"] = time.perf_counter() - started
    Path(args.json).write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
