"""Recall quality on the labelled development set (tests/data/recall_dev.json).

The set is seeded once per module through the service, each memory backdated by its
``days_ago`` (the memory modules' ``_now`` is their clock seam), with local embeddings.
A second service on the same table with ``QAI_MEMORY_EMBEDDINGS=none`` builds its index
from the table. Every question goes through ``recall`` (limit 5, the asker as
``player``); recall@5 and MRR per kind are printed and held to the issue's bars, and
``systemPrompt`` with the question as the message must quote a relevant memory.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from qai_graph import MemoryService
from qai_graph.config import MemoryConfig
from qai_graph.memory.prompt.quoting import clean_text
from tests.support import recall_eval

DAY = 24 * 60 * 60
LONG = 400 * DAY  # memories of the set stay short-term, but must not expire in the test


def _config(endpoint: str, table: str, embeddings: str) -> MemoryConfig:
    return MemoryConfig(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=table,
        embeddings=embeddings,  # type: ignore[arg-type]
        short_term_ttl=LONG,
        interaction_ttl=LONG,
        observation_promotion_confidence=1.0,
        observation_promotion_evidence=100,
    )


class Seeded:
    """The set's ids by stored key, and the services over one seeded table."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.ids: dict[tuple[str, str], str] = {}
        self.services: dict[str, MemoryService] = {}


@pytest.fixture(scope="module")
async def seeded(dynamo_endpoint: str) -> AsyncIterator[Seeded]:
    data = recall_eval.load()
    table = f"qai-recall-{uuid.uuid4().hex[:8]}"
    result = Seeded(data)
    local = MemoryService(_config(dynamo_endpoint, table, "local"))
    await local.initialize()
    try:
        await recall_eval.seed(local, data, datetime.now(UTC))
        lexical = MemoryService(_config(dynamo_endpoint, table, "none"))
        await lexical.initialize()  # builds its index from the table
        result.services = {"local": local, "none": lexical}
        yield result
    finally:
        for memory in result.services.values():
            await memory.close()
        if not result.services:
            await local.close()


async def test_recall_meets_the_bars_with_local_embeddings(seeded: Seeded) -> None:
    scores = await recall_eval.service_scores(seeded.services["local"], seeded.data)
    print("\nrecall on the dev set, QAI_MEMORY_EMBEDDINGS=local\n" + scores.table())
    for miss in scores.misses:
        print(
            "  not first:",
            miss[1],
            "| want",
            [w[:40] for w in miss[2]],
            "| got",
            [g[:40] for g in miss[3]],
        )
    assert scores.recall["overall"] >= 0.90
    assert scores.mrr["overall"] >= 0.70
    for kind, value in scores.recall.items():
        assert value >= 0.80, f"{kind}: recall@5 {value:.2f}"


async def test_recall_meets_the_lexical_bar_without_embeddings(seeded: Seeded) -> None:
    scores = await recall_eval.service_scores(seeded.services["none"], seeded.data)
    print("\nrecall on the dev set, QAI_MEMORY_EMBEDDINGS=none\n" + scores.table())
    assert scores.recall["overall"] >= 0.70


async def test_system_prompt_quotes_a_relevant_memory(seeded: Seeded) -> None:
    memory = seeded.services["local"]
    by_id = {m["id"]: m for m in seeded.data["memories"]}
    found = 0
    for question in seeded.data["questions"]:
        prompt = await memory.build_system_prompt(
            player=question["asker"], message=question["query"]
        )
        section = prompt.split("## What I Remember", 1)[-1]
        wanted = []
        for ref in question["relevant"]:
            item = by_id.get(ref)
            if item is None:  # a profile: its name heads the section or a line
                wanted.append(ref.split(":", 1)[1])
            else:
                wanted.append(item.get("content") or item["message"])
        # Quotes are cut at 200 characters and turn " into ': compare the first 60.
        heads = [clean_text(t, 60).rstrip("…").replace('"', "'").casefold() for t in wanted]
        if any(head in section.casefold() for head in heads):
            found += 1
    share = found / len(seeded.data["questions"])
    print(f"\nsystemPrompt quotes a relevant memory for {share:.2f} of the dev questions")
    assert share >= 0.90
