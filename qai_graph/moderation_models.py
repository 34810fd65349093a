"""Moderation's models (issue 19): which memory an action is on, who acted, the
moderation log, the flagged queue, and bans. Like ``models.py``, pydantic only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from qai_graph.models import DomainModel


class MemoryKind(StrEnum):
    """The memories a moderator can act on one by one."""

    INTERACTION = "interaction"
    OBSERVATION = "observation"


class MemoryRef(DomainModel):
    """Which memory: its kind, its subject (``PLAYER#<key>`` for an interaction) and id."""

    kind: MemoryKind
    subject: str
    id: str


class ModerationAction(StrEnum):
    """What a moderator did (the moderation log's ``action``)."""

    HIDE = "hide"
    UNHIDE = "unhide"
    RELEASE = "release"
    FORGET_OBSERVATION = "forget_observation"
    BAN = "ban"
    UNBAN = "unban"


class Actor(DomainModel):
    """Who acts: the API key's name (or its id), and its role."""

    name: str
    role: str | None = None


class ModerationEntry(DomainModel):
    """One moderation action as logged: who did what to which memory or player, and when."""

    entry_id: str
    at: datetime
    action: ModerationAction
    actor: str
    actor_role: str | None = None
    reason: str | None = None
    memory: MemoryRef | None = None  # hide, unhide, release, forget_observation
    player: str | None = None  # the player banned, or whose memory it is (a key)


class FlaggedMemory(DomainModel):
    """A flagged memory waiting for a moderator (the queue of ``flaggedMemories``)."""

    memory: MemoryRef
    player: str | None = None  # the speaker, or whom the observation is about
    flag: str
    flag_reasons: list[str] = Field(default_factory=list)
    text: str
    timestamp: datetime
    hidden: bool = False


class MemoryModerated(DomainModel):
    """A memory after hide, unhide or release; ``changed`` false when it already was so."""

    memory: MemoryRef
    changed: bool
    hidden: bool
    flag: str | None = None
    flag_reasons: list[str] = Field(default_factory=list)


class ObservationForgotten(DomainModel):
    """What forgetObservation did; ``deleted`` false when it was already gone."""

    subject: str
    id: str
    deleted: bool


class BannedPlayer(DomainModel):
    """A player under a ban: in no prompt and no recall until unbanned."""

    name: str
    reason: str | None = None
    since: datetime
    by: str


class BanChanged(DomainModel):
    """A player after ban or unban; ``changed`` false when it already was so."""

    name: str
    banned: bool
    changed: bool
    reason: str | None = None
    since: datetime | None = None
