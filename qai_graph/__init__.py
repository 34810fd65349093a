"""qai-graph: the memory of QAI, served as GraphQL over one DynamoDB table.

Every name here is imported on first use (``__getattr__``), so ``import qai_graph`` (and
so every ``qai-graph`` command, ``--version`` included) loads only what it touches:
``MemoryService`` brings boto, numpy and the recall stack, ``open_memory`` (from the
composition root, :mod:`qai_graph.app`) the web stack. Measured in bench/RESULTS.md
("2026-12-04 late: CLI start-up").
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qai_graph.app import open_memory
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
# Where each public name lives: imported from there on first use.
_HOMES = {
    "Channel": "qai_graph.models",
    "ConsolidationResult": "qai_graph.models",
    "EntityType": "qai_graph.models",
    "EvolutionState": "qai_graph.models",
    "Insight": "qai_graph.models",
    "Interaction": "qai_graph.models",
    "InteractionRecorded": "qai_graph.memory.results",
    "Memory": "qai_graph.models",
    "MemoryConfig": "qai_graph.config",
    "MemoryService": "qai_graph.memory.service",
    "MemoryTier": "qai_graph.models",
    "Observation": "qai_graph.models",
    "ObservationCategory": "qai_graph.models",
    "PatternStats": "qai_graph.models",
    "PlayerContext": "qai_graph.models",
    "PlayerProfile": "qai_graph.models",
    "RecallResult": "qai_graph.models",
    "SessionContext": "qai_graph.models",
    "SessionMessage": "qai_graph.models",
    "SolutionRecorded": "qai_graph.memory.results",
    "__version__": "qai_graph.version",
    "build_qai_system_prompt": "qai_graph.memory.prompt.builder",
    "format_for_twitch": "qai_graph.memory.prompt.quoting",
    "open_memory": "qai_graph.app",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (then kept here)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
