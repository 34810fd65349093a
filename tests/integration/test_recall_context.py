"""Turn context over a real table: a reply found by the question it answers, the turns
around a recalled interaction, the prompt quoting the line a reply answers, and a
withheld turn (private, flagged, hidden, a banned player's) never shown through another
player's memory, by this replica's index or by the table when the index is behind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from qai_graph import MemoryService
from qai_graph.memory.trust.neutralize import DATA_CLOSE, DATA_OPEN
from qai_graph.models import Channel
from qai_graph.moderation_models import Actor, MemoryKind, MemoryRef

ServiceFactory = Callable[..., Awaitable[MemoryService]]
MODERATOR = Actor(name="mo", role="moderator")
QUESTION = "did you go to the dinosaur museum?"
REPLY = "Yes! We went last weekend"
ASKED = "anyone been at the dinosaur museum?"  # no word of the reply itself
ABOUT_BOTH = "did alice go to the dinosaur museum last weekend"  # the words of both


async def conversation(service: MemoryService, *, private: bool = False) -> tuple[str, str]:
    """Bob asks, Alice answers (one session), and other chat; the two interaction ids."""
    await service.store_interaction("Dan", Channel.TWITCH, "weekend was rainy", session_id="s0")
    asked = await service.store_interaction(
        "Bob", Channel.TWITCH, QUESTION, session_id="s1", private=private
    )
    answered = await service.store_interaction("Alice", Channel.TWITCH, REPLY, session_id="s1")
    await service.store_interaction("Bob", Channel.TWITCH, "how were the bones?", session_id="s1")
    return asked.interaction_id, answered.interaction_id


async def test_a_reply_is_recalled_by_its_question_with_the_turns_around_it(
    memory_service: MemoryService,
) -> None:
    asked, answered = await conversation(memory_service)
    result = await memory_service.recall(ASKED, limit=5, player="carol", turns=1)
    by_id = {m.id: m for m in result.memories}
    assert answered in by_id, "the reply is found by the question's words"
    reply = by_id[answered]
    assert reply.content == REPLY  # the memory is its own text; the question is context
    before, after = reply.context
    assert (before.position, before.interaction_id, before.player, before.message) == (
        -1,
        asked,
        "Bob",
        QUESTION,
    )
    assert before.timestamp is not None and reply.timestamp is not None
    assert before.timestamp <= reply.timestamp
    assert (after.position, after.player, after.message) == (1, "Bob", "how were the bones?")
    plain = await memory_service.recall(ASKED, limit=5, player="carol")
    assert all(m.context == [] for m in plain.memories)  # context only when asked for


async def test_the_prompt_quotes_the_line_a_reply_answers(memory_service: MemoryService) -> None:
    await conversation(memory_service)
    # Found by its own words: the line it answers is quoted under it, attributed.
    prompt = await memory_service.build_system_prompt(
        player="Carol", message="what did alice do last weekend"
    )
    lines = prompt.split("## What I Remember", 1)[1].splitlines()
    at = next(n for n, line in enumerate(lines) if "\u201cYes! We went last weekend\u201d" in line)
    assert lines[at + 1].startswith("  - just before, Bob said (twitch, ")
    assert lines[at + 1].endswith(": \u201cdid you go to the dinosaur museum?\u201d")
    # Found by the question's words: a line that only asks ranks below its answer, so
    # the answer leads and quotes it.
    prompt = await memory_service.build_system_prompt(player="Carol", message=ASKED)
    lines = prompt.split("## What I Remember", 1)[1].splitlines()
    at = next(n for n, line in enumerate(lines) if REPLY in line)
    assert lines[at + 1].endswith(": \u201cdid you go to the dinosaur museum?\u201d")
    # Bob asking: his own question leads (the asker's lift), a memory of its own above
    # the answer, which points to it.
    prompt = await memory_service.build_system_prompt(player="Bob", message=ASKED)
    lines = prompt.split("## What I Remember", 1)[1].splitlines()
    asked = next(n for n, line in enumerate(lines) if QUESTION in line)
    at = next(n for n, line in enumerate(lines) if REPLY in line)
    assert asked < at and lines[at + 1] == "  - said right after Bob's line above"


async def test_a_line_quoted_as_context_is_not_listed_again(
    memory_service: MemoryService,
) -> None:
    await conversation(memory_service)
    # The reply ranks first and the question it answers is recalled too, below it.
    recalled = await memory_service.recall(ABOUT_BOTH, limit=5, player="carol", turns=1)
    assert [m.message for m in recalled.memories[:2]] == [REPLY, QUESTION]
    prompt = await memory_service.build_system_prompt(player="Carol", message=ABOUT_BOTH)
    section = prompt.split("## What I Remember", 1)[1]
    assert section.count(QUESTION) == 1, section
    lines = section.splitlines()
    at = next(n for n, line in enumerate(lines) if REPLY in line)
    # Said once, as the reply's context: attributed, dated, quoted inside the data section.
    assert lines[at + 1].startswith("  - just before, Bob said (twitch, 20")
    assert lines[at + 1].endswith(f": \u201c{QUESTION}\u201d")
    assert prompt.index(DATA_OPEN) < prompt.index(QUESTION) < prompt.index(DATA_CLOSE)


async def test_a_private_question_is_in_no_one_elses_context(
    memory_service: MemoryService,
) -> None:
    asked, answered = await conversation(memory_service, private=True)
    result = await memory_service.recall(ASKED, limit=5, player="carol", turns=2)
    assert all(QUESTION not in (t.message for t in m.context) for m in result.memories)
    assert answered not in {m.id for m in result.memories}  # its words lift nothing for her
    prompt = await memory_service.build_system_prompt(player="Carol", message=ASKED)
    assert "dinosaur" not in prompt.split("## What I Remember", 1)[-1].split("Carol", 1)[-1]
    own = await memory_service.recall(ASKED, limit=5, player="Bob", turns=1)
    reply = next(m for m in own.memories if m.id == answered)
    assert [(t.interaction_id, t.private) for t in reply.context if t.position == -1] == [
        (asked, True)
    ]


async def test_a_turn_hidden_or_banned_elsewhere_is_withheld_by_the_table(
    make_service: ServiceFactory,
) -> None:
    writer = await make_service()
    asked, answered = await conversation(writer)
    # A replica whose index will not hear of the moderation for a while (no poll soon).
    reader = await make_service(index_poll_interval_s=60)
    seen = await reader.recall(ASKED, limit=5, player="carol", turns=1)
    reply = next(m for m in seen.memories if m.id == answered)
    assert asked in {t.interaction_id for t in reply.context}
    ref = MemoryRef(kind=MemoryKind.INTERACTION, subject="PLAYER#bob", id=asked)
    await writer.moderation.hide(ref, MODERATOR, "off topic")
    after = await reader.recall(ASKED, limit=5, player="carol", turns=1)
    assert all(asked not in {t.interaction_id for t in m.context} for m in after.memories)
    assert all(QUESTION not in (t.message for t in m.context) for m in after.memories)
    await writer.moderation.unhide(ref, MODERATOR)
    await writer.moderation.ban("Bob", "spam", MODERATOR)
    banned = await writer.recall(ASKED, limit=5, player="carol", turns=3)
    assert all(t.player != "Bob" for m in banned.memories for t in m.context)
    assert all(m.player != "Bob" for m in banned.memories)
