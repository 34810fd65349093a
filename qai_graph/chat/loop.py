"""The response loop: per chat message, system prompt -> model -> reply -> record.

The memory part (``systemPrompt`` before the model, ``recordInteraction`` after the reply
is sent) is timed per turn, so ``bench/`` can hold it to its budget. Retries never
double count: the chat message id is the idempotency key. A failing model falls back to
the offline one; a failing memory call skips that message and the loop goes on.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from qai_graph.chat.memory import ChatMemory
from qai_graph.chat.models import Model, OfflineModel
from qai_graph.memory.prompt.quoting import format_for_twitch

logger = logging.getLogger("qai_graph.chat")

TWITCH_MAX_CHARS = 500
_LINE = re.compile(
    r"^\s*(?:\[(?P<id>[A-Za-z0-9._:\-]{1,128})\]\s*)?(?P<player>[^:\s]{1,64}):\s*(?P<text>.+?)\s*$"
)
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._:\-]")


@dataclass(frozen=True)
class ChatMessage:
    """One chat message: its id (the idempotency key), who sent it, what it says."""

    message_id: str
    player: str
    text: str
    channel: str = "stdin"

    @property
    def session_id(self) -> str:
        """One working-memory conversation per player and channel."""
        return _UNSAFE_ID.sub("_", f"{self.channel}-{self.player.casefold()}")[:128]


def parse_line(line: str, fallback_id: str, channel: str = "stdin") -> ChatMessage | None:
    """``player: message`` or ``[id] player: message``; None for a blank or other line."""
    match = _LINE.match(line)
    if match is None:
        return None
    return ChatMessage(match["id"] or fallback_id, match["player"], match["text"], channel)


@dataclass(frozen=True)
class Turn:
    """What one message did, and how long its parts took."""

    message: ChatMessage
    reply: str
    replayed: bool
    player_total_interactions: int | None
    prompt_ms: float
    model_ms: float
    record_ms: float

    @property
    def memory_ms(self) -> float:
        """The memory part: systemPrompt + recordInteraction."""
        return self.prompt_ms + self.record_ms


Send = Callable[[ChatMessage, str], Awaitable[None]]


class ResponseLoop:
    """Answers chat messages with QAI's memory and a model."""

    def __init__(
        self,
        memory: ChatMemory,
        model: Model,
        *,
        model_timeout_s: float = 20.0,
        max_chars: int = TWITCH_MAX_CHARS,
    ) -> None:
        self.memory = memory
        self.model = model
        self._fallback = OfflineModel()
        self._model_timeout_s = model_timeout_s
        self._max_chars = max_chars

    async def _ask_model(self, prompt: str, message: ChatMessage) -> str:
        try:
            async with asyncio.timeout(self._model_timeout_s):
                return await self.model.reply(prompt, message.player, message.text)
        except Exception:
            logger.warning("model %s failed; answering offline", self.model.name, exc_info=True)
            return await self._fallback.reply(prompt, message.player, message.text)

    async def handle(self, message: ChatMessage, send: Send) -> Turn:
        """Answer one message and record it; raises if the memory cannot be reached."""
        started = time.perf_counter()
        prompt = await self.memory.system_prompt(message.player, message.text, message.session_id)
        prompted = time.perf_counter()
        text = await self._ask_model(prompt, message)
        # Twitch drops a message over 500 characters; the mention counts too.
        reply = format_for_twitch(f"@{message.player} {text}", self._max_chars)
        answered = time.perf_counter()
        await send(message, reply)
        sent = time.perf_counter()
        recorded = await self.memory.record(
            message.player, message.text, reply, message.session_id, message.message_id
        )
        done = time.perf_counter()
        return Turn(
            message,
            reply,
            recorded.replayed,
            recorded.player_total_interactions,
            prompt_ms=(prompted - started) * 1000,
            model_ms=(answered - prompted) * 1000,
            record_ms=(done - sent) * 1000,
        )

    async def run(self, messages: AsyncIterator[ChatMessage], send: Send) -> list[Turn]:
        """Answer every message in order until the source ends; the turns that worked."""
        turns = []
        async for message in messages:
            try:
                turn = await self.handle(message, send)
            except Exception:
                logger.error("message %s not answered", message.message_id, exc_info=True)
                continue
            logger.info(
                "answered %s (%s) in %.0f ms of memory, %.0f ms of model%s",
                message.message_id,
                message.player,
                turn.memory_ms,
                turn.model_ms,
                " (already recorded)" if turn.replayed else "",
            )
            turns.append(turn)
        return turns


async def stdin_messages(channel: str = "stdin") -> AsyncIterator[ChatMessage]:
    """Chat lines from stdin (``player: message`` or ``[id] player: message``)."""
    run = time.strftime("%Y%m%dT%H%M%S")
    number = 0
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        number += 1
        message = parse_line(line, f"{channel}-{run}-{number}", channel)
        if message is None:
            if line.strip():
                logger.warning("skipped line %d: expected 'player: message'", number)
            continue
        yield message


async def print_reply(message: ChatMessage, reply: str) -> None:
    """Write a reply to stdout, one line."""
    print(f"QAI -> {message.player}: {reply}", flush=True)
