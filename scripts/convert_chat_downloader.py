#!/usr/bin/env python3
"""Turn chat-downloader's JSON (a Twitch VOD's chat) into ``qai-graph backfill`` lines.

chat-downloader (``pip install chat-downloader``; https://github.com/xenova/chat-downloader)
saves a stream's chat with ``chat_downloader https://www.twitch.tv/videos/<id> --output
chat.json``: a JSON list of messages, each with ``timestamp`` (microseconds since the
epoch), ``message_id``, ``message``, ``message_type`` and ``author`` (``name``: the login,
``display_name``). This prints one backfill line per chat message:

    {"time": "2023-05-08T13:56:00.123000Z", "player": "Ada", "message": "...",
     "response": null, "channel": "TWITCH", "session": "<--session>", "id": "<message_id>"}

- Only chat messages (``message_type`` text_message, or none) with text are kept;
  subscriptions, raids and other events are skipped (counted on stderr).
- ``player`` is the display name when it is the login in other case (``Ada`` for
  ``ada``), else the login (a display name in another script is not the account).
- ``--bot NAME``: the bot's own messages become the ``response`` of the line before them
  (when that line has none), so QAI's replies are kept with what they answered.
- ``session`` is ``--session``, default the input file's name without its extension
  (one VOD, one session); ``id`` is chat-downloader's message id (replays are no-ops).
- A JSON Lines input (one message object a line) is read too.

Run: python scripts/convert_chat_downloader.py chat.json --session vod-123 > chat.jsonl
     qai-graph backfill chat.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CHAT_TYPES = {None, "text_message"}


def read_messages(text: str) -> Iterator[dict[str, Any]]:
    """chat-downloader's messages from a JSON list, or JSON Lines."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        data = json.loads(stripped)
        yield from (m for m in data if isinstance(m, dict))
        return
    for raw in stripped.splitlines():
        if raw.strip():
            message = json.loads(raw)
            if isinstance(message, dict):
                yield message


def player_of(author: dict[str, Any]) -> str | None:
    """The display name when it is the login in other case, else the login."""
    login = author.get("name") or author.get("display_name")
    display = author.get("display_name")
    if not isinstance(login, str) or not login.strip():
        return None
    if isinstance(display, str) and display.casefold() == login.casefold():
        return display
    return login


def convert(
    messages: Iterable[dict[str, Any]], session: str | None, bot: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Backfill lines (in the input's order) and how many messages were skipped."""
    out: list[dict[str, Any]] = []
    skipped = 0
    bot_key = bot.casefold() if bot else None
    for message in messages:
        text = message.get("message")
        stamp = message.get("timestamp")
        player = player_of(message.get("author") or {})
        if (
            message.get("message_type") not in CHAT_TYPES
            or not isinstance(text, str)
            or not text.strip()
            or not isinstance(stamp, int | float)
            or player is None
        ):
            skipped += 1
            continue
        if bot_key is not None and player.casefold() == bot_key:
            if out and out[-1]["response"] is None:
                out[-1]["response"] = text
            else:
                skipped += 1
            continue
        at = datetime.fromtimestamp(stamp / 1_000_000, UTC)
        line: dict[str, Any] = {
            "time": at.isoformat().replace("+00:00", "Z"),
            "player": player,
            "message": text,
            "response": None,
            "channel": "TWITCH",
        }
        if session:
            line["session"] = session
        if message.get("message_id"):
            line["id"] = str(message["message_id"])
        out.append(line)
    return out, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="chat-downloader's JSON output")
    parser.add_argument("--session", help="the lines' session id (default: the file's stem)")
    parser.add_argument("--bot", help="the bot's login: its messages become responses")
    args = parser.parse_args(argv)
    try:
        text = args.file.read_text(encoding="utf-8")
        messages = list(read_messages(text))
    except (OSError, ValueError) as exc:
        print(f"convert_chat_downloader: {args.file}: {exc}", file=sys.stderr)
        return 2
    session = args.session if args.session is not None else args.file.stem
    lines, skipped = convert(messages, session or None, args.bot)
    for line in lines:
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(lines)} lines, {skipped} messages skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
