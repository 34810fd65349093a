"""Players (listing, updates, stats) and record_solution."""

from __future__ import annotations

import asyncio

import pytest

from qai_graph import Channel, MemoryService
from qai_graph.errors import NotFound


async def test_players_page_by_recency(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(index_shards=3)
    names = [f"viewer{n}" for n in range(11)]
    for name in names:
        await service.store_interaction(name, Channel.TWITCH, "hi")
    await service.store_interaction("viewer3", Channel.TWITCH, "back again")
    seen: list[str] = []
    cursor = None
    while True:
        page = await service.list_players(limit=4, cursor=cursor)
        seen += [p.name for p in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = ["viewer3"] + [n for n in reversed(names) if n != "viewer3"]
    assert seen == expected


async def test_update_player_sets_fields_and_refuses_unknown_players(
    memory_service: MemoryService,
) -> None:
    await memory_service.get_or_create_player("Ada")
    updated = await memory_service.update_player(
        "ada",
        {"play_style": "explorer", "helpfulness_score": 0.7, "memorable_moments": ["first 7B"]},
    )
    assert (updated.play_style, updated.helpfulness_score, updated.memorable_moments) == (
        "explorer",
        0.7,
        ["first 7B"],
    )
    with pytest.raises(NotFound):
        await memory_service.update_player("ghost", {"play_style": "explorer"})
    assert await memory_service.get_player("ghost") is None


async def test_update_player_stats_adds(memory_service: MemoryService) -> None:
    await memory_service.get_or_create_player("Ada")
    await memory_service.update_player_stats("Ada", interactions=2, solutions=1)
    profile = await memory_service.get_player("Ada")
    assert profile is not None and (profile.total_interactions, profile.total_solutions) == (2, 1)


async def test_record_solution_updates_player_pattern_and_evolution(
    memory_service: MemoryService,
) -> None:
    first = await memory_service.record_solution("Ada", "7B", 0.9, 1000, ["H", "CNOT", "X"])
    assert first.pattern.discovered_by == "Ada" and first.pattern.gate_sequence == [
        "H",
        "CNOT",
        "X",
    ]
    await memory_service.record_solution("Bo", "7B", 0.7, 3000, ["X"])
    await memory_service.record_solution("Bo", "7B", 0.8, 2000)
    last = await memory_service.record_solution("Ada", "3A", 0.5, 500)
    pattern = await memory_service.get_pattern("7B")
    assert pattern is not None
    assert pattern.times_observed == 3
    assert pattern.average_fidelity == pytest.approx(0.8)
    assert pattern.average_time_ms == 2000
    assert pattern.top_players == ["Bo", "Ada"]
    assert pattern.discovered_by == "Ada" and pattern.gate_sequence == ["H", "CNOT", "X"]
    ada = last.player
    assert ada.total_solutions == 2 and ada.average_fidelity == pytest.approx(0.7)
    assert ada.preferred_patterns == ["3A", "7B"]
    assert last.evolution.total_solutions_observed == 4


async def test_concurrent_solutions_count_exactly_and_retry_once(
    memory_service: MemoryService,
) -> None:
    await asyncio.gather(
        *(
            memory_service.record_solution(f"p{n % 4}", "9C", 0.5, 100, idempotency_key=f"sol-{n}")
            for n in range(20)
        ),
        *(
            memory_service.record_solution(f"p{n % 4}", "9C", 0.5, 100, idempotency_key=f"sol-{n}")
            for n in range(5)
        ),
    )
    pattern = await memory_service.get_pattern("9C")
    assert pattern is not None and pattern.times_observed == 20
    assert sorted(pattern.top_players) == ["p0", "p1", "p2", "p3"]
    evolution = await memory_service.get_evolution_state()
    assert evolution.total_solutions_observed == 20
    total = 0
    for n in range(4):
        profile = await memory_service.get_player(f"p{n}")
        assert profile is not None
        total += profile.total_solutions
    assert total == 20


async def test_forget_player_removes_everything_about_them(memory_service: MemoryService) -> None:
    from tests.support.helpers import scan_all

    for n in range(30):
        await memory_service.store_interaction(
            "Ada", Channel.TWITCH, f"m{n}", idempotency_key=f"k{n}"
        )
    for n in range(3):
        await memory_service.store_observation("PLAYER#Ada", f"note {n}", "behavioral")
    await memory_service.store_interaction("Bo", Channel.TWITCH, "I stay")
    await memory_service.form_pending()  # else its pending work counts among the others
    result = await memory_service.forget_player("ADA")
    assert result.profile_deleted
    assert (result.interactions_deleted, result.observations_deleted) == (30, 3)
    assert result.idempotency_records_deleted == 30
    assert result.other_items_deleted == 3  # the observations' dedup guards
    assert not [i for i in await scan_all(memory_service) if i["pk"]["S"] == "PLAYER#ada"]
    assert await memory_service.get_player("Bo") is not None
    again = await memory_service.forget_player("Ada")
    assert not again.profile_deleted and again.interactions_deleted == 0
