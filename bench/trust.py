"""Trust bench: what assess() + neutralize() add to each recorded message (issue 19).

Two workloads, both through the default detector as a write would call it (the player's
last two messages as ``previous``, the message quoted with ``neutralize(limit=200)``):

- the trust set (tests/data/trust_set.json), every entry once per round;
- a realistic chat mix of N messages (default 10,000): the dev set's chat lines and
  questions (tests/data/recall_dev.json) with names, numbers and emotes varied so no two
  are alike (the views cache never helps the current message), 5 % benign look-alikes
  and 2 % injections from the trust set, spread over 300 players with their histories.

Prints p50/p95/p99 per message of assess, neutralize and both, and the cold start (the
first call builds the detector and the Unicode tables). Goal: <= 1 ms p50 added to a
write. Run: .venv/bin/python bench/trust.py [--messages N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import defaultdict, deque
from pathlib import Path

from qai_graph.memory.trust import assess, default_detector, neutralize
from qai_graph.memory.trust.normalize import views

DATA = Path(__file__).parent.parent / "tests" / "data"
EMOTES = ["", "", "", " Kappa", " LUL", " PogChamp", " :D", " lol", " 😂", " gg", "!!", " KEKW"]
NAMES = ["quinn", "bobbyq", "piapiapia", "mallory", "zoe_qubit", "h4x", "nova", "kettle"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def chat_mix(n: int, seed: int) -> list[tuple[str, str]]:
    """(player, message) pairs of a realistic chat mix."""
    rng = random.Random(seed)
    dev = json.loads((DATA / "recall_dev.json").read_text("utf-8"))
    lines = [m["message"] for m in dev["memories"] if m["kind"] == "interaction"]
    lines += [q["query"] for q in dev["questions"]]
    trust = json.loads((DATA / "trust_set.json").read_text("utf-8"))["entries"]
    benign = [e["text"] for e in trust if e["label"] == "benign"]
    injections = [e["text"] for e in trust if e["label"] == "injection"]
    out = []
    for i in range(n):
        draw = rng.random()
        pool = injections if draw < 0.02 else benign if draw < 0.07 else lines
        text = rng.choice(pool)
        if rng.random() < 0.5:
            text = f"@{rng.choice(NAMES)} {text}"
        text = f"{text}{rng.choice(EMOTES)} {i % 97 if rng.random() < 0.3 else ''}".strip()
        out.append((f"viewer{rng.randrange(300)}", text))
    return out


def run(messages: list[tuple[str, str, tuple[str, ...]]]) -> dict[str, list[float]]:
    """Per-message microseconds of assess, neutralize and both."""
    times: dict[str, list[float]] = {"assess": [], "neutralize": [], "both": []}
    clock = time.perf_counter_ns
    for _, text, previous in messages:
        t0 = clock()
        assess(text, previous=previous)
        t1 = clock()
        neutralize(text, limit=200)
        t2 = clock()
        times["assess"].append((t1 - t0) / 1000)
        times["neutralize"].append((t2 - t1) / 1000)
        times["both"].append((t2 - t0) / 1000)
    return times


def with_history(pairs: list[tuple[str, str]]) -> list[tuple[str, str, tuple[str, ...]]]:
    history: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=2))
    out = []
    for player, text in pairs:
        out.append((player, text, tuple(history[player])))
        history[player].append(text)
    return out


def report(name: str, times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    rows = {}
    print(f"\n{name}: {len(times['both'])} messages, microseconds per message")
    print(f"  {'':12} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8} {'max':>9}")
    for part, values in times.items():
        row = {
            "p50": pct(values, 0.50),
            "p95": pct(values, 0.95),
            "p99": pct(values, 0.99),
            "mean": statistics.fmean(values),
            "max": max(values),
        }
        rows[part] = row
        print(
            f"  {part:12} {row['p50']:8.1f} {row['p95']:8.1f} {row['p99']:8.1f}"
            f" {row['mean']:8.1f} {row['max']:9.1f}"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the trust set")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    started = time.perf_counter()
    default_detector()
    assess("warm-up: the Unicode tables, look-alikes: \u0456gn0re")
    neutralize("warm-up: its table")
    cold = time.perf_counter() - started
    print(f"cold start (the detector and the Unicode tables): {cold:.2f} s")
    print(f"rules: {len(default_detector().rules)}")

    entries = json.loads((DATA / "trust_set.json").read_text("utf-8"))["entries"]
    trust = [("p", e["text"], tuple(e.get("previous", ()))) for e in entries] * args.rounds
    views.cache_clear()
    report("trust set", run(trust))

    mix = with_history(chat_mix(args.messages, args.seed))
    views.cache_clear()
    times = report("chat mix (with each player's last two messages)", run(mix))
    flagged = sum(assess(text, previous=prev).flagged for _, text, prev in mix)
    print(f"  flagged: {flagged} of {len(mix)} ({flagged / len(mix):.1%})")
    goal = times["both"]["p50"] <= 1000
    print(f"\ngoal p50 <= 1 ms added per write: {'met' if goal else 'MISSED'}")


if __name__ == "__main__":
    main()
