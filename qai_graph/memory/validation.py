"""Input checks shared by the use cases: each raises InvalidInput naming the field."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from enum import Enum
from typing import Any, TypeVar

from qai_graph.errors import InvalidInput

E = TypeVar("E", bound=Enum)

MAX_MESSAGE_CHARS = 2000
MAX_RESPONSE_CHARS = 4000
MAX_CONTENT_CHARS = 1000
MAX_CONTEXT_BYTES = 16_000
SENTIMENTS = {"positive", "neutral", "negative"}
MAX_PAGE = 100


def text(value: Any, field: str, limit: int, *, required: bool = True) -> str | None:
    """A string of at most ``limit`` characters; empty only when not required."""
    if value is None:
        if required:
            raise InvalidInput(f"{field} is required", field=field)
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string", field=field)
    if required and not value.strip():
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(value) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    return value


def enum(kind: type[E], value: Any, field: str) -> E:
    """An enum member from itself or its value."""
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(str(m.value) for m in kind)
        raise InvalidInput(f"{field} must be one of: {allowed}", field=field) from exc


def unit_interval(value: Any, field: str) -> float:
    """A finite number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{field} must be a number", field=field)
    if not 0.0 <= float(value) <= 1.0:
        raise InvalidInput(f"{field} must be between 0 and 1", field=field)
    return float(value)


def sentiment(value: Any) -> str | None:
    """One of positive, neutral, negative, or None."""
    if value is None:
        return None
    if value not in SENTIMENTS:
        raise InvalidInput(f"sentiment must be one of {sorted(SENTIMENTS)}", field="sentiment")
    return str(value)


def context(value: Any) -> dict[str, Any]:
    """A JSON object of bounded size (the game state a bot passes along)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput("context must be a JSON object", field="context")
    try:
        encoded = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("context must be plain JSON", field="context") from exc
    if len(encoded.encode()) > MAX_CONTEXT_BYTES:
        raise InvalidInput(f"context is larger than {MAX_CONTEXT_BYTES} bytes", field="context")
    loaded: dict[str, Any] = json.loads(encoded)
    return loaded


def page_size(value: int, field: str = "first") -> int:
    """A page size from 0 to MAX_PAGE."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PAGE:
        raise InvalidInput(f"{field} must be between 0 and {MAX_PAGE}", field=field)
    return value


def count(value: Any, field: str, *, minimum: int = 0) -> int:
    """A whole number >= minimum."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(f"{field} must be a whole number >= {minimum}", field=field)
    return value


MAX_CONTEXT_TURNS = 3


def context_turns(value: int, field: str = "contextTurns") -> int:
    """How many turns around a recalled interaction its context holds: 0 to 3."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CONTEXT_TURNS:
        raise InvalidInput(f"{field} must be between 0 and {MAX_CONTEXT_TURNS}", field=field)
    return value


def window(
    since: datetime | None, until: datetime | None, zone: tzinfo = UTC
) -> tuple[float | None, float | None]:
    """``since``/``until`` as epoch seconds; since < until. A time with an offset is that
    moment; a time without one is a wall-clock time in ``zone`` (the streamer's)."""
    bounds = [None if t is None else _aware(t, zone).timestamp() for t in (since, until)]
    start, end = bounds
    if start is not None and end is not None and start >= end:
        raise InvalidInput("since must be before until", field="since")
    return start, end


def _aware(moment: datetime, zone: tzinfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
