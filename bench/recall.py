"""Recall benchmark at 100,000 memories: the index's search p95 (query embedding
included), the prompt's extra cost with a message, the write cost of local embeddings,
and the process's RSS with the index built. (The pre-index ranker it was once compared
with left the code in the house issue; its figures stay in bench/RESULTS.md.)

Memories are synthetic chat observations and interactions built from the dev set's
sentences (tests/data/recall_dev.json) with names and numbers varied, so the vocabulary
and lengths are the real ones. A query is searched as the service searches it: its time
read (dateparser; every fourth query names one), the top k diversified (MMR).
Run: .venv/bin/python bench/recall.py [--memories N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from qai_graph.config import MemoryConfig
from qai_graph.embeddings.local import LocalEmbedder
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.recall.search.documents import embed_text, to_doc
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.names import NameFinder
from qai_graph.memory.recall.search.ranking import analyse, rank
from qai_graph.memory.recall.search.when import TimeReader
from qai_graph.memory.service import MemoryService

DEV = Path(__file__).parent.parent / "tests" / "data" / "recall_dev.json"


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


PAGE = 1000


def synthetic(
    n: int, seed: int = 7, start: int = 0, players: int | None = None
) -> list[dict[str, object]]:
    data = json.loads(DEV.read_text())
    rng = random.Random(seed)
    now = datetime.now(UTC)
    texts = [m for m in data["memories"]]
    items: list[dict[str, object]] = []
    for i in range(start, start + n):
        base = rng.choice(texts)
        player = f"viewer{rng.randrange(players or n // 10 + 1)}"
        when = (now - timedelta(days=rng.random() * 30)).isoformat()
        if base["kind"] == "observation":
            items.append({
                "pk": f"PLAYER#{player}", "sk": f"OBSERVATION#{i}", "entity_type": "OBSERVATION",
                "observation_id": str(i), "content": f"{base['content']} (#{i % 97})",
                "timestamp": when, "confidence": 0.5, "evidence_count": 1, "category": "event",
                "subject": f"PLAYER#{player}", "ttl": None,
            })  # fmt: skip
        else:
            items.append({
                "pk": f"PLAYER#{player}", "sk": f"INTERACTION#{i}", "entity_type": "INTERACTION",
                "interaction_id": str(i), "player": player, "message": base["message"],
                "qai_response": base["response"], "timestamp": when,
            })  # fmt: skip
    return items


async def main(n: int, queries: int) -> None:
    proc = psutil.Process()
    gc.collect()
    rss_before = proc.memory_info().rss
    embedder = LocalEmbedder(128)
    await embedder.start()
    rss_model = proc.memory_info().rss
    # Built as the service builds it: a page of 1,000 items at a time, nothing else kept.
    index = MemoryIndex(embedder.dim)
    embed_s = build_s = 0.0
    for page in range(0, n, PAGE):
        items = synthetic(min(PAGE, n - page), seed=page, start=page, players=n // 10 + 1)
        started = time.perf_counter()
        vectors = await embedder.embed([embed_text(i) for i in items])
        assert vectors is not None
        embed_s += time.perf_counter() - started
        started = time.perf_counter()
        for item, vector in zip(items, vectors, strict=True):
            doc = to_doc(item)
            assert doc is not None
            index.upsert(doc, vector)
        build_s += time.perf_counter() - started
    del items, vectors
    gc.collect()
    rss_index = proc.memory_info().rss
    sample = synthetic(300, seed=1)
    finder = NameFinder(index)
    questions = [q["query"] for q in json.loads(DEV.read_text())["questions"]]
    now = time.time()
    # As the service searches (sync.RecallIndex.search): the query's time read first, the
    # top k diversified. Every fourth question names a time, so dateparser's cost shows.
    reader, diversity = TimeReader(), MemoryConfig().recall_diversity
    reader.warm_up()
    said_when = ["yesterday", "last week", "on 3 May, 2023", "two weeks ago", "in march"]

    new_times, dated_times = [], []
    for i in range(queries):
        query = questions[i % len(questions)]
        if i % 4 == 3:
            query = f"{query} {said_when[(i // 4) % len(said_when)]}"
        t = time.perf_counter()
        reading = reader.read(query, datetime.now(UTC))
        parsed = analyse(reading.rest if reading and reading.rest else query, index, finder)
        if reading is not None:
            parsed.periods = tuple((p.start, p.end) for p in reading.periods)
        qv = await embedder.embed([parsed.semantic_text])
        rank(index, parsed, qv[0] if qv is not None else None, now, 5, diversity=diversity)
        new_times.append((time.perf_counter() - t) * 1000)
        if i % 4 == 3:
            dated_times.append(new_times[-1])

    write = []
    for i in range(300):
        t = time.perf_counter()
        item = sample[i]
        v = await embedder.embed([str(item.get("content") or item.get("message"))])
        doc = to_doc({**item, "sk": f"{item['sk']}-w"})
        assert doc is not None and v is not None
        index.upsert(doc, v[0])
        write.append((time.perf_counter() - t) * 1000)

    print(f"memories: {n} (embedding them: {embed_s:.1f} s; index build: {build_s:.1f} s)")
    print(f"recall (index) p50 {p(new_times, 0.5):.1f} ms  p95 {p(new_times, 0.95):.1f} ms")
    print(
        f"  of which naming a time ({len(dated_times)}): p50 {p(dated_times, 0.5):.1f} ms  "
        f"p95 {p(dated_times, 0.95):.1f} ms"
    )
    print(f"write cost (embed + index one memory) p50 {p(write, 0.5):.2f} ms")
    print(
        f"RSS: before {rss_before / 1e6:.0f} MB, model {rss_model / 1e6:.0f} MB, "
        f"with index {rss_index / 1e6:.0f} MB; index arrays {index.memory_bytes() / 1e6:.0f} MB"
    )
    print(f"mean query {statistics.mean(new_times):.1f} ms")
    await prompt_ratio(index, embedder, questions)


async def prompt_ratio(
    index: MemoryIndex, embedder: LocalEmbedder, questions: list[str], pairs: int = 300
) -> None:
    """systemPrompt p50 with a message / without, on the embedded store, with the 100k
    index in place (alternating calls, so both see the same noise)."""
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    service = MemoryService(MemoryConfig(dynamodb_endpoint=endpoint, embeddings="local",
                                         embeddings_dim=embedder.dim))  # fmt: skip
    await service.initialize()
    try:
        for n in range(5):
            await service.record_interaction(
                "viewer1", "twitch", f"hello {n}", "hi", session_id="s1"
            )
        service.recall_index.index = index
        service.recall_index._names = NameFinder(index)
        plain: list[float] = []
        with_message: list[float] = []

        async def timed(message: str | None, into: list[float]) -> None:
            t = time.perf_counter()
            await service.build_system_prompt("viewer1", "s1", message=message)
            into.append((time.perf_counter() - t) * 1000)

        for i in range(pairs + 20):
            # Each call's order alternates, so neither kind always follows the other
            # (caches, the emulator's state); the first 20 pairs warm up.
            message = questions[i % len(questions)]
            calls = [(None, plain), (message, with_message)]
            for text, into in calls if i % 2 else calls[::-1]:
                await timed(text, into if i >= 20 else [])
        ratio = p(with_message, 0.5) / p(plain, 0.5)
        print(f"systemPrompt p50 without {p(plain, .5):.1f} ms, with message "
              f"{p(with_message, .5):.1f} ms: {ratio:.2f}x")  # fmt: skip
    finally:
        await service.close()
        await store.astop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--memories", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.memories, args.queries))
