"""DESIGN.md's invariants 1, 2, 5, 6 and 8, each checked against stored items."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import pytest

from qai_graph import Channel, MemoryService
from qai_graph.errors import InvalidInput, NotFound
from tests.support.helpers import count_requests, scan_all, writes


async def test_numbers_are_dynamodb_numbers(memory_service: MemoryService) -> None:
    """Invariant 1: confidence, counters and ttl travel as N, never as strings."""
    await memory_service.store_interaction("Ada", Channel.TWITCH, "hi", context={"fidelity": 0.93})
    await memory_service.store_observation("PLAYER#Ada", "Ada likes Hadamards", "preference", 0.7)
    items = await scan_all(memory_service)
    observation = next(i for i in items if i["sk"]["S"].startswith("OBSERVATION#"))
    assert "N" in observation["confidence"] and Decimal(observation["confidence"]["N"]) == Decimal(
        "0.7"
    )
    assert "N" in observation["ttl"] and "N" in observation["evidence_count"]
    profile = next(i for i in items if i["sk"]["S"] == "PROFILE")
    assert "N" in profile["total_interactions"]
    interaction = next(i for i in items if i["sk"]["S"].startswith("INTERACTION#"))
    assert interaction["context"]["M"]["fidelity"] == {"N": "0.93"}


@pytest.mark.parametrize("confidence", [-0.1, 1.5, float("nan"), float("inf")])
async def test_confidence_outside_unit_interval_is_refused(
    memory_service: MemoryService, confidence: float
) -> None:
    """Invariant 1 and 8: confidence stays in [0, 1]; the refusal writes nothing."""
    before = await scan_all(memory_service)
    with pytest.raises(InvalidInput) as raised:
        await memory_service.store_observation("GENERAL", "x", "event", confidence)
    assert raised.value.field == "confidence"
    assert await scan_all(memory_service) == before


async def test_expired_items_never_appear_in_reads(make_service) -> None:  # type: ignore[no-untyped-def]
    """Invariant 2: past its ttl an item is hidden everywhere, though moto never deletes it."""
    # 3 s, not 1: ttls are whole seconds, and on a loaded machine the first read may come
    # more than a second after the write; the wait is measured from the write.
    ttl = 3
    service: MemoryService = await make_service(
        interaction_ttl=ttl, short_term_ttl=ttl, session_ttl=ttl
    )
    written = time.monotonic()
    await service.store_interaction("Bo", Channel.TWITCH, "old news", session_id="s-old")
    stored = await service.store_observation("PLAYER#Bo", "Bo hums while solving", "behavioral")
    assert len(await service.get_player_history("Bo")) == 1
    await asyncio.sleep(max(0.0, written + ttl + 1.2 - time.monotonic()))

    assert len(await scan_all(service)) > 0  # still stored: only reads hide it
    assert await service.get_player_history("Bo") == []
    assert (await service.list_interactions("Bo")).items == []
    assert await service.get_observations("PLAYER#Bo") == []
    assert await service.get_observation("PLAYER#Bo", stored.observation_id) is None
    context = await service.recall_about_player("Bo")
    assert context.recent_interactions == [] and context.observations == []
    assert await service.get_session_context("s-old") is None
    with pytest.raises(NotFound):
        await service.reinforce_observation("PLAYER#Bo", stored.observation_id)
    recalled = await service.recall("what does Bo do while solving")
    assert all(m.type != "observation" for m in recalled.memories)


async def test_reinforce_adds_evidence_and_caps_confidence(memory_service: MemoryService) -> None:
    """Invariant 5: evidence +1, confidence +0.1 capped at 1.0."""
    obs = await memory_service.store_observation("GENERAL", "Players rest at dusk", "pattern", 0.75)
    once = await memory_service.reinforce_observation(obs.subject, obs.observation_id)
    assert (once.evidence_count, once.confidence) == (2, 0.85)
    for _ in range(3):
        last = await memory_service.reinforce_observation(obs.subject, obs.observation_id)
    assert (last.evidence_count, last.confidence) == (5, 1.0)
    stored = await memory_service.get_observation(obs.subject, obs.observation_id)
    assert stored is not None and (stored.evidence_count, stored.confidence) == (5, 1.0)


async def test_concurrent_reinforcements_all_count(memory_service: MemoryService) -> None:
    """Invariant 5 atomically: 25 concurrent reinforcements add exactly 25 evidence."""
    obs = await memory_service.store_observation(
        "PATTERN#7B", "7B is solved left to right", "pattern", 0.1
    )
    await asyncio.gather(
        *(memory_service.reinforce_observation(obs.subject, obs.observation_id) for _ in range(25))
    )
    stored = await memory_service.get_observation(obs.subject, obs.observation_id)
    assert stored is not None
    assert stored.evidence_count == 26
    assert stored.confidence == 1.0


async def test_reinforce_extends_short_term_ttl(memory_service: MemoryService) -> None:
    """Reinforcement is fresh evidence: a short-term observation's expiry slides forward."""
    obs = await memory_service.store_observation("GENERAL", "Dawn players are quiet", "pattern")
    await asyncio.sleep(1.1)
    again = await memory_service.reinforce_observation(obs.subject, obs.observation_id)
    assert obs.ttl is not None and again.ttl is not None and again.ttl > obs.ttl


async def test_promotion_is_long_term_without_ttl_and_idempotent(
    memory_service: MemoryService,
) -> None:
    """Invariant 6: LONG_TERM, no ttl, promoted; promoting twice changes nothing."""
    obs = await memory_service.store_observation(
        "PLAYER#Cy", "Cy always asks why", "behavioral", 0.8
    )
    first = await memory_service.promote_observation(obs.subject, obs.observation_id)
    assert first.promoted and first.memory_tier.value == "LONG_TERM" and first.ttl is None
    before = await scan_all(memory_service)
    with count_requests(memory_service) as counts:
        second = await memory_service.promote_observation(obs.subject, obs.observation_id)
    assert second == first
    assert writes(counts) == 0
    assert await scan_all(memory_service) == before
    raw = next(i for i in before if i["sk"]["S"] == f"OBSERVATION#{obs.observation_id}")
    assert "ttl" not in raw and "tier_pk" not in raw  # out of the expiry index too


async def test_reads_never_write(memory_service: MemoryService) -> None:
    """Invariant 8: every read path issues no write, even for unknown players."""
    await memory_service.store_interaction("Dee", Channel.INGAME, "hello")
    before = await scan_all(memory_service)
    with count_requests(memory_service) as counts:
        assert await memory_service.get_player("Nobody") is None
        context = await memory_service.recall_about_player("Nobody")
        assert context.known is False and context.profile.total_interactions == 0
        await memory_service.recall_about_player("Dee")
        await memory_service.get_evolution_state()
        await memory_service.recall("tell me about dee and nobody")
        await memory_service.build_system_prompt("Nobody", "no-such-session", {"world": [0, 0, 0]})
        await memory_service.get_session_context("no-such-session")
        await memory_service.list_players()
        await memory_service.get_observations("GENERAL")
        await memory_service.get_pattern("7B")
    assert sum(counts.values()) > 0
    assert writes(counts) == 0
    assert await scan_all(memory_service) == before


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: s.store_interaction("bad#name", Channel.TWITCH, "hi"), "name"),
        (lambda s: s.store_interaction("ok", "carrier-pigeon", "hi"), "channel"),
        (lambda s: s.store_interaction("ok", Channel.TWITCH, ""), "message"),
        (lambda s: s.store_interaction("ok", Channel.TWITCH, "x" * 5000), "message"),
        (
            lambda s: s.store_interaction("ok", Channel.TWITCH, "hi", sentiment="ecstatic"),
            "sentiment",
        ),
        (lambda s: s.store_interaction("ok\x00", Channel.TWITCH, "hi"), "name"),
        (lambda s: s.store_observation("SESSION#x", "c", "event"), "subject"),
        (lambda s: s.store_observation("PLAYER#a#b", "c", "event"), "name"),
        (lambda s: s.store_observation("GENERAL", "c", "gossip"), "category"),
        (lambda s: s.record_solution("ok", "7B", 1.2, 100), "fidelity"),
        (lambda s: s.record_solution("ok", "7B", 0.5, -1), "time_ms"),
        (lambda s: s.list_players(limit=1000), "limit"),
        (lambda s: s.list_players(cursor="not-a-cursor"), "after"),
        (lambda s: s.update_player("ok", {"total_interactions": 99}), "updates"),
        (lambda s: s.add_session_message("s1", "narrator", "hi"), "role"),
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    memory_service: MemoryService,
    call,
    field: str,  # type: ignore[no-untyped-def]
) -> None:
    """Invariant 8: a clear error naming the field, and the table is unchanged."""
    await memory_service.store_interaction("ok", Channel.TWITCH, "seed the table")
    before = await scan_all(memory_service)
    with pytest.raises(InvalidInput) as raised:
        await call(memory_service)
    assert raised.value.code == "INVALID_INPUT"
    assert raised.value.field == field
    assert await scan_all(memory_service) == before


async def test_a_name_cannot_forge_another_key(memory_service: MemoryService) -> None:
    """'#' is refused, and case or spacing variants map to the same player."""
    await memory_service.store_interaction("Eve", Channel.TWITCH, "one")
    await memory_service.store_interaction("  EVE ", Channel.TWITCH, "two")
    profile = await memory_service.get_player("eve")
    assert profile is not None and profile.total_interactions == 2
    with pytest.raises(InvalidInput):
        await memory_service.get_player("eve#PROFILE")
