"""qai-graph benchmark: the bot's round trip, playerContext, a dashboard page and subscription
fan-out over HTTP, side by side with the same DynamoDB requests issued raw.

    /work/venv/bin/python bench/run.py                 # full run, writes bench/RESULTS.md
    /work/venv/bin/python bench/run.py --quick         # small seed, few rounds (smoke)
    /work/venv/bin/python bench/run.py --soak 100000   # RSS over a long write soak

See bench/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil

HERE = Path(__file__).resolve().parent
# --code DIR measures another checkout's qai_graph (e.g. a worktree of the previous commit).
ROOT = Path(os.environ.get("QAI_BENCH_CODE", HERE.parent)).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from raw import Raw  # noqa: E402
from seed import player_name, seed  # noqa: E402

from qai_graph.config import MemoryConfig  # noqa: E402
from qai_graph.emulator.embedded import EmbeddedDynamo  # noqa: E402
from qai_graph.store.client import DynamoClient  # noqa: E402
from qai_graph.store.table import create_table_if_not_exists  # noqa: E402

PLAYER_CONTEXT = """
query Ctx($name: String!) {
  playerContext(name: $name) {
    profile { name totalInteractions lastSeen playStyle }
    recentInteractions { id message qaiResponse timestamp }
    observations { id content confidence memoryTier }
    summary known
  }
}"""
SYSTEM_PROMPT = """
query Prompt($player: String!, $session: ID) {
  systemPrompt(player: $player, sessionId: $session)
}"""
RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) {
    interaction { id }
    player { name totalInteractions }
    evolution { stage stageName progressPercent }
    stageAdvanced replayed
  }
}"""
DASHBOARD = """
query Dashboard($after: String) {
  players(first: 50, after: $after) {
    edges { node {
      name lastSeen totalInteractions summary
      interactions(first: 5) { edges { node { id message qaiResponse timestamp } } }
      observations(first: 5) { edges { node { id content confidence memoryTier } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
  evolution { stage stageName totalInteractions uniquePlayersMet progressPercent }
}"""
STAGE_SUBSCRIPTION = "subscription { evolutionStageChanged { stage stageName totalInteractions } }"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0-1) by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


# --- the API process -----------------------------------------------------------------


class ApiProcess:
    """``bench/server.py`` in a child process (its own GIL, like ``qai-graph serve``)."""

    def __init__(self, endpoint: str, table: str, *extra: str, profile: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            str(HERE / "server.py"),
            "--endpoint",
            endpoint,
            "--table",
            table,
            "--port",
            str(self.port),
            *extra,
        ]
        if profile is not None:
            command += ["--profile", str(profile)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(command, env=env)
        self.ps = psutil.Process(self.process.pid)

    async def wait_ready(self, session: aiohttp.ClientSession) -> None:
        """Poll /healthz (bounded)."""
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"the API exited with {self.process.returncode}")
            try:
                async with session.get(self.url + "/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError("the API did not start")

    def rss_mb(self) -> float:
        """Resident set size of the API process."""
        return float(self.ps.memory_info().rss) / 2**20

    def stop(self) -> None:
        """SIGINT (uvicorn's clean shutdown), bounded wait."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- measuring -------------------------------------------------------------------------


@dataclass
class Series:
    """Latencies (s), the busy time they took, and DynamoDB request shapes."""

    latencies: list[float] = field(default_factory=list)
    busy_s: float = 0.0
    shapes: Counter[str] = field(default_factory=Counter)
    errors: int = 0

    def summary(self) -> dict[str, float]:
        """p50/p95/p99 in ms and throughput in operations per second."""
        n = len(self.latencies)
        return {
            "n": n,
            "p50": pct(self.latencies, 0.50) * 1000,
            "p95": pct(self.latencies, 0.95) * 1000,
            "p99": pct(self.latencies, 0.99) * 1000,
            "rps": n / self.busy_s if self.busy_s else float("nan"),
            "errors": self.errors,
        }


class Client:
    """GraphQL over HTTP with a kept-alive connection pool; reads the request-count header."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url + "/graphql"

    async def run(self, query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """(data, shape) where shape is e.g. ``Query=1 in 1 wave``."""
        async with self.session.post(
            self.url, json={"query": query, "variables": variables}
        ) as response:
            body = await response.json()
            header = json.loads(response.headers.get("x-bench-dynamodb", "{}") or "{}")
        if response.status != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL failed: {response.status} {body}")
        return body["data"], _shape(header)


def _shape(header: dict[str, Any]) -> str:
    ops = header.get("ops", {})
    total = sum(ops.values())
    parts = "+".join(f"{k}={v}" for k, v in sorted(ops.items()))
    return f"{total} ({parts}) in {header.get('waves', 0)} wave(s)"


Op = Callable[[int, int], Awaitable[str | None]]


async def measure(
    service_op: Op, raw_op: Op | None, clients: int, rounds: int, per_round: int
) -> tuple[Series, Series]:
    """Alternate blocks of service calls and raw calls (``rounds`` each), ``clients`` workers
    calling ``per_round`` times per block; latencies of each call, busy time per block."""
    service, raw = Series(), Series()

    async def block(op: Op, series: Series, round_no: int) -> None:
        async def worker(w: int) -> None:
            for i in range(per_round):
                started = time.perf_counter()
                try:
                    shape = await op(w, round_no * per_round + i)
                except Exception:
                    # e.g. the API's operation timeout, or the raw client's read timeout
                    # when 32 dashboards queue 1,700 requests at the emulator: counted.
                    series.errors += 1
                    continue
                series.latencies.append(time.perf_counter() - started)
                if shape:
                    series.shapes[shape] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(clients)))
        series.busy_s += time.perf_counter() - started

    for r in range(rounds):
        pairs: list[tuple[Op, Series]] = [(service_op, service)]
        if raw_op is not None:
            pairs.append((raw_op, raw))
        if r % 2:
            pairs.reverse()  # neither side always goes first
        for op, series in pairs:
            await block(op, series, r)
    return service, raw


# --- fan-out ---------------------------------------------------------------------------


async def fanout(
    endpoint: str, subscribers: int, events: int, session: aiohttp.ClientSession
) -> list[float]:
    """Latency from the mutation's response to each subscriber's receipt of the stage event."""
    from websockets.asyncio.client import connect

    table = f"bench-fanout-{uuid.uuid4().hex[:8]}"
    api = ApiProcess(endpoint, table, "--stage2", "1", "--stage3", str(events))
    latencies: list[float] = []
    try:
        await api.wait_ready(session)
        client = Client(session, api.url)
        ws_url = api.url.replace("http://", "ws://") + "/graphql"
        arrivals: list[list[float]] = [[] for _ in range(subscribers)]
        got = asyncio.Event()
        received = Counter[int]()
        sockets = []

        async def listen(n: int, ws: Any) -> None:
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "next":
                    arrivals[n].append(time.perf_counter())
                    received[len(arrivals[n])] += 1
                    if received[len(arrivals[n])] == subscribers:
                        got.set()
                elif message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))

        tasks = []
        for n in range(subscribers):
            ws = await connect(ws_url, subprotocols=["graphql-transport-ws"], max_queue=None)  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            ack = json.loads(await ws.recv())
            assert ack["type"] == "connection_ack", ack
            await ws.send(
                json.dumps(
                    {"id": "1", "type": "subscribe", "payload": {"query": STAGE_SUBSCRIPTION}}
                )
            )
            sockets.append(ws)
            tasks.append(asyncio.create_task(listen(n, ws)))
        await asyncio.sleep(1.0 + subscribers / 500)  # every subscription listening
        for e in range(events):
            got.clear()
            await client.run(
                RECORD, {"input": {"player": f"Fan{e}", "message": "stage!", "channel": "TWITCH"}}
            )
            responded = time.perf_counter()
            await asyncio.wait_for(got.wait(), 60)
            latencies += [a[e] - responded for a in arrivals]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    finally:
        api.stop()
    return latencies


# --- the run ---------------------------------------------------------------------------


@dataclass
class Settings:
    """Sizes of one run."""

    players: int
    per_player: int
    obs_per_player: int
    levels: list[int]
    rounds: int
    calls: int  # calls per client per block at concurrency 1; fewer at higher levels
    fanouts: list[int]


async def run(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    """Seed, serve, measure; returns everything for the report."""
    report: dict[str, Any] = {"settings": settings.__dict__, "results": {}, "counts": {}}
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    table = f"bench-{uuid.uuid4().hex[:8]}"
    config = MemoryConfig(dynamodb_endpoint=endpoint, dynamodb_table_name=table)
    db = DynamoClient(config)
    await db.open()
    api: ApiProcess | None = None
    try:
        await create_table_if_not_exists(db)
        started = time.perf_counter()
        items = await seed(
            db, config, settings.players, settings.per_player, settings.obs_per_player
        )
        report["seed"] = {"items": items, "seconds": time.perf_counter() - started}
        print(f"seeded {items} items in {report['seed']['seconds']:.1f} s", flush=True)

        profile = Path(args.profile) if args.profile else None
        api = ApiProcess(endpoint, table, profile=profile)
        connector = aiohttp.TCPConnector(limit=128)
        async with aiohttp.ClientSession(connector=connector) as session:
            await api.wait_ready(session)
            client = Client(session, api.url)
            raw = Raw(config, db.client)
            rng = random.Random(11)

            def someone() -> str:
                return player_name(rng.randrange(settings.players))

            async def s_context(w: int, i: int) -> str:
                _, shape = await client.run(PLAYER_CONTEXT, {"name": someone()})
                return shape

            async def r_context(w: int, i: int) -> None:
                await raw.player_context(someone())

            async def s_prompt(w: int, i: int) -> str:
                _, shape = await client.run(
                    SYSTEM_PROMPT, {"player": someone(), "session": f"bench-{w}"}
                )
                return shape

            async def r_prompt(w: int, i: int) -> None:
                await raw.system_prompt(someone(), f"bench-{w}")

            async def s_record(w: int, i: int) -> str:
                variables = {
                    "input": {
                        "player": someone(),
                        "message": "What is a qubit?",
                        "qaiResponse": "A question I also ask.",
                        "channel": "TWITCH",
                    }
                }
                _, shape = await client.run(RECORD, variables)
                return shape

            async def r_record(w: int, i: int) -> None:
                await raw.record_interaction(someone())

            async def s_bot(w: int, i: int) -> str:
                name, sid = someone(), f"bot-{w}"
                _, a = await client.run(SYSTEM_PROMPT, {"player": name, "session": sid})
                variables = {
                    "input": {
                        "player": name,
                        "message": "What is a qubit?",
                        "qaiResponse": "A question I also ask.",
                        "channel": "TWITCH",
                        "sessionId": sid,
                        "idempotencyKey": uuid.uuid4().hex,
                    }
                }
                _, b = await client.run(RECORD, variables)
                return f"{a} + {b}"

            async def r_bot(w: int, i: int) -> None:
                await raw.bot_round_trip(someone(), f"rawbot-{w}")

            async def s_dashboard(w: int, i: int) -> str:
                _, shape = await client.run(DASHBOARD, {})
                return shape

            async def r_dashboard(w: int, i: int) -> None:
                await raw.dashboard()

            operations: list[tuple[str, Op, Op, int]] = [
                ("playerContext", s_context, r_context, 1),
                ("systemPrompt", s_prompt, r_prompt, 1),
                ("recordInteraction", s_record, r_record, 1),
                (
                    "bot round trip (systemPrompt + recordInteraction, with session)",
                    s_bot,
                    r_bot,
                    2,
                ),
                (
                    "dashboard page (50 players x 5 interactions + 5 observations)",
                    s_dashboard,
                    r_dashboard,
                    10,
                ),
            ]
            # Warm-up: connections, caches, the emulator's first requests.
            await measure(s_context, r_context, 4, 1, 5)
            await measure(s_dashboard, r_dashboard, 1, 1, 2)
            report["rss_start_mb"] = api.rss_mb()
            if args.only:
                operations = [o for o in operations if o[0].startswith(tuple(args.only.split(",")))]
            for name, s_op, r_op, weight in operations:
                for clients in settings.levels:
                    per_round = max(1, settings.calls // weight // max(1, clients // 4))
                    service, rawside = await measure(
                        s_op, r_op, clients, settings.rounds, per_round
                    )
                    key = f"{name} @ {clients}"
                    report["results"][key] = {
                        "op": name,
                        "clients": clients,
                        "service": service.summary(),
                        "raw": rawside.summary(),
                    }
                    report["counts"].setdefault(name, Counter()).update(service.shapes)
                    s, r = service.summary(), rawside.summary()
                    print(
                        f"{key:<80} service p50 {s['p50']:7.1f} p99 {s['p99']:7.1f} ms "
                        f"{s['rps']:6.1f}/s | raw p50 {r['p50']:7.1f} ms | "
                        f"x{s['p50'] / r['p50']:.2f}",
                        flush=True,
                    )
            report["rss_end_mb"] = api.rss_mb()
            api.stop()
            api = None
            for subscribers in settings.fanouts:
                latencies = await fanout(endpoint, subscribers, 2, session)
                report["results"][f"fan-out @ {subscribers}"] = {
                    "op": "fan-out",
                    "clients": subscribers,
                    "service": {
                        "n": len(latencies),
                        "p50": pct(latencies, 0.5) * 1000,
                        "p95": pct(latencies, 0.95) * 1000,
                        "p99": pct(latencies, 0.99) * 1000,
                        "max": max(latencies) * 1000,
                    },
                }
                print(
                    f"fan-out to {subscribers}: p50 {pct(latencies, 0.5) * 1000:.1f} "
                    f"p99 {pct(latencies, 0.99) * 1000:.1f} ms",
                    flush=True,
                )
    finally:
        if api is not None:
            api.stop()
        await db.close()
        await store.astop()
    return report


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    """recordInteraction ``args.soak`` times at 32 clients; the API's RSS along the way."""
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    table = f"bench-soak-{uuid.uuid4().hex[:8]}"
    config = MemoryConfig(dynamodb_endpoint=endpoint, dynamodb_table_name=table)
    db = DynamoClient(config)
    await db.open()
    await create_table_if_not_exists(db)
    await seed(db, config, 1000, 0, 0)
    api = ApiProcess(endpoint, table)
    samples: list[tuple[int, float]] = []
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
            await api.wait_ready(session)
            client = Client(session, api.url)
            total, done, errors = args.soak, 0, 0
            warm = max(1000, total // 10)
            started = time.perf_counter()

            async def worker(w: int) -> None:
                nonlocal done, errors
                rng = random.Random(w)
                while done < total:
                    done += 1
                    variables = {
                        "input": {
                            "player": player_name(rng.randrange(1000)),
                            "message": f"soak message {done}",
                            "channel": "TWITCH",
                            "idempotencyKey": uuid.uuid4().hex,
                        }
                    }
                    try:
                        await client.run(RECORD, variables)
                    except RuntimeError:
                        # The emulator stalls now and then (STORE_UNAVAILABLE at the
                        # deadline); the soak measures the API's memory, so it goes on.
                        errors += 1
                    if done % 1000 == 0:
                        samples.append((done, api.rss_mb()))
                        rate = done / (time.perf_counter() - started)
                        print(
                            f"soak {done}/{total}: RSS {samples[-1][1]:.1f} MB, {rate:.0f}/s",
                            flush=True,
                        )

            await asyncio.gather(*(worker(w) for w in range(32)))
            elapsed = time.perf_counter() - started
    finally:
        api.stop()
        await db.close()
        await store.astop()
    after_warm = [rss for n, rss in samples if n >= warm]
    base = after_warm[0] if after_warm else float("nan")
    return {
        "interactions": args.soak,
        "errors": errors,
        "seconds": elapsed,
        "warm_up": warm,
        "rss_after_warm_up_mb": base,
        "rss_end_mb": samples[-1][1] if samples else float("nan"),
        "rss_max_mb": max(after_warm) if after_warm else float("nan"),
        "growth_pct": (samples[-1][1] - base) / base * 100 if samples else float("nan"),
        "samples": samples,
    }


def machine() -> str:
    """CPU model, cores, memory, OS and Python."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def commit() -> str:
    """The checked-out commit, marked dirty when the tree has changes."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + (" (with uncommitted changes)" if dirty else "")


def main() -> int:
    """Parse arguments, run, write the JSON (and print a summary)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small seed and few rounds")
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--fanout", default="100,1000")
    parser.add_argument("--soak", type=int, default=0, help="run the RSS soak instead")
    parser.add_argument("--profile", default=None, help="pyinstrument report of the API process")
    parser.add_argument("--json", default=str(HERE / "results.json"))
    parser.add_argument("--only", default="", help="operations whose names start with these")
    parser.add_argument("--players", type=int, default=1000)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    started = time.perf_counter()
    if args.soak:
        result = asyncio.run(soak(args))
        result["machine"], result["commit"] = machine(), commit()
        Path(args.json).write_text(json.dumps(result, indent=1))
        print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
        return 0
    settings = Settings(
        players=200 if args.quick else args.players,
        per_player=10 if args.quick else 50,
        obs_per_player=5,
        levels=[int(x) for x in args.levels.split(",")],
        rounds=2 if args.quick else args.rounds,
        calls=5 if args.quick else args.calls,
        fanouts=[int(x) for x in args.fanout.split(",") if x],
    )
    report = asyncio.run(run(settings, args))
    report["machine"], report["commit"] = machine(), commit()
    report["seconds"] = time.perf_counter() - started
    report["counts"] = {k: dict(v) for k, v in report["counts"].items()}
    Path(args.json).write_text(json.dumps(report, indent=1))
    print(f"done in {report['seconds']:.0f} s; wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
