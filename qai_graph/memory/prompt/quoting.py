"""Quoting what players and the bot supplied: one line, no control characters, bounded,
so a chat message cannot forge a section of the prompt; and replies fit for Twitch."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

QUOTE_LIMIT = 200  # characters of any one quoted text
NAME_LIMIT = 64
_SPACE = re.compile(r"\s+")


def clean_text(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as one safe line: whitespace collapsed, control characters gone, bounded."""
    if limit <= 0:
        return ""
    kept = (
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    flat = _SPACE.sub(" ", "".join(kept)).strip()
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cleaned and in double quotes; inner double quotes become single ones."""
    return '"' + clean_text(text, limit).replace('"', "'") + '"'


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
