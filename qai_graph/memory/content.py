"""The canonical form of a memory's text, for spotting duplicates (observations, prompt lines)."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# Whitespace is already collapsed to single spaces when these are stripped.
_TRAILING = " .!?…"


def normalise_content(text: str) -> str:
    """Canonical form of an observation's text, for spotting duplicates."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", folded).strip().rstrip(_TRAILING)
