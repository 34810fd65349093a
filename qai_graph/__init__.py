"""qai-graph: the memory of QAI, served as GraphQL over one DynamoDB table."""

from qai_graph.config import MemoryConfig
from qai_graph.memory.prompt.builder import build_qai_system_prompt, format_for_twitch
from qai_graph.memory.results import InteractionRecorded, SolutionRecorded
from qai_graph.memory.service import MemoryService
from qai_graph.models import (
    Channel,
    ConsolidationResult,
    EntityType,
    EvolutionState,
    Insight,
    Interaction,
    Memory,
    MemoryTier,
    Observation,
    ObservationCategory,
    PatternStats,
    PlayerContext,
    PlayerProfile,
    RecallResult,
    SessionContext,
    SessionMessage,
)

__all__ = [
    "Channel",
    "ConsolidationResult",
    "EntityType",
    "EvolutionState",
    "Insight",
    "Interaction",
    "InteractionRecorded",
    "Memory",
    "MemoryConfig",
    "MemoryService",
    "MemoryTier",
    "Observation",
    "ObservationCategory",
    "PatternStats",
    "PlayerContext",
    "PlayerProfile",
    "RecallResult",
    "SessionContext",
    "SessionMessage",
    "SolutionRecorded",
    "build_qai_system_prompt",
    "format_for_twitch",
]
