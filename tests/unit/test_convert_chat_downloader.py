"""scripts/convert_chat_downloader.py: chat-downloader's JSON -> backfill lines."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from qai_graph.memory.backfill import parse_lines

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "convert_chat_downloader.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("convert_chat_downloader", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHAT = [
    {
        "timestamp": 1683554160123000,
        "message_id": "3f1c-aa",
        "message": "i just adopted a puppy!!",
        "message_type": "text_message",
        "author": {"name": "ada", "display_name": "Ada", "id": "1"},
        "time_in_seconds": 12.5,
    },
    {
        "timestamp": 1683554165000000,
        "message_id": "3f1c-ab",
        "message": "congrats Ada!",
        "author": {"name": "qai_bot", "display_name": "QAI_Bot"},
    },
    {
        "timestamp": 1683554170000000,
        "message_id": "3f1c-ac",
        "message": "こんにちは",
        "author": {"name": "yuki_jp", "display_name": "ゆき"},
    },
    {
        "timestamp": 1683554171000000,
        "message_id": "3f1c-ad",
        "message_type": "subscription",
        "message": "subscribed for 3 months",
        "author": {"name": "bob"},
    },
]


def test_messages_become_backfill_lines_that_parse() -> None:
    lines, skipped = _module().convert(CHAT, "vod-1", bot="qai_bot")
    assert skipped == 1  # the subscription
    assert lines[0] == {
        "time": "2023-05-08T13:56:00.123000Z",
        "player": "Ada",
        "message": "i just adopted a puppy!!",
        "response": "congrats Ada!",
        "channel": "TWITCH",
        "session": "vod-1",
        "id": "3f1c-aa",
    }
    assert lines[1]["player"] == "yuki_jp"  # a display name in another script: the login
    parsed = parse_lines([json.dumps(line) for line in lines])
    assert parsed.bad == []
    assert [p.line_id for p in parsed.lines] == ["3f1c-aa", "3f1c-ac"]
    assert parsed.lines[0].at.timestamp() == 1683554160.123


def test_the_command_reads_a_file_and_prints_lines(tmp_path: Path) -> None:
    path = tmp_path / "vod-42.json"
    path.write_text(json.dumps(CHAT), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=True
    )
    rows = [json.loads(x) for x in done.stdout.splitlines()]
    assert [r["session"] for r in rows] == ["vod-42"] * 3  # no --bot: the bot is a player
    assert "3 lines, 1 messages skipped" in done.stderr
