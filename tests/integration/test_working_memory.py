"""Working memory: sessions in the table, sliding expiry, last 20 messages, FIFO questions."""

from __future__ import annotations

import asyncio

from qai_graph import Channel, MemoryService


async def test_expiry_slides_with_activity(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(session_ttl=2)
    await service.get_or_create_session("live", player="Ada")
    for n in range(4):  # 4 x 0.8 s = 3.2 s of activity: longer than the ttl from the start
        await asyncio.sleep(0.8)
        await service.working.add_message("live", "user", f"still here {n}")
    session = await service.get_session_context("live")
    assert session is not None and len(session.recent_messages) == 4
    await asyncio.sleep(2.2)
    assert await service.get_session_context("live") is None


async def test_keeps_the_last_twenty_messages(memory_service: MemoryService) -> None:
    for n in range(25):
        await memory_service.add_session_message("chat", "user" if n % 2 else "assistant", f"m{n}")
    session = await memory_service.get_session_context("chat")
    assert session is not None
    assert [m.content for m in session.recent_messages] == [f"m{n}" for n in range(5, 25)]


async def test_concurrent_messages_are_all_kept(memory_service: MemoryService) -> None:
    await asyncio.gather(
        *(memory_service.add_session_message("busy", "user", f"m{n}") for n in range(15))
    )
    session = await memory_service.get_session_context("busy")
    assert session is not None
    assert sorted(m.content for m in session.recent_messages) == sorted(f"m{n}" for n in range(15))


async def test_pending_questions_are_first_in_first_out(memory_service: MemoryService) -> None:
    for question in ("Why do you rest?", "What is outside?", "Do you dream?"):
        await memory_service.working.add_pending_question("q", question)
    popped = [await memory_service.working.pop_pending_question("q") for _ in range(4)]
    assert popped == ["Why do you rest?", "What is outside?", "Do you dream?", None]
    assert await memory_service.working.pop_pending_question("never-made") is None
    assert await memory_service.get_session_context("never-made") is None


async def test_a_second_instance_sees_the_same_session(make_service, make_config) -> None:  # type: ignore[no-untyped-def]
    first: MemoryService = await make_service()
    await first.store_interaction("Ada", Channel.TWITCH, "hello", "I see you.", session_id="shared")
    await first.update_session("shared", current_topic="tunnels")
    second = MemoryService(make_config())
    await second.initialize()
    try:
        session = await second.get_session_context("shared")
        assert session is not None
        assert session.player == "Ada" and session.current_topic == "tunnels"
        assert [(m.role, m.content) for m in session.recent_messages] == [
            ("user", "hello"),
            ("assistant", "I see you."),
        ]
    finally:
        await second.close()


async def test_replayed_interaction_does_not_repeat_session_messages(
    memory_service: MemoryService,
) -> None:
    for _ in range(2):
        await memory_service.store_interaction(
            "Ada", Channel.TWITCH, "hello", "hi", session_id="s", idempotency_key="once"
        )
    session = await memory_service.get_session_context("s")
    assert session is not None and len(session.recent_messages) == 2
