"""Moderation in GraphQL: the flagged queue, hiding, releasing and forgetting memories,
banning players, and the moderation log. Every field here needs the moderator role
(or admin); each change is logged with the caller's key name (``Principal.actor``).

``Query`` and ``Mutation`` (queries.py, mutations.py) inherit these fields.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from qai_graph import moderation_models
from qai_graph.api.auth import ModeratorOnly
from qai_graph.api.connections import Connection, listing
from qai_graph.api.context import GraphQLContext
from qai_graph.api.decorators import field, mutation
from qai_graph.api.errors import Forbidden

Ctx = Info[GraphQLContext, None]
MODERATOR: list[type[BasePermission]] = [ModeratorOnly]

MemoryKind = moderation_models.MemoryKind
ModerationAction = moderation_models.ModerationAction


@strawberry.input(description="Which memory: an interaction (subject PLAYER#<name>) or an "
    "observation (subject PLAYER#<name>, PATTERN#<id> or GENERAL), and its id.")  # fmt: skip
class MemoryRefInput:
    """Input naming one memory."""

    kind: MemoryKind
    subject: str
    id: strawberry.ID

    def to_model(self) -> moderation_models.MemoryRef:
        """The domain's reference."""
        return moderation_models.MemoryRef(kind=self.kind, subject=self.subject, id=str(self.id))


@strawberry.type(description="Which memory: its kind, subject (PLAYER#<key> for an "
    "interaction) and id, as hideMemory, unhideMemory and releaseMemory take it.")  # fmt: skip
class MemoryRef:
    """A memory's reference."""

    kind: MemoryKind
    subject: str
    id: strawberry.ID

    @classmethod
    def from_model(cls, ref: moderation_models.MemoryRef) -> MemoryRef:
        """Map a reference."""
        return cls(kind=ref.kind, subject=ref.subject, id=strawberry.ID(ref.id))


@strawberry.type(description="A flagged memory waiting for a moderator: shown to no other "
    "player until released.")  # fmt: skip
class FlaggedMemory:
    """One entry of the flagged queue."""

    memory: MemoryRef
    player: str | None = strawberry.field(
        description="The speaker (interactions) or whom the observation is about."
    )
    flag: str
    flag_reasons: list[str]
    text: str = strawberry.field(description="What was written (the player's message).")
    timestamp: datetime
    hidden: bool

    @classmethod
    def from_model(cls, item: moderation_models.FlaggedMemory) -> FlaggedMemory:
        """Map a queue entry."""
        return cls(
            memory=MemoryRef.from_model(item.memory),
            player=item.player,
            flag=item.flag,
            flag_reasons=list(item.flag_reasons),
            text=item.text,
            timestamp=item.timestamp,
            hidden=item.hidden,
        )


@strawberry.type(description="One moderation action: who did what, to which memory or "
    "player, when and why.")  # fmt: skip
class ModerationEntry:
    """A moderation log entry."""

    id: strawberry.ID
    at: datetime
    action: ModerationAction
    actor: str = strawberry.field(description="The API key's name (or key:<id> without one).")
    actor_role: str | None
    reason: str | None
    memory: MemoryRef | None
    player: str | None = strawberry.field(
        description="The player banned or unbanned, or whose memory it was (a key)."
    )

    @classmethod
    def from_model(cls, item: moderation_models.ModerationEntry) -> ModerationEntry:
        """Map a log entry."""
        return cls(
            id=strawberry.ID(item.entry_id),
            at=item.at,
            action=item.action,
            actor=item.actor,
            actor_role=item.actor_role,
            reason=item.reason,
            memory=MemoryRef.from_model(item.memory) if item.memory else None,
            player=item.player,
        )


@strawberry.type(description="A player under a ban: in no prompt and no recall.")
class BannedPlayer:
    """An entry of the ban list."""

    name: str
    reason: str | None
    since: datetime
    by: str

    @classmethod
    def from_model(cls, item: moderation_models.BannedPlayer) -> BannedPlayer:
        """Map a ban."""
        return cls(**item.model_dump())


@strawberry.type(description="A memory after hideMemory, unhideMemory or releaseMemory.")
class ModeratedMemory:
    """What a memory moderation did."""

    memory: MemoryRef
    changed: bool = strawberry.field(
        description="False when the memory already was so (nothing written, nothing logged)."
    )
    hidden: bool
    flag: str | None
    flag_reasons: list[str]

    @classmethod
    def from_model(cls, item: moderation_models.MemoryModerated) -> ModeratedMemory:
        """Map the outcome."""
        return cls(
            memory=MemoryRef.from_model(item.memory),
            changed=item.changed,
            hidden=item.hidden,
            flag=item.flag,
            flag_reasons=list(item.flag_reasons),
        )


@strawberry.type(description="What forgetObservation did.")
class ForgetObservationResult:
    """The observation forgotten."""

    subject: str
    id: strawberry.ID
    deleted: bool = strawberry.field(description="False when it was already gone.")


@strawberry.type(description="A player after banPlayer or unbanPlayer.")
class BanResult:
    """What a ban or an unban did."""

    name: str
    banned: bool
    changed: bool = strawberry.field(
        description="False when the player already was so (nothing written, nothing logged)."
    )
    reason: str | None
    since: datetime | None

    @classmethod
    def from_model(cls, item: moderation_models.BanChanged) -> BanResult:
        """Map the outcome."""
        return cls(**item.model_dump())


def actor(info: Ctx) -> moderation_models.Actor:
    """Who is calling, as the moderation log names them."""
    principal = info.context.principal
    if principal is None:  # the permission check has run: never here
        raise Forbidden("this operation needs the moderator role")
    return moderation_models.Actor(name=principal.actor, role=principal.role)


@strawberry.type
class ModerationQuery:
    """The moderators' reads."""

    @field(
        description="Flagged memories waiting for a moderator, newest first (moderator).",
        permission_classes=MODERATOR,
    )
    async def flagged_memories(
        self, info: Ctx, first: int = 20, after: str | None = None
    ) -> Connection[FlaggedMemory]:
        """A page of the flagged queue."""
        moderation = info.context.service.moderation
        return await listing(moderation.flagged, FlaggedMemory.from_model, first, after)

    @field(
        description="Every moderation action, newest first: who, what, when, why (moderator).",
        permission_classes=MODERATOR,
    )
    async def moderation_log(
        self, info: Ctx, first: int = 20, after: str | None = None
    ) -> Connection[ModerationEntry]:
        """A page of the moderation log."""
        moderation = info.context.service.moderation
        return await listing(moderation.log, ModerationEntry.from_model, first, after)

    @field(description="Players under a ban, by name (moderator).", permission_classes=MODERATOR)
    async def banned_players(
        self, info: Ctx, first: int = 20, after: str | None = None
    ) -> Connection[BannedPlayer]:
        """A page of the ban list."""
        moderation = info.context.service.moderation
        return await listing(moderation.banned, BannedPlayer.from_model, first, after)


@strawberry.type
class ModerationMutation:
    """The moderators' changes; each is logged with the caller's key name."""

    @mutation(
        description="Hide a memory from every prompt and recall, on every replica; "
        "reversible (unhideMemory). NOT_FOUND when it does not exist or expired.",
        permission_classes=MODERATOR,
    )
    async def hide_memory(
        self, info: Ctx, ref: MemoryRefInput, reason: str | None = None
    ) -> ModeratedMemory:
        """Hide a memory."""
        done = await info.context.service.moderation.hide(ref.to_model(), actor(info), reason)
        return ModeratedMemory.from_model(done)

    @mutation(description="Show a hidden memory again.", permission_classes=MODERATOR)
    async def unhide_memory(
        self, info: Ctx, ref: MemoryRefInput, reason: str | None = None
    ) -> ModeratedMemory:
        """Unhide a memory."""
        done = await info.context.service.moderation.unhide(ref.to_model(), actor(info), reason)
        return ModeratedMemory.from_model(done)

    @mutation(
        description="A flagged memory is fine: remove its flag and its queue entry; other "
        "players' prompts and recall may show it again.",
        permission_classes=MODERATOR,
    )
    async def release_memory(
        self, info: Ctx, ref: MemoryRefInput, reason: str | None = None
    ) -> ModeratedMemory:
        """Release a flagged memory."""
        done = await info.context.service.moderation.release(ref.to_model(), actor(info), reason)
        return ModeratedMemory.from_model(done)

    @mutation(
        description="Delete an observation (with its dedup guard and queue entry) from "
        "memory and every replica's recall.",
        permission_classes=MODERATOR,
    )
    async def forget_observation(
        self, info: Ctx, subject: str, id: strawberry.ID, reason: str | None = None
    ) -> ForgetObservationResult:
        """Forget an observation."""
        done = await info.context.service.moderation.forget_observation(
            subject, str(id), actor(info), reason
        )
        return ForgetObservationResult(
            subject=done.subject, id=strawberry.ID(done.id), deleted=done.deleted
        )

    @mutation(
        description="Ban a player: every memory of theirs leaves every prompt and recall at "
        "once, on every replica; nothing is deleted (forgetPlayer erases). NOT_FOUND for a "
        "player never met.",
        permission_classes=MODERATOR,
    )
    async def ban_player(self, info: Ctx, name: str, reason: str) -> BanResult:
        """Ban a player."""
        return BanResult.from_model(
            await info.context.service.moderation.ban(name, reason, actor(info))
        )

    @mutation(
        description="Lift a ban: the player's memories rejoin prompts and recall.",
        permission_classes=MODERATOR,
    )
    async def unban_player(self, info: Ctx, name: str, reason: str | None = None) -> BanResult:
        """Unban a player."""
        return BanResult.from_model(
            await info.context.service.moderation.unban(name, actor(info), reason)
        )
