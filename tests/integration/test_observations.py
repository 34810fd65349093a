"""Observations: dedup by normalised content, idempotent stores, promotion by hand."""

from __future__ import annotations

import asyncio

import pytest

from qai_graph import MemoryService, MemoryTier
from qai_graph.errors import Conflict, NotFound
from tests.support.helpers import scan_all


async def test_same_content_reinforces_instead_of_duplicating(
    memory_service: MemoryService,
) -> None:
    first = await memory_service.store_observation(
        "PLAYER#Ada", "Ada prefers  CNOT chains.", "preference", 0.5
    )
    again = await memory_service.store_observation(
        "PLAYER#ada", "ada prefers cnot chains", "preference", 0.9
    )
    assert again.observation_id == first.observation_id
    assert (again.evidence_count, again.confidence) == (2, 0.6)
    listed = await memory_service.get_observations("PLAYER#Ada")
    assert [o.observation_id for o in listed] == [first.observation_id]


async def test_same_content_about_another_subject_is_separate(
    memory_service: MemoryService,
) -> None:
    a = await memory_service.store_observation("PLAYER#Ada", "likes puzzles", "preference")
    b = await memory_service.store_observation("PLAYER#Bo", "likes puzzles", "preference")
    assert a.observation_id != b.observation_id


async def test_concurrent_identical_stores_leave_one_observation(make_service) -> None:  # type: ignore[no-untyped-def]
    replica_a: MemoryService = await make_service()
    replica_b: MemoryService = await make_service()
    results = await asyncio.gather(
        *(
            (replica_a if n % 2 else replica_b).store_observation(
                "GENERAL", "Chat gets loud when a tunnel collapses", "event", 0.3
            )
            for n in range(12)
        )
    )
    assert len({r.observation_id for r in results}) == 1
    stored = await replica_a.get_observations("GENERAL")
    assert len(stored) == 1
    assert stored[0].evidence_count == 12
    assert stored[0].confidence == 1.0  # 0.3 + 11 x 0.1, capped


async def test_store_with_idempotency_key_applies_once(memory_service: MemoryService) -> None:
    first = await memory_service.store_observation(
        "PATTERN#7B", "7B rewards patience", "pattern", 0.4, idempotency_key="obs-1"
    )
    retry = await memory_service.store_observation(
        "PATTERN#7B", "7B rewards patience", "pattern", 0.4, idempotency_key="obs-1"
    )
    assert retry == first
    stored = await memory_service.get_observation("PATTERN#7B", first.observation_id)
    assert stored is not None and stored.evidence_count == 1
    with pytest.raises(Conflict):
        await memory_service.store_observation(
            "PATTERN#7B", "something else entirely", "pattern", 0.4, idempotency_key="obs-1"
        )


async def test_dedup_reinforcement_with_key_is_not_doubled_by_retry(
    memory_service: MemoryService,
) -> None:
    original = await memory_service.store_observation(
        "GENERAL", "Night owls solve faster", "pattern"
    )
    once = await memory_service.store_observation(
        "GENERAL", "night owls solve faster", "pattern", idempotency_key="dup-1"
    )
    twice = await memory_service.store_observation(
        "GENERAL", "night owls solve faster", "pattern", idempotency_key="dup-1"
    )
    assert once.observation_id == original.observation_id == twice.observation_id
    stored = await memory_service.get_observation("GENERAL", original.observation_id)
    assert stored is not None and stored.evidence_count == 2


async def test_promoted_observation_keeps_deduplicating(memory_service: MemoryService) -> None:
    obs = await memory_service.store_observation("PLAYER#Cy", "Cy solves in silence", "behavioral")
    await memory_service.promote_observation(obs.subject, obs.observation_id)
    again = await memory_service.store_observation(
        "PLAYER#Cy", "Cy solves in silence", "behavioral"
    )
    assert again.observation_id == obs.observation_id
    assert again.memory_tier is MemoryTier.LONG_TERM and again.ttl is None
    assert again.evidence_count == 2


async def test_unknown_observation_is_not_found(memory_service: MemoryService) -> None:
    with pytest.raises(NotFound):
        await memory_service.reinforce_observation("GENERAL", "1700000000000-abcdef012345")
    with pytest.raises(NotFound):
        await memory_service.promote_observation("GENERAL", "1700000000000-abcdef012345")


async def test_observation_pages_are_full_and_ordered(memory_service: MemoryService) -> None:
    stored = [
        await memory_service.store_observation("GENERAL", f"fact number {n}", "event")
        for n in range(7)
    ]
    await memory_service.promote_observation("GENERAL", stored[2].observation_id)
    seen: list[str] = []
    cursor = None
    while True:
        page = await memory_service.list_observations("GENERAL", first=3, after=cursor)
        assert len(page.items) == 3 or page.next_cursor is None
        seen += [o.observation_id for o in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [o.observation_id for o in reversed(stored)]
    promoted = await memory_service.list_observations("GENERAL", first=3, promoted_only=True)
    assert [o.observation_id for o in promoted.items] == [stored[2].observation_id]
    long_term = await memory_service.list_observations("GENERAL", tier=MemoryTier.LONG_TERM)
    assert len(long_term.items) == 1


async def test_observation_items_carry_no_stray_attributes(memory_service: MemoryService) -> None:
    await memory_service.store_observation("GENERAL", "a b c", "event")
    items = await scan_all(memory_service)
    kinds = sorted(i["sk"]["S"].split("#")[0] for i in items if i["pk"]["S"] == "GENERAL")
    assert kinds == ["DEDUP", "OBSERVATION"]
