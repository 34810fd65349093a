"""The stage gate: table reads and this replica's own events, each advance published once;
and the pauses between the reads of a feed (and of the recall index) while nothing moves."""

from __future__ import annotations

from qai_graph.config import MemoryConfig
from qai_graph.memory.events.hub import EventKind, MemoryEvent
from qai_graph.memory.evolution.feed import StageGate, next_pause
from qai_graph.memory.evolution.rules import build_state
from qai_graph.memory.recall.search.sync import next_pause as index_pause
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


def test_the_pause_between_reads_doubles_while_nothing_moves_and_resets_on_a_change() -> None:
    pauses = [0.2]
    for _ in range(5):
        pauses.append(next_pause(pauses[-1], False, 0.2, 2.0))
    assert pauses == [0.2, 0.4, 0.8, 1.6, 2.0, 2.0]
    assert next_pause(2.0, True, 0.2, 2.0) == 0.2


def test_the_recall_index_backs_off_faster_up_to_its_active_window() -> None:
    assert [index_pause(p, False, 1.0, 10.0) for p in (1.0, 3.0, 9.0)] == [3, 9, 10]
    assert index_pause(9.0, True, 1.0, 10.0) == 1.0
