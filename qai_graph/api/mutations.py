"""Mutation resolvers: each one call into the service, which owns every rule."""

from __future__ import annotations

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from qai_graph.api.auth import AdminOnly, WriterOnly
from qai_graph.api.context import GraphQLContext
from qai_graph.api.decorators import mutation
from qai_graph.api.inputs import (
    PlayerUpdateInput,
    RecordInteractionInput,
    RecordSolutionInput,
    StoreObservationInput,
)
from qai_graph.api.moderation import ModerationMutation
from qai_graph.api.types import (
    ConsolidationResult,
    Evolution,
    Interaction,
    Observation,
    PatternStats,
    Player,
    RecordInteractionPayload,
    RecordSolutionPayload,
    Session,
)
from qai_graph.errors import InvalidInput
from qai_graph.models import ForgetResult

Ctx = Info[GraphQLContext, None]


def _optional_id(value: strawberry.ID | None) -> str | None:
    return None if value is None else str(value)


WRITER: list[type[BasePermission]] = [WriterOnly]
ADMIN: list[type[BasePermission]] = [AdminOnly]


@strawberry.type(description="What forgetting a player removed.")
class ForgetPlayerResult:
    """Counts of the items deleted by forgetPlayer."""

    player: str = strawberry.field(description="The player's normalised key.")
    profile_deleted: bool
    interactions_deleted: int
    observations_deleted: int
    idempotency_records_deleted: int
    other_items_deleted: int

    @classmethod
    def from_model(cls, result: ForgetResult) -> ForgetPlayerResult:
        """From the service's result."""
        return cls(**result.model_dump())


@strawberry.type
class Mutation(ModerationMutation):
    """Change QAI's memory."""

    @mutation(
        description="Record a message and QAI's answer; counts it for the player and evolution.",
        permission_classes=WRITER,
    )
    async def record_interaction(
        self, info: Ctx, input: RecordInteractionInput
    ) -> RecordInteractionPayload:
        """Record an interaction."""
        if input.context is not None and not isinstance(input.context, dict):
            raise InvalidInput("context must be a JSON object", field="context")
        done = await info.context.service.record_interaction(
            input.player,
            input.channel,
            input.message,
            qai_response=input.qai_response,
            sentiment=input.sentiment,
            context=input.context,
            session_id=_optional_id(input.session_id),
            idempotency_key=input.idempotency_key,
            private=input.private,
        )
        info.context.loaders.prime_player(done.player)
        return RecordInteractionPayload(
            interaction=Interaction.from_model(done.interaction),
            player=Player.from_model(done.player),
            evolution=Evolution.from_model(done.evolution),
            stage_advanced=done.stage_advanced,
            replayed=done.replayed,
        )

    @mutation(
        description="Record a solved puzzle for the player and the pattern.",
        permission_classes=WRITER,
    )
    async def record_solution(self, info: Ctx, input: RecordSolutionInput) -> RecordSolutionPayload:
        """Record a solution."""
        done = await info.context.service.record_solution(
            input.player,
            str(input.pattern_id),
            input.fidelity,
            input.time_ms,
            gate_sequence=input.gate_sequence,
            idempotency_key=input.idempotency_key,
        )
        return RecordSolutionPayload(
            player=Player.from_model(done.player),
            pattern=PatternStats.from_model(done.pattern),
            evolution=Evolution.from_model(done.evolution),
            stage_advanced=done.stage_advanced,
        )

    @mutation(
        description="Store an observation; the same content as an active one reinforces it.",
        permission_classes=WRITER,
    )
    async def store_observation(self, info: Ctx, input: StoreObservationInput) -> Observation:
        """Store an observation."""
        stored = await info.context.service.store_observation(
            input.subject,
            input.content,
            input.category,
            confidence=input.confidence,
            idempotency_key=input.idempotency_key,
        )
        return Observation.from_model(stored)

    @mutation(
        description="One more piece of evidence: +1 evidence, +0.1 confidence.",
        permission_classes=WRITER,
    )
    async def reinforce_observation(
        self, info: Ctx, subject: str, id: strawberry.ID
    ) -> Observation:
        """Reinforce an observation."""
        return Observation.from_model(
            await info.context.service.reinforce_observation(subject, str(id))
        )

    @mutation(
        description="Move an observation to long-term memory (idempotent).",
        permission_classes=WRITER,
    )
    async def promote_observation(self, info: Ctx, subject: str, id: strawberry.ID) -> Observation:
        """Promote an observation."""
        return Observation.from_model(
            await info.context.service.promote_observation(subject, str(id))
        )

    @mutation(description="Change a known player's profile fields.", permission_classes=ADMIN)
    async def update_player(self, info: Ctx, name: str, input: PlayerUpdateInput) -> Player:
        """Update a player."""
        changes = input.changes()
        if not changes:
            raise InvalidInput("input must set at least one field", field="input")
        return Player.from_model(await info.context.service.update_player(name, changes))

    @mutation(
        description="Append a message to a session's working memory.", permission_classes=WRITER
    )
    async def add_session_message(
        self, info: Ctx, session_id: strawberry.ID, role: str, content: str
    ) -> Session:
        """Add a session message."""
        session = await info.context.service.add_session_message(str(session_id), role, content)
        return Session.from_model(session)

    @mutation(
        description="Promote, prune and trim memory now (also scheduled).", permission_classes=ADMIN
    )
    async def run_consolidation(self, info: Ctx) -> ConsolidationResult:
        """Run consolidation."""
        return ConsolidationResult.from_model(await info.context.service.consolidate_memories())

    @mutation(
        description="Forget a player: their profile, interactions, observations about them "
        "and idempotency records (a viewer's right to be forgotten). Evolution's lifetime "
        "counters are kept.",
        permission_classes=ADMIN,
    )
    async def forget_player(self, info: Ctx, name: str) -> ForgetPlayerResult:
        """Forget a player."""
        return ForgetPlayerResult.from_model(await info.context.service.forget_player(name))
