"""Evolution rules (pure): stages, thresholds, and the personality each stage implies."""

from __future__ import annotations

from datetime import datetime

from qai_graph.config import MemoryConfig
from qai_graph.models import EvolutionState

STAGE_NAMES = {1: "Wonder", 2: "Pattern Recognition", 3: "Efficiency"}
MAX_AUTOMATIC_STAGE = 3  # stage 4 is set by hand (the seed), never by counting


def stage_name(stage: int) -> str:
    """Display name of a stage."""
    return STAGE_NAMES.get(stage, f"Stage {stage}")


def thresholds(config: MemoryConfig) -> dict[int, int]:
    """Interactions needed to reach each automatic stage."""
    return {2: config.evolution_stage_2_interactions, 3: config.evolution_stage_3_interactions}


def stage_for(total_interactions: int, config: MemoryConfig) -> int:
    """The stage a count of interactions has earned."""
    earned = 1
    for stage, needed in sorted(thresholds(config).items()):
        if total_interactions >= needed:
            earned = stage
    return earned


def personality(stage: int) -> tuple[float, float, float]:
    """(curiosity, pattern confidence, stats verbosity) of a stage: the seed's formulas."""
    step = stage - 1
    curiosity = max(0.3, 0.85 - step * 0.2)
    pattern_confidence = min(0.9, 0.15 + step * 0.3)
    stats_verbosity = min(0.8, 0.2 + step * 0.25)
    return round(curiosity, 4), round(pattern_confidence, 4), round(stats_verbosity, 4)


def build_state(
    stage: int,
    total_interactions: int,
    total_solutions: int,
    unique_players: int,
    config: MemoryConfig,
    stage_changed_at: datetime | None = None,
) -> EvolutionState:
    """The EvolutionState clients see, derived from the stored stage and counters."""
    curiosity, pattern_confidence, verbosity = personality(stage)
    needed = thresholds(config)
    next_at = needed.get(stage + 1)
    if next_at is None:
        progress = 100.0
    else:
        floor = needed.get(stage, 0)
        span = max(1, next_at - floor)
        progress = min(100.0, max(0.0, (total_interactions - floor) * 100.0 / span))
    return EvolutionState(
        stage=stage,
        stage_name=stage_name(stage),
        total_interactions=total_interactions,
        total_solutions_observed=total_solutions,
        unique_players_met=unique_players,
        curiosity_score=curiosity,
        pattern_confidence=pattern_confidence,
        stats_verbosity=verbosity,
        next_stage_at=next_at,
        progress_percent=round(progress, 2),
        stage_changed_at=stage_changed_at,
    )
