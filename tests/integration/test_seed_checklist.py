"""The seed's Testing Checklist, against a moto server over HTTP, awaiting what became async."""

from __future__ import annotations

from qai_graph import Channel, MemoryService, ObservationCategory


async def test_create_player(memory_service: MemoryService) -> None:
    player = await memory_service.get_or_create_player("TestUser")
    assert player.name == "TestUser"
    assert player.total_interactions == 0


async def test_store_interaction(memory_service: MemoryService) -> None:
    interaction = await memory_service.store_interaction(
        player="TestUser",
        channel=Channel.TWITCH,
        message="Hello QAI!",
        qai_response="Hello. I noticed you.",
    )
    assert interaction.player == "TestUser"
    assert interaction.message == "Hello QAI!"


async def test_store_observation(memory_service: MemoryService) -> None:
    observation = await memory_service.store_observation(
        subject="PLAYER#TestUser",
        content="TestUser asks many questions",
        category=ObservationCategory.BEHAVIORAL,
        confidence=0.6,
    )
    # Subjects are canonical: the player part is the case-insensitive key.
    assert observation.subject == "PLAYER#testuser"
    assert observation.confidence == 0.6


async def test_recall_about_player(memory_service: MemoryService) -> None:
    await memory_service.get_or_create_player("TestUser")
    await memory_service.store_interaction(
        player="TestUser", channel=Channel.TWITCH, message="Test message"
    )
    await memory_service.store_observation(
        subject="PLAYER#TestUser",
        content="Test observation",
        category=ObservationCategory.BEHAVIORAL,
    )

    context = await memory_service.recall_about_player("TestUser")
    assert context.profile.name == "TestUser"
    assert len(context.recent_interactions) >= 1
    assert len(context.observations) >= 1


async def test_evolution_increment(memory_service: MemoryService) -> None:
    state1 = await memory_service.get_evolution_state()
    initial_count = state1.total_interactions

    await memory_service.increment_evolution(interactions=5)

    state2 = await memory_service.get_evolution_state()
    assert state2.total_interactions == initial_count + 5


async def test_working_memory_session(memory_service: MemoryService) -> None:
    session = await memory_service.get_or_create_session("test-session", player="TestUser")
    assert session.player == "TestUser"

    await memory_service.working.add_message("test-session", "user", "Hello")
    await memory_service.working.add_message("test-session", "assistant", "Hi there")

    updated_session = await memory_service.get_session_context("test-session")
    assert updated_session is not None
    assert len(updated_session.recent_messages) == 2
