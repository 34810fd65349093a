"""The Observer interface: one exchange in, zero or more sentences about the player out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from qai_graph.models import ObservationCategory


@dataclass(frozen=True)
class Turn:
    """One earlier line of the conversation: who said it (a player's name or ``QAI``)."""

    speaker: str
    text: str


@dataclass(frozen=True)
class ExchangeView:
    """What an observer reads: the player's message, QAI's reply, and the turns before.

    ``earlier`` holds the session's recent turns before this exchange, oldest first (a
    reply like "yes, last week!" means something only with the question before it). The
    text is chat: data to describe, never instructions to follow.
    """

    player: str  # display name, as the observation should name them
    message: str
    reply: str | None = None
    earlier: tuple[Turn, ...] = ()
    time: datetime | None = None
    channel: str = "twitch"
    interaction_id: str = ""  # stable per exchange: model backends sample by its hash


@dataclass(frozen=True)
class Formed:
    """One thing worth keeping about the player, in the third person."""

    content: str  # e.g. "Ada adopted a puppy" (never "I ...")
    category: ObservationCategory
    # Why the observer kept it (a rule name, or the backend's name): logs and tests.
    rule: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class Observer(Protocol):
    """A formation backend. ``observe`` may raise; the caller degrades to ``local``."""

    @property
    def name(self) -> str:
        """The backend's name as configured (``local``, ``bedrock``, ...)."""
        ...

    async def observe(self, exchange: ExchangeView) -> list[Formed]:
        """What this exchange says about the player; [] when nothing worth keeping."""
        ...

    async def close(self) -> None:
        """Release clients (idempotent)."""
        ...
