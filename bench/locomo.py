"""Long memory on the LoCoMo development set: what QAI still finds once every TTL passed.

Reads ../shared/data/locomo-dev.json (five LoCoMo conversations, CC BY-NC 4.0; evaluation
data: read from there, never copied into the repo). For each conversation, on a table of
its own in the embedded store, in up to three modes (``--modes``):
- ``recorded``: every turn recorded through ``recordInteraction`` (as the bot would, now,
  in turn order, session ``<conversation>-s<n>``, TTLs of ten years): recall over what was
  recorded live, without the lines' real times;
- ``live``: backfilled with real times, every TTL set to ten years, so every interaction
  stays live (the baseline);
- ``formed``: the seed's TTLs (72 h); the lines are from 2023, so every interaction is
  past its TTL when backfilled and is not stored: only what formation and consolidation
  keep by the memory's own rules can answer.
Each mode backfills the conversation with its real times (speaker = player, one line per
turn, id = ``<conversation>-<dia_id>``, session = ``<conversation>-s<n>``), runs
consolidation, then asks every question of categories 1-4 through ``recall(query,
limit=10)``. A question is found at k when one of its evidence turns is among the
provenance (``Memory.sources``' line ids; in ``recorded`` mode, the interaction ids the
turns were recorded as) of the top k memories. Prints found@1/5/10 per
category for both modes, the ratio formed/live of found@5, observations per player, and
backfill speed. A bench: it reports, it asserts nothing.
Run: .venv/bin/python bench/locomo.py [--data PATH] [--conversations N] [--modes a,b]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.service import MemoryService

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo-dev.json"
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}
KS = (1, 5, 10)
TEN_YEARS = 10 * 365 * 24 * 3600
TURN_SPACING_S = 30
MODES = ("recorded", "live", "formed")


def session_time(text: str) -> datetime:
    """'1:56 pm on 8 May, 2023' -> an aware UTC time."""
    return datetime.strptime(text.strip(), "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)


def lines_of(conversation: dict[str, Any]) -> list[str]:
    """The conversation as backfill lines (JSON Lines, one turn a line)."""
    cid = conversation["id"]
    out: list[str] = []
    for n, session in enumerate(conversation["sessions"], start=1):
        start = session_time(session["date_time"])
        for t, turn in enumerate(session["turns"]):
            at = start + timedelta(seconds=TURN_SPACING_S * t)
            out.append(
                json.dumps(
                    {
                        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "player": turn["speaker"],
                        "message": turn["text"][:2000],
                        "response": None,
                        "channel": "TWITCH",
                        "session": f"c{cid}-s{n}",
                        "id": f"c{cid}-{turn['dia_id']}",
                    }
                )
            )
    return out


def evidence_ids(conversation: dict[str, Any], question: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for entry in question.get("evidence") or []:
        for part in str(entry).replace(",", ";").split(";"):
            if part.strip():
                found.add(f"c{conversation['id']}-{part.strip()}")
    return found


async def run_mode(
    endpoint: str, conversation: dict[str, Any], mode: str
) -> tuple[dict[int, list[list[bool]]], dict[str, Any]]:
    overrides: dict[str, Any] = {}
    if mode in ("live", "recorded"):
        overrides = {"interaction_ttl": TEN_YEARS, "short_term_ttl": TEN_YEARS}
    config = MemoryConfig(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=f"qai-locomo-{mode}-{uuid.uuid4().hex[:8]}",
        max_interactions_per_player=2000,  # a LoCoMo speaker says up to ~400 lines
        **overrides,
    )
    service = MemoryService(config)
    await service.initialize()
    try:
        lines = lines_of(conversation)
        started = time.perf_counter()
        recorded: dict[str, str] = {}  # interaction id -> line id (recorded mode)
        if mode == "recorded":
            report: Any = await record(service, lines, recorded)
        else:
            report = await service.backfill(lines)
        backfill_s = time.perf_counter() - started
        started = time.perf_counter()
        await service.consolidate_memories()
        consolidate_s = time.perf_counter() - started
        results: dict[int, list[list[bool]]] = defaultdict(list)
        for question in conversation["qa"]:
            category = int(question["category"])
            if category not in CATEGORIES:
                continue
            wanted = evidence_ids(conversation, question)
            recalled = await service.recall(question["question"][:500], limit=10)
            ranked = [
                {s.line_id or recorded.get(s.interaction_id or "") for s in memory.sources}
                for memory in recalled.memories
            ]
            results[category].append([any(wanted & ids for ids in ranked[:k]) for k in KS])
        counts = {}
        for speaker in (conversation["speaker_a"], conversation["speaker_b"]):
            page = await service.list_observations(f"PLAYER#{speaker}", first=100)
            items = list(page.items)
            while page.next_cursor:
                page = await service.list_observations(
                    f"PLAYER#{speaker}", first=100, after=page.next_cursor
                )
                items.extend(page.items)
            counts[speaker] = {
                "observations": len(items),
                "long_term": sum(1 for o in items if o.memory_tier.value == "LONG_TERM"),
            }
        stats = {
            "lines": len(lines),
            "backfill_s": backfill_s,
            "consolidate_s": consolidate_s,
            "report": str(report),
            "players": counts,
        }
        return results, stats
    finally:
        await service.close()


async def record(service: MemoryService, lines: list[str], ids: dict[str, str]) -> str:
    """Every line recorded through recordInteraction, in order; ``ids`` gets each
    interaction's id -> its line's id."""
    for raw in lines:
        line = json.loads(raw)
        recorded = await service.record_interaction(
            line["player"], line["channel"].casefold(), line["message"],
            session_id=line["session"],
        )  # fmt: skip
        ids[recorded.interaction.interaction_id] = line["id"]
    return f"{len(lines)} recorded"


def rates(rows: list[list[bool]]) -> list[float]:
    return [sum(r[i] for r in rows) / len(rows) if rows else 0.0 for i in range(len(KS))]


async def main(data: Path, conversations: int, modes: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING)
    dev = json.loads(data.read_text())["conversations"][:conversations]
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    totals: dict[str, dict[int, list[list[bool]]]] = {m: defaultdict(list) for m in MODES}
    try:
        for conversation in dev:
            for mode in modes:
                results, stats = await run_mode(endpoint, conversation, mode)
                for category, rows in results.items():
                    totals[mode][category].extend(rows)
                per_s = stats["lines"] / stats["backfill_s"]
                print(
                    f"conversation {conversation['id']} {mode:6}: {stats['lines']} lines "
                    f"backfilled in {stats['backfill_s']:.1f} s ({per_s:.0f} lines/s), "
                    f"consolidated in {stats['consolidate_s']:.1f} s; {stats['players']}"
                )
    finally:
        await store.astop()
    print()
    if "recorded" in modes:
        print("| category | n | recorded found@1/5/10 |")
        print("| --- | ---: | --- |")
        rows: list[list[bool]] = []
        for category, name in CATEGORIES.items():
            rows.extend(totals["recorded"][category])
            found = " / ".join(f"{x:.3f}" for x in rates(totals["recorded"][category]))
            print(f"| {category} {name} | {len(totals['recorded'][category])} | {found} |")
        print(f"| all 1-4 | {len(rows)} | {' / '.join(f'{x:.3f}' for x in rates(rows))} |")
        print()
    print("| category | n | live found@1/5/10 | formed only found@1/5/10 | formed/live @5 |")
    print("| --- | ---: | --- | --- | ---: |")
    every: dict[str, list[list[bool]]] = {"live": [], "formed": []}
    for category, name in CATEGORIES.items():
        live, formed = totals["live"][category], totals["formed"][category]
        every["live"].extend(live)
        every["formed"].extend(formed)
        lr, fr = rates(live), rates(formed)
        ratio = fr[1] / lr[1] if lr[1] else 0.0
        print(
            f"| {category} {name} | {len(live)} | {' / '.join(f'{x:.3f}' for x in lr)} | "
            f"{' / '.join(f'{x:.3f}' for x in fr)} | {ratio:.2f} |"
        )
    lr, fr = rates(every["live"]), rates(every["formed"])
    print(
        f"| all 1-4 | {len(every['live'])} | {' / '.join(f'{x:.3f}' for x in lr)} | "
        f"{' / '.join(f'{x:.3f}' for x in fr)} | {fr[1] / lr[1] if lr[1] else 0:.2f} |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument("--modes", default=",".join(MODES), help="of " + ", ".join(MODES))
    args = parser.parse_args()
    asyncio.run(main(args.data, args.conversations, args.modes.split(",")))
