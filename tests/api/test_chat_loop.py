"""The bot's response loop (``qai_graph.chat``) against the served GraphQL API: 20 messages
from 3 players with the offline model, the ``qai-graph chat`` command on stdin, and the
Twitch IRC client against a local IRC server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from qai_graph.chat.loop import ChatMessage, ResponseLoop, parse_line
from qai_graph.chat.memory import GraphQLMemory
from qai_graph.chat.models import OfflineModel
from qai_graph.chat.twitch import TwitchChat, parse_privmsg
from tests.support.api_harness import RunningApp

PLAYERS = ["Alice", "bob", "Carol"]
TOPICS = ["bell states", "the Hadamard gate", "teleportation", "decoherence", "phase kickback"]


def _chat_lines() -> list[str]:
    """20 lines, players in turn, each with a message id and a topic of its own."""
    return [
        f"[msg-{n}] {PLAYERS[n % 3]}: tell me about {TOPICS[n % 5]} (question {n})"
        for n in range(20)
    ]


async def _source(lines: list[str]) -> AsyncIterator[ChatMessage]:
    for number, line in enumerate(lines):
        message = parse_line(line, f"fallback-{number}")
        assert message is not None
        yield message


async def test_twenty_messages_from_three_players_are_answered_with_memory(
    api: RunningApp,
) -> None:
    memory = GraphQLMemory(api.base_url + "/graphql")
    loop = ResponseLoop(memory, OfflineModel())
    sent: list[tuple[ChatMessage, str]] = []

    async def send(message: ChatMessage, reply: str) -> None:
        sent.append((message, reply))

    lines = _chat_lines()
    try:
        turns = await loop.run(_source(lines), send)
        # Twitch redelivers a message: answered again, counted once.
        again = await loop.run(_source(lines[:1]), send)
    finally:
        await memory.aclose()

    assert len(turns) == 20 and [t.reply for t in turns] == [r for _, r in sent[:20]]
    assert again[0].replayed and not any(t.replayed for t in turns)
    assert all(len(reply) <= 500 and reply.startswith("@") for _, reply in sent)
    by_player: dict[str, list[str]] = {}
    for turn in turns:
        by_player.setdefault(turn.message.player, []).append(turn.reply)
    for player, replies in by_player.items():
        first_message = next(t.message.text for t in turns if t.message.player == player)
        assert "Welcome" in replies[0], replies[0]  # nothing remembered yet
        # The second reply uses what the first exchange stored: the player's own words.
        assert f'Last time you told me "{first_message}"' in replies[1], replies[1]

    # What was remembered: every exchange once, with QAI's reply, per player.
    fields = (
        "name totalInteractions interactions(first: 10) { edges { node { message qaiResponse } } }"
    )
    aliases = " ".join(
        f'p{i}: player(name: "{name}") {{ {fields} }}' for i, name in enumerate(PLAYERS)
    )
    data = await api.client.data(
        f"{{ {aliases} evolution {{ totalInteractions uniquePlayersMet }} }}"
    )
    assert data["evolution"] == {"totalInteractions": 20, "uniquePlayersMet": 3}
    counts = {data[f"p{i}"]["name"]: data[f"p{i}"]["totalInteractions"] for i in range(3)}
    assert counts == {"Alice": 7, "bob": 7, "Carol": 6}
    alice = data["p0"]["interactions"]["edges"]
    assert len(alice) == 7
    replies = {turn.message.text: turn.reply for turn in turns}
    assert all(edge["node"]["qaiResponse"] == replies[edge["node"]["message"]] for edge in alice)


async def test_the_chat_command_answers_stdin_over_the_api(api: RunningApp, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
    script = "[a1] dora: what is a qubit?\nnot a chat line\n[a2] dora: and entanglement?\n"
    command = [sys.executable, "-m", "qai_graph.cli", "chat", "--url", api.base_url + "/graphql"]
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    out, err = await asyncio.wait_for(process.communicate(script.encode()), timeout=120)
    assert process.returncode == 0, err.decode()[-2000:]
    replies = out.decode().splitlines()
    assert len(replies) == 2 and all(r.startswith("QAI -> dora: @dora ") for r in replies)
    assert 'Last time you told me "what is a qubit?"' in replies[1]
    assert "skipped line 2" in err.decode()
    player = await api.client.data('{ player(name: "dora") { totalInteractions } }')
    assert player == {"player": {"totalInteractions": 2}}


async def test_twitch_irc_client_reads_chat_answers_pings_and_replies() -> None:
    received: list[str] = []
    replied = asyncio.Event()

    async def irc(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Wait for the login, then one PING and one tagged message, as Twitch sends them.
        for _ in range(4):
            received.append((await reader.readline()).decode().strip())
        writer.write(b"PING :tmi.twitch.tv\r\n")
        writer.write(
            b"@badge-info=;display-name=Eve\\sX;id=abc-123 :eve!eve@eve.tmi.twitch.tv "
            b"PRIVMSG #qai :hello QAI\r\n"
        )
        await writer.drain()
        for _ in range(2):
            received.append((await reader.readline()).decode().strip())
        replied.set()
        writer.close()

    server = await asyncio.start_server(irc, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    chat = TwitchChat("#QAI", "qai_bot", "secret", host="127.0.0.1", port=port, tls=False)
    async with server:
        await chat.connect()
        async for message in chat.messages():
            assert (message.message_id, message.player, message.text) == (
                "abc-123",
                "Eve X",
                "hello QAI",
            )
            await chat.send(message, "@Eve X hi")
        await asyncio.wait_for(replied.wait(), 10)
        await chat.close()
    assert received[:4] == [
        "PASS oauth:secret",
        "NICK qai_bot",
        "CAP REQ :twitch.tv/tags",
        "JOIN #qai",
    ]
    assert received[4:] == [
        "PONG :tmi.twitch.tv",
        "@reply-parent-msg-id=abc-123 PRIVMSG #qai :@Eve X hi",
    ]
    assert parse_privmsg(":x!x@x PRIVMSG #other :hi", "qai") is None
