"""The response loop's pure parts (parsing, the 500-character cap, fallbacks) with a fake
memory. (The layer rules it once held are import-linter contracts: .importlinter.)"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from qai_graph.chat.loop import ChatMessage, ResponseLoop, parse_line
from qai_graph.chat.memory import Recorded
from qai_graph.chat.models import OfflineModel, choose_model
from qai_graph.memory.prompt.quoting import quote


class FakeMemory:
    """Remembers what the player said last; fails for the player named 'down'."""

    def __init__(self) -> None:
        self.said: dict[str, list[str]] = {}
        self.keys: list[str] = []

    async def system_prompt(self, player: str, message: str, session_id: str) -> str:
        if player == "down":
            raise ConnectionError("memory unreachable")
        # The builder's line for a remembered exchange (memory/prompt/remembering.py).
        lines = [f"- They said: {quote(m)}" for m in reversed(self.said.get(player, []))]
        return "## What I Remember\n" + "\n".join(lines)

    async def record(
        self, player: str, message: str, response: str, session_id: str, message_id: str
    ) -> Recorded:
        replayed = message_id in self.keys
        if not replayed:
            self.keys.append(message_id)
            self.said.setdefault(player, []).append(message)
        return Recorded(replayed, len(self.said[player]))


class Chatty:
    name = "chatty"

    async def reply(self, system_prompt: str, player: str, message: str) -> str:
        return "Superposition. " * 100  # 1,500 characters


class Broken:
    name = "broken"

    async def reply(self, system_prompt: str, player: str, message: str) -> str:
        raise RuntimeError("model down")


async def _messages(*lines: str) -> AsyncIterator[ChatMessage]:
    for n, line in enumerate(lines):
        message = parse_line(line, f"auto-{n}")
        assert message is not None
        yield message


async def _nothing(message: ChatMessage, reply: str) -> None:
    return None


def test_parse_line() -> None:
    assert parse_line("alice: hi there", "x") == ChatMessage("x", "alice", "hi there")
    assert parse_line("[m-1] Bob_2: a: b", "x") == ChatMessage("m-1", "Bob_2", "a: b")
    assert parse_line("   ", "x") is None and parse_line("no colon here", "x") is None
    assert ChatMessage("1", "Bob Ross#", "hi", "twitch-qai").session_id == "twitch-qai-bob_ross_"


async def test_replies_fit_twitch_and_a_failing_model_falls_back_offline() -> None:
    memory = FakeMemory()
    long_turns = await ResponseLoop(memory, Chatty()).run(_messages("al: hi"), _nothing)
    assert len(long_turns[0].reply) <= 500 and long_turns[0].reply.startswith("@al ")
    turns = await ResponseLoop(memory, Broken()).run(_messages("al: again"), _nothing)
    assert 'Last time you told me "hi"' in turns[0].reply


async def test_a_memory_failure_skips_the_message_and_the_loop_goes_on() -> None:
    memory = FakeMemory()
    lines = ("[1] down: hello", "[2] cy: hello", "[2] cy: hello")
    turns = await ResponseLoop(memory, OfflineModel()).run(_messages(*lines), _nothing)
    assert [t.message.message_id for t in turns] == ["2", "2"]
    assert [t.replayed for t in turns] == [False, True] and memory.said == {"cy": ["hello"]}


def test_hosted_models_say_what_they_need(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        choose_model("anthropic")
    with pytest.raises(ValueError, match="unknown model"):
        choose_model("gpt")
