"""Long memory on the LoCoMo development set: what QAI still finds once every TTL passed.

Reads ../shared/data/locomo-dev.json (five LoCoMo conversations, CC BY-NC 4.0; evaluation
data: read from there, never copied into the repo). For each conversation, on a table of
its own in the embedded store, in up to three modes (``--modes``, default live,formed):
- ``recorded``: every turn recorded through ``recordInteraction`` (as the bot would, now,
  in turn order, TTLs of ten years), without the lines' real times;
- ``live``: backfilled with real times, every TTL set to ten years, so every interaction
  stays live (the baseline);
- ``formed``: the seed's TTLs (72 h); the lines are from 2023, so every interaction is
  past its TTL when backfilled and is not stored: only what formation and consolidation
  keep by the memory's own rules can answer;
- ``bm25``: no service, textbook BM25 over the turns' text (``plain_bm25.py``): the
  baseline of issue 21's "1.1x plain BM25".
Each mode backfills the conversation with its real times (speaker = player, one line per
turn, id = ``<conversation>-<dia_id>``, session = ``<conversation>-s<n>``), runs
consolidation, then asks every question of categories 1-4 through ``recall(query,
limit=10)``. A question is found at k when one of its evidence turns is among the
provenance (``Memory.sources``' line ids; in ``recorded`` mode, the interaction ids the
turns were recorded as) of the top k memories. Prints found@1/5/10 per
category for both modes, the ratio formed/live of found@5, observations per player, and
backfill speed, and recall's p50/p95 (in process; ``--http`` asks every question again through
GraphQL over HTTP and times that). A bench: it reports, it asserts nothing.
Run: .venv/bin/python bench/locomo.py [--data PATH] [--conversations N] [--modes a,b]
(``--modes live`` skips the formed-only mode: half the time, for ranking changes;
``--dump FILE`` writes each question's found@1/5/10, to compare two runs question by question;
``--set recall_diversity=1.0`` and ``--set recall_read_dates=false``: today's ranking without
the diversification and dates. Questions are asked the day after the conversation's
last session: recall's clock, against which "last year" is read.)
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

import plain_bm25

from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.service import MemoryService

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo-dev.json"
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}
KS = (1, 5, 10)
TEN_YEARS = 10 * 365 * 24 * 3600
TURN_SPACING_S = 30


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


def asked_at(conversation: dict[str, Any]) -> datetime:
    """When the questions are asked: the day after the last session (recall's clock, so
    "last year" or "two weeks ago" are read as the speakers meant them)."""
    return max(session_time(s["date_time"]) for s in conversation["sessions"]) + timedelta(days=1)


async def run_mode(
    endpoint: str,
    conversation: dict[str, Any],
    mode: str,
    settings: dict[str, Any],
    http: bool = False,
) -> tuple[dict[int, list[list[bool]]], dict[str, Any]]:
    overrides: dict[str, Any] = dict(settings)
    if mode in ("live", "recorded"):
        overrides |= {"interaction_ttl": TEN_YEARS, "short_term_ttl": TEN_YEARS}
    config = MemoryConfig(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=f"qai-locomo-{mode}-{uuid.uuid4().hex[:8]}",
        max_interactions_per_player=2000,  # a LoCoMo speaker says up to ~400 lines
        **overrides,
    )
    moment = asked_at(conversation)
    service = MemoryService(config, clock=lambda: moment)
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
        asked: list[dict[str, Any]] = []
        took_ms: list[float] = []
        for question in conversation["qa"]:
            category = int(question["category"])
            if category not in CATEGORIES:
                continue
            wanted = evidence_ids(conversation, question)
            began = time.perf_counter()
            recalled = await service.recall(question["question"][:500], limit=10)
            took_ms.append((time.perf_counter() - began) * 1000)
            ranked = [
                {s.line_id or recorded.get(s.interaction_id or "") for s in memory.sources}
                for memory in recalled.memories
            ]
            results[category].append([any(wanted & ids for ids in ranked[:k]) for k in KS])
            # Coverage: the share of a question's evidence turns among the top k (what
            # diversification is for: an answer spread over several turns).
            cover = [len(wanted & set().union(*ranked[:k])) / max(len(wanted), 1) for k in KS]
            asked.append({"q": question["question"], "category": category,
                          "found": results[category][-1], "evidence": len(wanted),
                          "cover": cover})  # fmt: skip
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
        http_ms = await over_http(service, conversation) if http else []
        stats = {
            "took_ms": took_ms,
            "http_ms": http_ms,
            "lines": len(lines),
            "backfill_s": backfill_s,
            "consolidate_s": consolidate_s,
            "report": str(report),
            "players": counts,
            "questions": asked,
        }
        return results, stats
    finally:
        await service.close()


RECALL_QUERY = """query ($q: String!) {
  recall(query: $q, limit: 10) { totalFound memories { id content timestamp sources { lineId } } }
}"""


async def over_http(service: MemoryService, conversation: dict[str, Any]) -> list[float]:
    """Every question's ``recall`` again, through GraphQL over HTTP (uvicorn serving the
    app on this service, a client on the same event loop): the milliseconds of each."""
    import httpx
    import uvicorn

    from qai_graph.app import create_app

    app = create_app(service.config, service=service)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn sets a flag, it has no event)
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    took: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for question in conversation["qa"]:
                if int(question["category"]) not in CATEGORIES:
                    continue
                body = {"query": RECALL_QUERY, "variables": {"q": question["question"][:500]}}
                began = time.perf_counter()
                answer = await client.post("/graphql", json=body)
                took.append((time.perf_counter() - began) * 1000)
                answer.raise_for_status()
                if answer.json().get("errors"):
                    raise RuntimeError(answer.json()["errors"])
    finally:
        server.should_exit = True
        await serving
    return took


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def record(service: MemoryService, lines: list[str], ids: dict[str, str]) -> str:
    """Every line recorded through recordInteraction, in order (as the bot would, now,
    session ``<conversation>-s<n>``: without the lines' real times); ``ids`` gets each
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


async def main(
    data: Path,
    conversations: int,
    modes: tuple[str, ...],
    dump: Path | None = None,
    settings: dict[str, Any] | None = None,
    http: bool = False,
) -> None:
    logging.basicConfig(level=logging.WARNING)
    dev = json.loads(data.read_text())["conversations"][:conversations]  # noqa: ASYNC240 (once, before anything runs)
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    totals: dict[str, dict[int, list[list[bool]]]] = {m: defaultdict(list) for m in modes}
    asked: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    latency: dict[str, dict[str, list[float]]] = {m: {"took_ms": [], "http_ms": []} for m in modes}
    try:
        for conversation in dev:
            for mode in modes:
                if mode == "bm25":  # no service: the baseline
                    for category, rows in plain_bm25.found(
                        conversation, CATEGORIES, evidence_ids, KS
                    ).items():
                        totals[mode][category].extend(rows)
                    continue
                results, stats = await run_mode(endpoint, conversation, mode, settings or {}, http)
                for kind in ("took_ms", "http_ms"):
                    latency[mode][kind] += stats[kind]
                for category, rows in results.items():
                    totals[mode][category].extend(rows)
                asked[mode] += stats["questions"]
                per_s = stats["lines"] / stats["backfill_s"]
                print(
                    f"conversation {conversation['id']} {mode:6}: {stats['lines']} lines "
                    f"backfilled in {stats['backfill_s']:.1f} s ({per_s:.0f} lines/s), "
                    f"consolidated in {stats['consolidate_s']:.1f} s; {stats['players']}"
                )
    finally:
        await store.astop()
    if dump is not None:
        dump.write_text(json.dumps(asked, indent=1))  # noqa: ASYNC240 (once, after the run)
    print()
    print("| category | n | " + " | ".join(f"{m} found@1/5/10" for m in modes) + " |")
    print("| --- | ---: |" + " --- |" * len(modes))
    every: dict[str, list[list[bool]]] = {m: [] for m in modes}
    for category, name in CATEGORIES.items():
        cells = []
        for mode in modes:
            rows = totals[mode][category]
            every[mode].extend(rows)
            cells.append(" / ".join(f"{x:.3f}" for x in rates(rows)))
        count = len(totals[modes[0]][category])
        print(f"| {category} {name} | {count} | " + " | ".join(cells) + " |")
    cells = [" / ".join(f"{x:.3f}" for x in rates(every[m])) for m in modes]
    print(f"| all 1-4 | {len(every[modes[0]])} | " + " | ".join(cells) + " |")
    for mode in modes:
        spread = [q["cover"] for q in asked[mode] if q["evidence"] >= 2]
        if spread:
            means = " / ".join(f"{sum(c[i] for c in spread) / len(spread):.3f}" for i in range(3))
            print(f"{mode}: evidence covered @1/5/10, {len(spread)} questions of 2+ turns: {means}")
    for mode in modes:
        for kind, where in (("took_ms", "in process"), ("http_ms", "over HTTP")):
            values = latency[mode][kind]
            if values:
                print(
                    f"{mode}: recall {where}, {len(values)} questions: "
                    f"p50 {percentile(values, 0.5):.1f} ms, p95 {percentile(values, 0.95):.1f} ms"
                )
    if "bm25" in modes:
        baseline = rates(every["bm25"])[1]
        for mode in modes:
            if mode != "bm25" and baseline:
                print(f"{mode}/plain BM25 found@5: {rates(every[mode])[1] / baseline:.2f}")
    if {"live", "formed"} <= set(modes):
        live, formed = rates(every["live"])[1], rates(every["formed"])[1]
        print(f"formed/live found@5: {formed / live if live else 0:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument(
        "--modes", default="live,formed,bm25", help="of recorded, live, formed, bm25"
    )
    parser.add_argument(
        "--http", action="store_true", help="ask every question again over HTTP (latency)"
    )
    parser.add_argument("--dump", type=Path, help="write each question's found@k here (JSON)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SETTING=VALUE",
        help="a MemoryConfig setting, e.g. recall_diversity=1.0 recall_read_dates=false",
    )
    args = parser.parse_args()
    chosen = dict(item.split("=", 1) for item in args.set)
    modes = tuple(args.modes.split(","))
    asyncio.run(main(args.data, args.conversations, modes, args.dump, chosen, args.http))
