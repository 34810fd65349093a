"""``qai-graph chat``: the response loop on stdin/stdout, or on a Twitch channel."""

from __future__ import annotations

import logging
import os
import statistics

from qai_graph.chat.loop import ResponseLoop, Turn, print_reply, stdin_messages
from qai_graph.chat.memory import ChatMemory
from qai_graph.chat.models import choose_model
from qai_graph.chat.twitch import TwitchChat

logger = logging.getLogger("qai_graph.chat")

TOKEN_ENV = "TWITCH_OAUTH_TOKEN"


async def chat_main(
    memory: ChatMemory,
    *,
    model: str = "offline",
    model_id: str | None = None,
    region: str = "us-east-1",
    twitch_channel: str | None = None,
    twitch_login: str | None = None,
) -> int:
    """Run the loop until the chat ends; the exit status."""
    try:
        chosen = choose_model(model, model_id, region)
    except ValueError as exc:
        logger.error("%s", exc)
        return 2
    loop = ResponseLoop(memory, chosen)
    if twitch_channel is None:
        turns = await loop.run(stdin_messages(), print_reply)
    else:
        token = os.environ.get(TOKEN_ENV)
        if not token or not twitch_login:
            logger.error("Twitch needs --twitch-login and the %s variable", TOKEN_ENV)
            return 2
        chat = TwitchChat(twitch_channel, twitch_login, token)
        await chat.connect()
        try:
            turns = await loop.run(chat.messages(), chat.send)
        finally:
            await chat.close()
    _summary(turns)
    return 0


def _summary(turns: list[Turn]) -> None:
    if not turns:
        return
    memory_ms = sorted(t.memory_ms for t in turns)
    logger.info(
        "%d messages answered; memory part median %.1f ms, max %.1f ms",
        len(turns),
        statistics.median(memory_ms),
        memory_ms[-1],
    )
