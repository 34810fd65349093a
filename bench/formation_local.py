"""How long the local formation rules take per exchange, and how much of long chat they keep.

    .venv/bin/python bench/formation_local.py [--rounds 20] [--locomo PATH]

Times ``qai_graph.observers.local.form`` (what ``LocalObserver.observe`` runs) on every
exchange of tests/data/formation_set.json, ``--rounds`` times, and on every turn of the
LoCoMo development set when it is there (read only; nothing of it is kept), each turn
with the session's earlier turns as context, as formation sees them. Prints p50, p95,
p99 and max per exchange, and the share of LoCoMo turns that formed something (with the
sentences formed per turn). Not a test: times depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from qai_graph.observers.base import ExchangeView, Turn
from qai_graph.observers.local import form

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "tests" / "data" / "formation_set.json"
LOCOMO = ROOT.parent.parent / "shared" / "data" / "locomo-dev.json"
EARLIER = 6  # turns of context handed to the observer, as the session cache holds


def set_exchanges() -> list[ExchangeView]:
    entries: list[dict[str, Any]] = json.loads(SET.read_text("utf-8"))["exchanges"]
    return [
        ExchangeView(
            player=e["player"],
            message=e["message"],
            earlier=tuple(Turn(s, t) for s, t in e.get("earlier", [])),
        )
        for e in entries
    ]


def locomo_exchanges(path: Path) -> list[ExchangeView]:
    """Every turn as the speaker's message; the other speaker's lines are the earlier
    turns (LoCoMo has no QAI: its questions are the partner's)."""
    out: list[ExchangeView] = []
    for conversation in json.loads(path.read_text("utf-8"))["conversations"]:
        for session in conversation["sessions"]:
            turns: list[Turn] = []
            for turn in session["turns"]:
                out.append(ExchangeView(player=turn["speaker"], message=turn["text"],
                                        earlier=tuple(turns[-EARLIER:])))  # fmt: skip
                turns.append(Turn(turn["speaker"], turn["text"]))
    return out


def timed(exchanges: list[ExchangeView], rounds: int) -> tuple[list[float], list[int]]:
    times: list[float] = []
    counts: list[int] = []
    for n in range(rounds):
        for exchange in exchanges:
            start = time.perf_counter()
            formed = form(exchange)
            times.append((time.perf_counter() - start) * 1000)
            if n == 0:
                counts.append(len(formed))
    return times, counts


def describe(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    q = statistics.quantiles(ordered, n=100)
    print(
        f"{label}: {len(times)} calls, p50 {q[49]:.3f} ms, p95 {q[94]:.3f} ms, "
        f"p99 {q[98]:.3f} ms, max {ordered[-1]:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--locomo", type=Path, default=LOCOMO)
    args = parser.parse_args()
    exchanges = set_exchanges()
    timed(exchanges, 2)  # warm the caches of the stemmer
    times, _ = timed(exchanges, args.rounds)
    describe("formation set", times)
    if args.locomo.exists():
        turns = locomo_exchanges(args.locomo)
        times, counts = timed(turns, max(1, args.rounds // 10))
        describe("LoCoMo dev turns", times)
        kept = sum(1 for c in counts if c)
        print(
            f"LoCoMo dev: {kept}/{len(counts)} turns formed something "
            f"({kept / len(counts):.1%}), {sum(counts)} sentences "
            f"({sum(counts) / len(counts):.2f} per turn)"
        )
    else:
        print(f"{args.locomo} not found: LoCoMo figures skipped")


if __name__ == "__main__":
    main()
