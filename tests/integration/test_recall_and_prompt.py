"""Recall by query, the player context, and the system prompt built from memory."""

from __future__ import annotations

import re

from qai_graph import Channel, MemoryService


async def test_recall_finds_players_named_in_any_case(memory_service: MemoryService) -> None:
    await memory_service.store_interaction("QuantumJim", Channel.TWITCH, "hello")
    await memory_service.store_observation(
        "PLAYER#QuantumJim", "Jim loves teleportation puzzles", "preference"
    )
    await memory_service.store_observation(
        "GENERAL", "Teleportation puzzles are solved at night", "pattern"
    )
    await memory_service.store_observation("GENERAL", "Chat spikes at dusk", "event")
    result = await memory_service.recall("what does quantumjim think of teleportation puzzles?")
    first = result.memories[0]
    # The named player's matching observation leads; naming does not force the profile first.
    assert (first.kind, first.content, first.player) == (
        "observation",
        "Jim loves teleportation puzzles",
        "quantumjim",
    )
    contents = [m.content for m in result.memories]
    assert "Teleportation puzzles are solved at night" in contents
    assert "Chat spikes at dusk" not in contents  # no overlap, not about the named player
    assert {"player_observations", "general_observations"} <= set(result.sources)


async def test_recall_includes_pattern_observations(memory_service: MemoryService) -> None:
    await memory_service.record_solution("Ada", "7B", 0.91, 1500, ["H", "CNOT"])
    await memory_service.store_observation(
        "PATTERN#7B", "7B is usually solved with two CNOTs", "pattern"
    )
    result = await memory_service.recall("how do people solve 7b", limit=5)
    assert result.memories[0].subject == "PATTERN#7B"
    assert "pattern_observations" in result.sources


async def test_recall_respects_limit(memory_service: MemoryService) -> None:
    for n in range(8):
        await memory_service.store_observation("GENERAL", f"tunnels collapse case {n}", "event")
    result = await memory_service.recall("why do tunnels collapse", limit=3)
    assert len(result.memories) == 3
    assert result.total_found == 8


async def test_player_context_is_one_query(memory_service: MemoryService) -> None:
    from tests.support.helpers import count_requests

    for n in range(12):
        await memory_service.store_interaction("Ada", Channel.TWITCH, f"m{n}", f"r{n}")
    for n in range(6):
        await memory_service.store_observation("PLAYER#Ada", f"note {n}", "behavioral")
    with count_requests(memory_service) as counts:
        context = await memory_service.recall_about_player(
            "ADA", interaction_limit=5, observation_limit=4
        )
    assert dict(counts) == {"Query": 1}
    assert [i.message for i in context.recent_interactions] == ["m11", "m10", "m9", "m8", "m7"]
    assert len(context.observations) == 4
    assert context.known and context.profile.total_interactions == 12
    assert context.summary and context.summary.startswith("Met 12 times")


async def test_system_prompt_carries_memory_within_budget(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(prompt_memory_budget_chars=400)
    for n in range(30):
        await service.store_interaction(
            "Ada", Channel.TWITCH, f"question number {n} " + "x" * 50, "answer"
        )
    await service.store_observation(
        "PLAYER#Ada", "Ada solves faster after a rest", "behavioral", 0.9
    )
    prompt = await service.build_system_prompt("Ada", game_state={"nearby_players": ["Bo"]})
    section = prompt.split("## What I Remember", 1)[1].split("\n## ", 1)[0]
    assert len("## What I Remember" + section.rstrip()) <= 400
    assert "Ada solves faster after a rest" in prompt
    assert "Nearby players: Bo" in prompt
    assert "question number 29" in prompt  # the newest exchange outranks older ones


async def test_system_prompt_follows_stage(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(
        evolution_stage_2_interactions=2, evolution_stage_3_interactions=4
    )
    stage_one = await service.build_system_prompt()
    for n in range(4):
        await service.store_interaction("Ada", Channel.TWITCH, f"m{n}")
    stage_three = await service.build_system_prompt()
    assert stage_one != stage_three
    assert "Include specific numbers" in stage_three
    assert "Include specific numbers" not in stage_one


async def test_prompt_with_a_message_quotes_relevant_memory_and_the_exchange_once(
    memory_service: MemoryService,
) -> None:
    await memory_service.record_interaction(
        "Ada", Channel.TWITCH, "is grover magic?", "Just two reflections.", session_id="s-1"
    )
    await memory_service.store_observation("PLAYER#Bo", "Bo cools the cryostat with tea", "event")
    await memory_service.store_observation("GENERAL", "Chat spams PogChamp on records", "event")
    plain = await memory_service.build_system_prompt("Ada", session_id="s-1")
    assert "cryostat" not in plain  # without a message: today's behaviour
    prompt = await memory_service.build_system_prompt(
        "Ada", session_id="s-1", message="who keeps the fridge cold lol"
    )
    # Every memory line says when it happened.
    dated = r"Observation about bo \(\d{4}-\d\d-\d\d\): \u201cBo cools the cryostat"
    assert re.search(dated, prompt)
    assert prompt.count("is grover magic?") == 1  # under "This Conversation" only
