"""Turn context over GraphQL HTTP: a recalled reply's ``context`` (the turns around it),
read when selected, and ``contextTurns`` checked."""

from __future__ import annotations

from tests.support.api_harness import RunningApp
from tests.support.operations import RECORD, record_input

CONTEXT = """
query ($q: String!, $turns: Int) {
  recall(query: $q, limit: 5, player: "carol", contextTurns: $turns) {
    memories { id message ...Around }
  }
}
fragment Around on Memory {
  context { position interactionId player message response timestamp channel flag private }
}
"""
PLAIN = "query ($q: String!) { recall(query: $q, limit: 5) { memories { id message } } }"


async def record(api: RunningApp, player: str, message: str, **extra: object) -> str:
    data = await api.client.data(RECORD, record_input(player, message, sessionId="s1", **extra))
    return str(data["recordInteraction"]["interaction"]["id"])


async def test_a_recalled_reply_carries_the_turns_around_it(api: RunningApp) -> None:
    asked = await record(api, "Bob", "did you go to the dinosaur museum?", qaiResponse="Fossils!")
    answered = await record(api, "Alice", "Yes! We went last weekend")
    query = "anyone been at the dinosaur museum?"
    memories = (await api.client.data(CONTEXT, {"q": query}))["recall"]["memories"]
    reply = next(m for m in memories if m["id"] == answered)  # found by its question
    assert reply["message"] == "Yes! We went last weekend"
    (before,) = reply["context"]  # selected: one turn each side by default; none after
    assert before["position"] == -1 and before["interactionId"] == asked
    assert (before["player"], before["message"], before["response"]) == (
        "Bob",
        "did you go to the dinosaur museum?",
        "Fossils!",
    )
    assert before["timestamp"] and before["channel"] and not before["private"]
    question = next(m for m in memories if m["id"] == asked)
    assert [(t["position"], t["interactionId"]) for t in question["context"]] == [(1, answered)]
    none = (await api.client.data(CONTEXT, {"q": query, "turns": 0}))["recall"]["memories"]
    assert all(m["context"] == [] for m in none)
    plain = (await api.client.data(PLAIN, {"q": query}))["recall"]["memories"]
    assert answered in {m["id"] for m in plain}


async def test_context_turns_out_of_range_is_invalid_input(api: RunningApp) -> None:
    error = await api.client.error(CONTEXT, {"q": "museum", "turns": 4})
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["field"] == "contextTurns"
