"""Recall quality on the labelled development set (tests/data/recall_dev.json).

The set is seeded once per module through the service, each memory backdated by its
``days_ago`` (the memory modules' ``_now`` is their clock seam), with local embeddings.
A second service on the same table with ``QAI_MEMORY_EMBEDDINGS=none`` builds its index
from the table. Every question goes through ``recall`` (limit 5, the asker as
``player``); recall@5 and MRR per kind are printed and held to the issue's bars, and
``systemPrompt`` with the question as the message must quote a relevant memory.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qai_graph import MemoryService
from qai_graph.config import MemoryConfig
from qai_graph.memory import interactions as recording
from qai_graph.memory import observations as observing
from qai_graph.memory import players
from qai_graph.memory import sessions as working
from qai_graph.memory.prompt.quoting import clean_text
from tests.support import recall_eval

DAY = 24 * 60 * 60
LONG = 400 * DAY  # memories of the set stay short-term, but must not expire in the test


@contextlib.contextmanager
def clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> Iterator[None]:
    """Make every memory module's clock read ``moment``."""
    for module in (observing, recording, players, working):
        monkeypatch.setattr(module, "_now", lambda: moment)
    yield
    monkeypatch.undo()


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


async def seed(memory: MemoryService, data: dict[str, Any], now: datetime) -> None:
    """Players, interactions and observations of the set, each at its own time."""
    with pytest.MonkeyPatch.context() as patch:
        for player in data["players"]:
            with clock(patch, now - timedelta(days=player.get("first_seen_days_ago", 30))):
                await memory.get_or_create_player(player["name"])
            updates: dict[str, Any] = {"preferred_patterns": player.get("preferred_patterns") or []}
            if player.get("play_style"):
                updates["play_style"] = player["play_style"]
            await memory.update_player(player["name"], updates)
        for item in sorted(data["memories"], key=lambda m: -m["days_ago"]):
            with clock(patch, now - timedelta(days=item["days_ago"])):
                if item["kind"] == "interaction":
                    await memory.store_interaction(
                        item["player"], item["channel"], item["message"], item["response"]
                    )
                    continue
                evidence = int(item.get("evidence", 1))
                start = max(0.0, float(item["confidence"]) - 0.1 * (evidence - 1))
                obs = await memory.store_observation(
                    item["subject"], item["content"], item["category"], round(start, 2)
                )
                for _ in range(evidence - 1):
                    await memory.reinforce_observation(obs.subject, obs.observation_id)
                if item.get("promoted"):
                    await memory.promote_observation(obs.subject, obs.observation_id)


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
        await seed(local, data, datetime.now(UTC))
        lexical = MemoryService(_config(dynamo_endpoint, table, "none"))
        await lexical.initialize()  # builds its index from the table
        result.services = {"local": local, "none": lexical}
        yield result
    finally:
        for memory in result.services.values():
            await memory.close()
        if not result.services:
            await local.close()


def _label(memory: Any, players: dict[str, str]) -> str:
    if memory.kind == "profile":
        return "profile:" + players.get((memory.id or "").casefold(), memory.id or "")
    # The set's ids are content-addressed here: the store makes its own ids.
    return memory.kind + ":" + (memory.content if memory.kind == "observation" else memory.message)


def _expected(data: dict[str, Any]) -> dict[str, str]:
    """Set id -> the label ``_label`` gives the stored memory."""
    found = {}
    for item in data["memories"]:
        if item["kind"] == "observation":
            found[item["id"]] = "observation:" + item["content"]
        else:
            found[item["id"]] = "interaction:" + item["message"]
    for player in data["players"]:
        found["profile:" + player["name"].casefold()] = "profile:" + player["name"]
    return found


async def _scores(memory: MemoryService, data: dict[str, Any]) -> recall_eval.Scores:
    players = {p["name"].casefold(): p["name"] for p in data["players"]}
    expected = _expected(data)
    answers: dict[str, list[str]] = {}
    for question in data["questions"]:
        result = await memory.recall(question["query"], limit=5, player=question["asker"])
        answers[question["id"]] = [_label(m, players) for m in result.memories]
    questions = [
        {**q, "relevant": [expected.get(r, expected.get(r.casefold(), r)) for r in q["relevant"]]}
        for q in data["questions"]
    ]
    return recall_eval.score(questions, lambda q: answers[q["id"]])


async def test_recall_meets_the_bars_with_local_embeddings(seeded: Seeded) -> None:
    scores = await _scores(seeded.services["local"], seeded.data)
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
    scores = await _scores(seeded.services["none"], seeded.data)
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
