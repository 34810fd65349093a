"""How fast ``qai-graph backfill`` applies chat history into the embedded store (issue 20).

Generates ``--lines`` synthetic JSON Lines (the chat mix of bench/trust.py) over
``--players`` players and ``--sessions`` sessions, spread over the last ``--days`` days
(so lines older than the 72 h interaction TTL are not stored, but still formed), and
backfills them through ``MemoryService.backfill`` into a fresh embedded store, as the CLI
does. Three runs, each on a store of its own:

- ``observer=none``: the writes alone (no pending formation written);
- ``observer=local``: the writes with formation on (since 2026-12-04 each line is formed
  in its own transaction; before, right after its write; what is left is drained at the
  end): lines/s of the writes (formation included), and of everything until nothing is
  pending, which says whether formation keeps up;
- the same file again on the second store: every line skipped (already applied).

Goal: >= 500 lines/s into the embedded store on this 2-core machine.
Run: .venv/bin/python bench/backfill.py [--lines N] [--players N] [--sessions N]
``--file PATH``: the lines of PATH (written there first when it does not exist), so two
commits can be measured on the same file: ``PYTHONPATH=<other checkout> python
bench/backfill.py --file PATH`` runs this bench on the other commit's code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from datetime import UTC, datetime, timedelta

from trust import chat_mix  # bench/trust.py

from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.backfill import BackfillReport
from qai_graph.memory.service import MemoryService

RESPONSES = ("nice!", "tell me more", "that's a Bell state", None, None)


def synthetic_lines(n: int, players: int, sessions: int, days: float, seed: int) -> list[str]:
    """``n`` JSON Lines in random order (backfill sorts them), a third without an id."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    span = timedelta(days=days).total_seconds()
    out = []
    for i, (_, text) in enumerate(chat_mix(n, seed)):
        at = now - timedelta(seconds=rng.random() * span + 60)
        row: dict[str, object] = {
            "time": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "player": f"viewer{rng.randrange(players)}",
            "message": text,
            "response": rng.choice(RESPONSES),
            "channel": "TWITCH",
            "session": f"stream-{rng.randrange(sessions)}",
        }
        if i % 3:
            row["id"] = f"msg-{i:07d}"
        out.append(json.dumps(row))
    return out


async def run(
    lines: list[str], observer: str, *, replay: bool = False
) -> list[tuple[str, BackfillReport, float]]:
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    config = MemoryConfig(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=f"qai-bench-backfill-{observer}",
        observer=observer,  # type: ignore[arg-type]
    )
    service = MemoryService(config)
    results = []
    try:
        await service.initialize()
        started = time.perf_counter()
        report = await service.backfill(lines)
        results.append((f"observer={observer}", report, time.perf_counter() - started))
        if replay:
            started = time.perf_counter()
            again = await service.backfill(lines)
            results.append((f"observer={observer}, again", again, time.perf_counter() - started))
        assert await service.pending_formations() == 0
    finally:
        await service.close()
        await store.astop()
    return results


def show(name: str, report: BackfillReport, total_s: float) -> None:
    done = report.applied + report.already_applied
    print(
        f"{name:28}: {done} lines, writes {report.seconds:.2f} s = "
        f"{report.lines_per_second:,.0f} lines/s; with formation {total_s:.2f} s = "
        f"{done / total_s:,.0f} lines/s"
    )
    print(f"{'':28}  {report.summary()}")


def load_lines(n: int, players: int, sessions: int, days: float, file: str | None) -> list[str]:
    """The lines of ``file`` when it exists, else new ones (written to ``file`` if named)."""
    if file and os.path.exists(file):
        with open(file, encoding="utf-8") as f:
            return f.read().splitlines()
    lines = synthetic_lines(n, players, sessions, days, seed=20)
    if file:
        with open(file, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return lines


async def main(lines: list[str], source: str, players: int, sessions: int, days: float) -> None:
    n = len(lines)
    print(f"{source}: ", end="")
    print(
        f"{n} lines, {players} players, {sessions} sessions over {days:g} days; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    for observer, replay in (("none", False), ("local", True)):
        for name, report, total_s in await run(lines, observer, replay=replay):
            show(name, report, total_s)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--players", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=400)
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--file", help="lines from this file (written there when missing)")
    args = parser.parse_args()
    lines = load_lines(args.lines, args.players, args.sessions, args.days, args.file)
    asyncio.run(main(lines, args.file or "generated", args.players, args.sessions, args.days))
