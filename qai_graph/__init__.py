"""qai-graph: the memory of QAI, served as GraphQL over one DynamoDB table.

``open_memory`` (from the composition root, :mod:`qai_graph.app`) is imported on first
use, so ``import qai_graph`` does not load the web stack.
"""

from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory.prompt.builder import build_qai_system_prompt
from qai_graph.memory.prompt.quoting import format_for_twitch
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
from qai_graph.version import __version__

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
    "__version__",
    "build_qai_system_prompt",
    "format_for_twitch",
    "open_memory",
]


def __getattr__(name: str) -> Any:
    if name == "open_memory":
        from qai_graph.app import open_memory

        return open_memory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
