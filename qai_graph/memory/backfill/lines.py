"""Backfill's input: chat history as JSON Lines, one message a line, checked line by line.

    {"time": "2023-05-08T13:56:00Z", "player": "Ada", "message": "...", "response": null,
     "channel": "TWITCH", "session": "optional id", "id": "optional message id"}

Optional too: ``sentiment`` (positive, neutral, negative) and ``private`` (true/false;
default: the channel's, as for recordInteraction). Other fields are ignored, so a
converter may keep what it likes. Each line is checked with the write path's own rules
(names, lengths, ids); a bad line is reported with its number and reason, never applied,
and never stops the others.

Decisions:
- ``time`` is ISO 8601 *with* a zone (``Z`` or ``+02:00``). A time without one is
  rejected, not read as UTC: a guessed zone would shift a whole history by hours, and the
  line's derived id (below) depends on the instant. Times before 1970 or more than
  ``FUTURE_SLACK_S`` ahead of now are rejected.
- ``id`` and ``session`` are strings as the write path takes them (letters, digits,
  ``. _ : -``); a whole number is taken as its digits.
- ``channel`` is case-insensitive (``TWITCH`` and ``twitch`` are one); absent means twitch.
- A line without ``id`` gets one derived from what it says: ``auto-`` and the first 32 hex
  digits of the SHA-256 of ``[epoch milliseconds, player key, message, session]`` (JSON).
  The same line replayed gets the same id, so it is applied once; two identical lines (same
  instant, player, words and session) are one line. Give ids to keep such lines apart.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from qai_graph.errors import InvalidInput
from qai_graph.memory import validation
from qai_graph.models import Channel
from qai_graph.store import keys

FUTURE_SLACK_S = 300  # a line may be this far ahead of our clock (another host's)
DERIVED_PREFIX = "auto-"


@dataclass(frozen=True)
class BackfillLine:
    """One good line, checked and normalised."""

    number: int  # 1-based line number in the input
    at: datetime  # aware, UTC
    display: str  # the player's name as given (trimmed)
    key: str  # the player's key
    message: str
    response: str | None
    channel: Channel
    session_id: str | None
    line_id: str
    derived_id: bool  # True when the id was derived from the line's content
    sentiment: str | None = None
    private: bool | None = None  # None: the channel's default


@dataclass(frozen=True)
class BadLine:
    """A line that was not applied, and why."""

    number: int
    reason: str


@dataclass
class Parsed:
    """Every good line in input order, and the bad ones."""

    lines: list[BackfillLine] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)
    blank: int = 0


def parse_lines(source: Iterable[bytes | str], now: float | None = None) -> Parsed:
    """Check every line of ``source`` (bytes or text, one JSON object a line)."""
    parsed = Parsed()
    latest = (time.time() if now is None else now) + FUTURE_SLACK_S
    for number, raw in enumerate(source, start=1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:
            parsed.bad.append(BadLine(number, f"not UTF-8 ({exc.reason} at byte {exc.start})"))
            continue
        if not text.strip():
            parsed.blank += 1
            continue
        try:
            parsed.lines.append(parse_line(number, text, latest))
        except InvalidInput as exc:
            parsed.bad.append(BadLine(number, str(exc)))
    return parsed


def parse_line(number: int, text: str, latest: float) -> BackfillLine:
    """One line -> BackfillLine; InvalidInput with the reason when it is bad."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise InvalidInput("not a JSON object")
    at = _time(data.get("time"), latest)
    player = data.get("player")
    if player is None:
        raise InvalidInput("player is required", field="player")
    display = keys.clean_display_name(player)
    key = display.casefold()
    message = validation.text(data.get("message"), "message", validation.MAX_MESSAGE_CHARS)
    response = validation.text(
        data.get("response"), "response", validation.MAX_RESPONSE_CHARS, required=False
    )
    channel = _channel(data.get("channel"))
    session = data.get("session")
    if session is not None:
        session = _ident(session, "session")
    private = data.get("private")
    if private is not None and not isinstance(private, bool):
        raise InvalidInput("private must be true or false", field="private")
    sentiment = validation.sentiment(data.get("sentiment"))
    given = data.get("id")
    assert message is not None
    if given is None:
        line_id, derived = derive_id(at, key, message, session), True
    else:
        line_id, derived = _ident(given, "id"), False
    return BackfillLine(
        number=number,
        at=at,
        display=display,
        key=key,
        message=message,
        response=response or None,
        channel=channel,
        session_id=session,
        line_id=line_id,
        derived_id=derived,
        sentiment=sentiment,
        private=private,
    )


def derive_id(at: datetime, key: str, message: str, session: str | None) -> str:
    """The stable id of a line given without one (see the module docstring)."""
    canonical = json.dumps([int(at.timestamp() * 1000), key, message, session], ensure_ascii=False)
    return DERIVED_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _time(value: Any, latest: float) -> datetime:
    if value is None:
        raise InvalidInput("time is required", field="time")
    if not isinstance(value, str):
        raise InvalidInput("time must be an ISO 8601 string", field="time")
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"time {value[:40]!r} is not ISO 8601", field="time") from exc
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(
            f"time {value[:40]!r} has no time zone (add Z for UTC, or an offset)", field="time"
        )
    stamp = at.timestamp()
    if stamp < 0:
        raise InvalidInput("time is before 1970", field="time")
    if stamp > latest:
        raise InvalidInput("time is in the future", field="time")
    return at.astimezone(UTC)


def _ident(value: Any, what: str) -> str:
    """An id as the write path checks it; a whole number (some exports' ids) as its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string", field=what)
    return keys.check_id(value, what)


def _channel(value: Any) -> Channel:
    if value is None:
        return Channel.TWITCH
    if not isinstance(value, str):
        raise InvalidInput("channel must be a string", field="channel")
    return validation.enum(Channel, value.strip().casefold(), "channel")
