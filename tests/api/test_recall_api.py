"""recall(query, limit, player) and systemPrompt(message) over GraphQL."""

from __future__ import annotations

import pytest

from tests.support.api_harness import RunningApp
from tests.support.operations import RECORD, STORE_OBSERVATION, record_input

RECALL = """
query ($q: String!, $who: String) {
  recall(query: $q, limit: 5, player: $who) {
    memories { kind id player subject content message response score type }
    totalFound
  }
}
"""


async def test_recall_says_kind_id_and_the_exchange(api: RunningApp) -> None:
    recorded = await api.client.data(
        RECORD,
        record_input("AdaBytes", "does teleportation destroy the original?", qaiResponse="Yes."),
    )
    stored = await api.client.data(
        STORE_OBSERVATION,
        {"input": {"subject": "GENERAL", "content": "Teleportation is the hardest level",
                   "category": "PATTERN"}},
    )  # fmt: skip
    data = await api.client.data(RECALL, {"q": "what did ada ask about teleportation", "who": "bo"})
    memories = data["recall"]["memories"]
    first = memories[0]
    assert first["kind"] == "interaction" and first["type"] == "interaction"
    assert first["id"] == recorded["recordInteraction"]["interaction"]["id"]
    assert (first["player"], first["message"], first["response"]) == (
        "AdaBytes",
        "does teleportation destroy the original?",
        "Yes.",
    )
    general = next(m for m in memories if m["kind"] == "observation")
    assert general["id"] == stored["storeObservation"]["id"]
    assert general["subject"] == "GENERAL"


@pytest.mark.parametrize("query", ["", "x" * 10_000])
async def test_an_empty_or_overlong_query_is_invalid_input(api: RunningApp, query: str) -> None:
    error = await api.client.error(RECALL, {"q": query})
    assert error["extensions"]["code"] == "INVALID_INPUT"


async def test_system_prompt_message_brings_other_players_memories(api: RunningApp) -> None:
    await api.client.data(
        STORE_OBSERVATION,
        {"input": {"subject": "PLAYER#frank", "content": "Frank thinks QAI lives in the cryostat",
                   "category": "PREFERENCE"}},
    )  # fmt: skip
    query = 'query ($m: String) { systemPrompt(player: "bo", message: $m) }'
    without = await api.client.data(query, {"m": None})
    assert "cryostat" not in without["systemPrompt"]
    prompt = (await api.client.data(query, {"m": "who thinks qai lives in the fridge"}))[
        "systemPrompt"
    ]
    assert "Frank thinks QAI lives in the cryostat" in prompt
