"""GraphQL input types of the mutations."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry
from strawberry.scalars import JSON

from qai_graph.api.types import Channel, ObservationCategory


@strawberry.input(description="One chat message and QAI's answer.")
class RecordInteractionInput:
    """Input of recordInteraction."""

    player: str
    message: str
    channel: Channel = Channel.TWITCH
    qai_response: str | None = None
    sentiment: str | None = strawberry.field(
        default=None, description="positive, neutral or negative."
    )
    context: JSON | None = None
    session_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retries with the same key are recorded (and counted) once."
    )
    private: bool | None = strawberry.field(
        default=None,
        description="Keep it out of every other player's prompt and recall (e.g. a whisper); "
        "null: the channel's default (WHISPER is private).",
    )


@strawberry.input(description="A puzzle a player solved.")
class RecordSolutionInput:
    """Input of recordSolution."""

    player: str
    pattern_id: strawberry.ID
    fidelity: float
    time_ms: int
    gate_sequence: list[str] | None = None
    idempotency_key: str | None = None


@strawberry.input(description="Something QAI noticed.")
class StoreObservationInput:
    """Input of storeObservation."""

    subject: str = strawberry.field(description="PLAYER#<name>, PATTERN#<id> or GENERAL.")
    content: str
    category: ObservationCategory
    confidence: float = 0.5
    idempotency_key: str | None = None


@strawberry.input(description="Profile fields to change; omitted fields stay as they are.")
class PlayerUpdateInput:
    """Input of updatePlayer."""

    play_style: str | None = strawberry.UNSET
    preferred_patterns: list[str] | None = strawberry.UNSET
    sentiment_score: float | None = strawberry.UNSET
    helpfulness_score: float | None = strawberry.UNSET
    memorable_moments: list[str] | None = strawberry.UNSET
    average_fidelity: float | None = strawberry.UNSET

    def changes(self) -> dict[str, Any]:
        """The fields the client gave (an explicit null included)."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) is not strawberry.UNSET
        }
