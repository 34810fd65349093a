"""The stage gate: table reads and this replica's own events, each advance published once."""

from __future__ import annotations

from qai_graph.config import MemoryConfig
from qai_graph.memory.events.hub import EventKind, MemoryEvent
from qai_graph.memory.evolution.feed import StageGate
from qai_graph.memory.evolution.rules import build_state
from qai_graph.models import EvolutionState

CONFIG = MemoryConfig(evolution_stage_2_interactions=5, evolution_stage_3_interactions=9)


def state(stage: int, interactions: int) -> EvolutionState:
    return build_state(stage, interactions, 0, 1, CONFIG)


def kinds(events: list[MemoryEvent]) -> list[tuple[EventKind, int]]:
    return [(e.kind, e.evolution.stage if e.evolution else 0) for e in events]


def test_the_first_read_is_a_baseline() -> None:
    gate = StageGate(CONFIG)
    assert gate.observed(state(2, 6)) == []
    assert gate.observed(state(2, 6)) == []  # nothing moved: nothing to say


def test_a_stage_seen_by_a_read_is_not_published_again_by_the_local_event() -> None:
    gate = StageGate(CONFIG)
    gate.observed(state(1, 4))
    assert kinds(gate.observed(state(2, 5))) == [
        (EventKind.STAGE_CHANGED, 2),
        (EventKind.EVOLUTION_UPDATED, 2),
    ]
    assert gate.local(MemoryEvent(EventKind.STAGE_CHANGED, evolution=state(2, 5))) is None


def test_a_local_stage_event_is_not_published_again_by_a_read() -> None:
    gate = StageGate(CONFIG)
    gate.observed(state(1, 4))
    event = MemoryEvent(EventKind.STAGE_CHANGED, evolution=state(2, 5))
    assert gate.local(event) is event
    assert kinds(gate.observed(state(2, 6))) == [(EventKind.EVOLUTION_UPDATED, 2)]
    # A read made before the write, answered late, cannot step anything back.
    assert gate.observed(state(1, 4)) == []


def test_a_read_that_skips_a_stage_publishes_both_advances() -> None:
    gate = StageGate(CONFIG)
    gate.observed(state(1, 0))
    events = gate.observed(state(3, 9))
    assert kinds(events) == [
        (EventKind.STAGE_CHANGED, 2),
        (EventKind.STAGE_CHANGED, 3),
        (EventKind.EVOLUTION_UPDATED, 3),
    ]
    assert events[0].evolution is not None
    assert events[0].evolution.stage_name == "Pattern Recognition"


def test_after_a_reset_the_next_read_is_a_baseline_again() -> None:
    gate = StageGate(CONFIG)
    gate.observed(state(1, 0))
    gate.reset()
    assert gate.observed(state(2, 5)) == []
