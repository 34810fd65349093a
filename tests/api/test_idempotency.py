"""Idempotency keys over the API: applied once, the first result returned, CONFLICT on
another payload, and keys that expire."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.api_harness import ConfigFactory, RunningApp, serve
from tests.support.operations import RECORD, STORE_OBSERVATION, record_input

SOLUTION = """
mutation S($input: RecordSolutionInput!) {
  recordSolution(input: $input) {
    player { name totalSolutions averageFidelity }
    pattern { patternId timesObserved }
    evolution { totalSolutionsObserved }
    stageAdvanced
  }
}
"""
TOTALS = "{ evolution { totalInteractions totalSolutionsObserved } }"


def solution(key: str, fidelity: float = 0.9) -> dict[str, Any]:
    return {
        "input": {
            "player": "Ida",
            "patternId": "bell",
            "fidelity": fidelity,
            "timeMs": 1200,
            "idempotencyKey": key,
        }
    }


def observation(key: str, content: str = "Asks why before how") -> dict[str, Any]:
    return {
        "input": {
            "subject": "PLAYER#Ida",
            "content": content,
            "category": "BEHAVIORAL",
            "confidence": 0.5,
            "idempotencyKey": key,
        }
    }


async def test_record_interaction_applies_once(api: RunningApp) -> None:
    first = await api.client.data(RECORD, record_input("Ida", "hi", idempotencyKey="i-1"))
    again = await api.client.data(RECORD, record_input("Ida", "hi", idempotencyKey="i-1"))
    assert again["recordInteraction"]["replayed"] is True
    assert again["recordInteraction"]["interaction"] == first["recordInteraction"]["interaction"]
    assert (await api.client.data(TOTALS))["evolution"]["totalInteractions"] == 1
    error = await api.client.error(RECORD, record_input("Ida", "bye", idempotencyKey="i-1"))
    assert error["extensions"]["code"] == "CONFLICT"
    assert (await api.client.data(TOTALS))["evolution"]["totalInteractions"] == 1


async def test_concurrent_retries_apply_once(api: RunningApp) -> None:
    results = await asyncio.gather(
        *(
            api.client.data(RECORD, record_input("Ida", "hi", idempotencyKey="c-1"))
            for _ in range(5)
        )
    )
    assert sorted(r["recordInteraction"]["replayed"] for r in results) == [False] + [True] * 4
    assert len({r["recordInteraction"]["interaction"]["id"] for r in results}) == 1
    assert (await api.client.data(TOTALS))["evolution"]["totalInteractions"] == 1


async def test_record_solution_applies_once(api: RunningApp) -> None:
    first = await api.client.data(SOLUTION, solution("s-1"))
    again = await api.client.data(SOLUTION, solution("s-1"))
    assert again == first
    assert first["recordSolution"]["player"]["totalSolutions"] == 1
    assert (await api.client.data(TOTALS))["evolution"]["totalSolutionsObserved"] == 1
    error = await api.client.error(SOLUTION, solution("s-1", fidelity=0.5))
    assert error["extensions"]["code"] == "CONFLICT"
    pattern = await api.client.data('{ pattern(id: "bell") { timesObserved } }')
    assert pattern["pattern"]["timesObserved"] == 1


async def test_store_observation_applies_once(api: RunningApp) -> None:
    first = await api.client.data(STORE_OBSERVATION, observation("o-1"))
    again = await api.client.data(STORE_OBSERVATION, observation("o-1"))
    assert again == first
    assert first["storeObservation"]["evidenceCount"] == 1  # not reinforced by the retry
    error = await api.client.error(STORE_OBSERVATION, observation("o-1", content="Other"))
    assert error["extensions"]["code"] == "CONFLICT"
    listed = await api.client.data('{ observations(subject: "PLAYER#Ida") { nodes { id } } }')
    assert listed["observations"]["nodes"] == [{"id": first["storeObservation"]["id"]}]


async def test_keys_expire(make_config: ConfigFactory) -> None:
    async with serve(make_config(idempotency_ttl=1)) as api:
        await api.client.data(RECORD, record_input("Ida", "hi", idempotencyKey="e-1"))
        await asyncio.sleep(2.1)  # the record's ttl (whole seconds) has passed
        again = await api.client.data(RECORD, record_input("Ida", "hi", idempotencyKey="e-1"))
        assert again["recordInteraction"]["replayed"] is False
        assert (await api.client.data(TOTALS))["evolution"]["totalInteractions"] == 2
