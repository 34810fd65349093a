"""Results of the writes the bot makes: what changed, for its reply and for the API."""

from __future__ import annotations

from dataclasses import dataclass

from qai_graph.models import EvolutionState, Interaction, PatternStats, PlayerProfile


@dataclass(frozen=True)
class InteractionRecorded:
    """What recording an interaction did: the bot's answer to one chat message."""

    interaction: Interaction
    player: PlayerProfile
    evolution: EvolutionState
    stage_advanced: bool
    replayed: bool = False


@dataclass(frozen=True)
class SolutionRecorded:
    """What recording a solved pattern did."""

    player: PlayerProfile
    pattern: PatternStats
    evolution: EvolutionState
    stage_advanced: bool
    replayed: bool = False
