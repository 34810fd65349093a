"""Quoting what players and the bot supplied: one line, no control characters, bounded,
so a chat message cannot forge a section of the prompt or close the data section it is
quoted in; and replies fit for Twitch."""

from __future__ import annotations

import math
import re
from typing import Any

from qai_graph.memory.trust.neutralize import neutralize

OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"  # “ ”: neutralize turns '"' into these
QUOTE_LIMIT = 200  # characters of any one quoted text
NAME_LIMIT = 64
_SPACE = re.compile(r"\s+")


def clean_text(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as one safe line (``memory.trust.neutralize``): no line break, control,
    format or bidi character, no ASCII double quote, no data-section delimiter; bounded."""
    if limit <= 0:
        return ""
    return neutralize(text, limit=limit)


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cleaned and in typographic quotes, which no chat text can close."""
    return OPEN_QUOTE + clean_text(text, limit) + CLOSE_QUOTE


def format_for_twitch(response: str, max_length: int = 200) -> str:
    """``response`` on one line and at most ``max_length`` characters, cut at a sentence end."""
    if max_length <= 0:
        return ""
    # A newline would end the IRC message early, so the reply is flattened first.
    text = _SPACE.sub(" ", response).strip()
    if len(text) <= max_length:
        return text
    window = text[:max_length]
    cut = max(window.rfind("."), window.rfind("?"), window.rfind("!"))
    if cut > max_length // 2:
        return text[: cut + 1]
    if max_length < 4:  # no room for an ellipsis and a word
        return text[:max_length]
    return text[: max_length - 3].rstrip() + "..."


def is_finite_number(value: Any) -> bool:
    # bool is an int subclass, and NaN compares false with everything: neither is a reading.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
