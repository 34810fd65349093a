"""Twitch chat over IRC (TLS, port 6697) with plain asyncio: read PRIVMSGs, send replies.

Twitch's IRC: ``PASS oauth:<token>``, ``NICK <login>``, ``CAP REQ :twitch.tv/tags`` (for
each message's ``id`` and ``display-name``), ``JOIN #<channel>``; answer ``PING`` with
``PONG``. A reply names the message it answers (``@reply-parent-msg-id=<id>``), and
replies are spaced (a normal account may send 20 messages per 30 s).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import AsyncIterator

from qai_graph.chat.loop import ChatMessage

logger = logging.getLogger("qai_graph.chat.twitch")

HOST, PORT = "irc.chat.twitch.tv", 6697
SEND_INTERVAL_S = 1.6  # 20 messages per 30 s, with room to spare


def parse_tags(raw: str) -> dict[str, str]:
    """IRCv3 tags (``a=1;b=2``), with their escapes undone."""
    tags = {}
    for part in raw.split(";"):
        key, _, value = part.partition("=")
        value = value.replace(r"\s", " ").replace(r"\:", ";").replace(r"\r", "").replace(r"\n", "")
        tags[key] = value.replace("\\\\", "\\")
    return tags


def parse_privmsg(line: str, channel: str) -> ChatMessage | None:
    """A chat message from one IRC line, or None for any other line."""
    tags: dict[str, str] = {}
    if line.startswith("@"):
        raw, _, line = line.partition(" ")
        tags = parse_tags(raw[1:])
    prefix, _, rest = line.partition(" ")
    command, _, rest = rest.partition(" ")
    if command != "PRIVMSG" or not prefix.startswith(":"):
        return None
    target, _, text = rest.partition(" :")
    if target.lstrip("#").casefold() != channel.casefold() or not text:
        return None
    login = prefix[1:].split("!", 1)[0]
    player = tags.get("display-name") or login
    message_id = tags.get("id") or f"twitch-{login}-{time.time_ns()}"
    return ChatMessage(message_id, player, text.strip(), f"twitch-{channel.casefold()}")


class TwitchChat:
    """One joined channel: ``messages()`` yields chat, ``send()`` replies to a message."""

    def __init__(
        self,
        channel: str,
        login: str,
        token: str,
        *,
        host: str = HOST,
        port: int = PORT,
        tls: bool = True,
        send_interval_s: float = SEND_INTERVAL_S,
    ) -> None:
        self.channel = channel.lstrip("#").casefold()
        self._login = login.casefold()
        self._token = token if token.startswith("oauth:") else f"oauth:{token}"
        self._host, self._port, self._tls = host, port, tls
        self._interval = send_interval_s
        self._last_send = 0.0
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _write(self, line: str) -> None:
        assert self._writer is not None
        self._writer.write((line.replace("\r", " ").replace("\n", " ") + "\r\n").encode())
        await self._writer.drain()

    async def connect(self) -> None:
        """Connect, log in and join the channel."""
        context = ssl.create_default_context() if self._tls else None
        self._reader, self._writer = await asyncio.open_connection(
            self._host, self._port, ssl=context
        )
        await self._write(f"PASS {self._token}")
        await self._write(f"NICK {self._login}")
        await self._write("CAP REQ :twitch.tv/tags")
        await self._write(f"JOIN #{self.channel}")
        logger.info("joined #%s as %s", self.channel, self._login)

    async def close(self) -> None:
        """Leave and disconnect."""
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()
            self._writer = None

    async def messages(self) -> AsyncIterator[ChatMessage]:
        """Chat messages until the server closes the connection."""
        assert self._reader is not None
        while line := (await self._reader.readline()).decode(errors="replace").rstrip("\r\n"):
            if line.startswith("PING"):
                await self._write("PONG" + line[4:])
                continue
            if " NOTICE " in line and "authentication failed" in line.lower():
                raise PermissionError("Twitch refused the token (login authentication failed)")
            message = parse_privmsg(line, self.channel)
            if message is not None:
                yield message

    async def send(self, message: ChatMessage, reply: str) -> None:
        """Reply in the channel to ``message``, spaced to stay within Twitch's rate."""
        wait = self._last_send + self._interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        parent = f"@reply-parent-msg-id={message.message_id} " if message.message_id else ""
        await self._write(f"{parent}PRIVMSG #{self.channel} :{reply}")
        self._last_send = time.monotonic()
