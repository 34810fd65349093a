"""Consolidation: promotion, pruning of every expired item, per-player bounds, safety."""

from __future__ import annotations

import asyncio

from qai_graph import Channel, MemoryService, MemoryTier
from qai_graph.store import maintenance
from tests.support.helpers import scan_all


async def test_promotes_every_observation_meeting_thresholds(memory_service: MemoryService) -> None:
    ready = []
    for n in range(5):
        obs = await memory_service.store_observation("GENERAL", f"proven fact {n}", "pattern", 0.6)
        for _ in range(2):  # evidence 3, confidence 0.8: exactly at both thresholds
            obs = await memory_service.reinforce_observation(obs.subject, obs.observation_id)
        ready.append(obs)
    weak = await memory_service.store_observation("GENERAL", "a hunch", "pattern", 0.9)
    result = await memory_service.consolidate_memories()
    assert result.observations_promoted == 5
    for obs in ready:
        stored = await memory_service.get_observation("GENERAL", obs.observation_id)
        assert stored is not None and stored.promoted and stored.ttl is None
        assert stored.memory_tier is MemoryTier.LONG_TERM
    untouched = await memory_service.get_observation("GENERAL", weak.observation_id)
    assert untouched is not None and not untouched.promoted  # evidence 1 < 3
    again = await memory_service.consolidate_memories()
    assert again.observations_promoted == 0


async def test_prunes_every_expired_item_across_pages(make_service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(maintenance, "SWEEP_PAGE", 7)  # many pages from a small table
    service: MemoryService = await make_service(
        interaction_ttl=1, short_term_ttl=1, session_ttl=1, idempotency_ttl=1, index_shards=2
    )
    await asyncio.gather(
        *(
            service.store_interaction(
                f"p{n % 6}",
                Channel.TWITCH,
                f"m{n}",
                session_id=f"s{n % 3}",
                idempotency_key=f"k{n}",
            )
            for n in range(40)
        )
    )
    await service.store_observation("GENERAL", "fleeting", "event")
    expiring = [
        i
        for i in await scan_all(service)
        if "ttl" in i and not i["pk"]["S"].startswith("CONSOLIDATION")
    ]
    # 40 interactions + 40 idempotency records + 3 sessions + observation + its guard
    assert len(expiring) == 85
    await asyncio.sleep(2.2)
    result = await service.consolidate_memories()
    assert result.memories_pruned == 85
    left = [i["sk"]["S"].split("#")[0] for i in await scan_all(service)]
    assert sorted(set(left)) == ["PROFILE", "RUN", "SHARD", "STATE"]
    profile = await service.get_player("p0")
    assert profile is not None and profile.total_interactions == 7  # history, not storage


async def test_bounds_interactions_and_observations_per_player(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(
        max_interactions_per_player=5, max_observations_per_player=3
    )
    for n in range(9):
        await service.store_interaction(
            "Ada", Channel.TWITCH, f"message {n}", sentiment="positive" if n % 2 else "negative"
        )
    kept_long = await service.store_observation("PLAYER#Ada", "oldest but proven", "behavioral")
    await service.promote_observation(kept_long.subject, kept_long.observation_id)
    for n in range(4):
        await service.store_observation("PLAYER#Ada", f"short-term note {n}", "behavioral")
    result = await service.consolidate_memories()
    assert (result.interactions_trimmed, result.observations_trimmed) == (4, 2)
    history = await service.get_player_history("Ada", limit=50)
    assert [i.message for i in history] == [f"message {n}" for n in range(8, 3, -1)]
    notes = await service.get_observations("PLAYER#Ada", limit=50)
    assert len(notes) == 3
    assert kept_long.observation_id in {o.observation_id for o in notes}  # long-term kept
    assert {o.content for o in notes} >= {"short-term note 3", "short-term note 2"}
    profile = await service.get_player("Ada")
    assert profile is not None
    assert profile.sentiment_score == -0.2  # messages 4-8 kept: 2 positive, 3 negative
    assert result.players_updated == 1


async def test_concurrent_runs_and_writes_count_each_item_once(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(interaction_ttl=1, index_shards=1)
    other: MemoryService = await make_service(interaction_ttl=1, index_shards=1)
    for n in range(30):
        await service.store_interaction(f"p{n % 3}", Channel.TWITCH, f"m{n}")
    await asyncio.sleep(2.2)
    writer: MemoryService = await make_service()  # same table, the default 72 h ttl
    writes = [writer.store_interaction("late", Channel.TWITCH, f"new {n}") for n in range(10)]
    results = await asyncio.gather(
        service.consolidate_memories(), other.consolidate_memories(), *writes
    )
    runs = results[:2]
    assert sum(r.memories_pruned for r in runs) == 30
    assert len(await writer.get_player_history("late", limit=50)) == 10


async def test_second_run_only_visits_players_touched_since(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service()
    for name in ("Ada", "Bo", "Cy"):
        await service.store_interaction(name, Channel.TWITCH, "hi", sentiment="positive")
    first = await service.consolidate_memories()
    assert first.players_updated == 3
    await service.store_interaction("Bo", Channel.TWITCH, "again", sentiment="negative")
    second = await service.consolidate_memories()
    assert second.players_updated == 1
