"""``QAI_MEMORY_OBSERVER=local``: rules over the text, no model, no network.

First version: a first-person statement becomes a third-person sentence about the player.
"""

from __future__ import annotations

import re

from qai_graph.models import ObservationCategory
from qai_graph.observers.base import ExchangeView, Formed

_FIRST_PERSON = re.compile(r"^\s*(?:i|i'm|im|my)\b", re.IGNORECASE)


class LocalObserver:
    """Rules over one exchange."""

    name = "local"

    async def observe(self, exchange: ExchangeView) -> list[Formed]:
        """Third-person sentences for the message's first-person statements."""
        text = exchange.message.strip()
        if not _FIRST_PERSON.match(text) or len(text.split()) < 3:
            return []
        body = re.sub(r"^\s*(?:i'm|im)\b", "is", text, flags=re.IGNORECASE)
        body = re.sub(r"^\s*my\b", f"{exchange.player}'s", body, flags=re.IGNORECASE)
        body = re.sub(r"^\s*i\b", "", body, flags=re.IGNORECASE).strip()
        content = body if body.startswith(exchange.player) else f"{exchange.player} {body}"
        return [Formed(content.rstrip(" !.?"), ObservationCategory.BEHAVIORAL, rule="first")]

    async def close(self) -> None:
        """Nothing to release."""
