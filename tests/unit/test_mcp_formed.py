"""MCP answers carry formed memories' provenance (ids and times, never text) and say
which observation was superseded (issue 20)."""

from __future__ import annotations

from datetime import UTC, datetime

from qai_graph.mcp.outputs import ObservationOutput, RecallOutput
from qai_graph.models import (
    Memory,
    Observation,
    ObservationCategory,
    ObservationSource,
    RecallResult,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SAID = ObservationSource(interaction_id="i-1", line_id="line-7", at=NOW)


def test_an_observation_says_who_formed_it_from_what_and_what_replaced_it() -> None:
    obs = Observation(
        observation_id="o-1", timestamp=NOW, subject="PLAYER#ada", content="Ada loves burgers",
        category=ObservationCategory.PREFERENCE, sources=[SAID], formed_by="local",
        session_id="s-1", superseded_by="o-2", superseded_at=NOW,
    )  # fmt: skip
    out = ObservationOutput.of(obs)
    assert [(s.interaction_id, s.line_id, s.at) for s in out.sources] == [("i-1", "line-7", NOW)]
    assert (out.formed_by, out.session_id, out.superseded_by) == ("local", "s-1", "o-2")
    assert out.superseded and out.superseded_at == NOW
    assert "formed by local from 1 exchanges" in out.text()
    assert "superseded by o-2" in out.text()
    plain = ObservationOutput.of(obs.model_copy(update={"superseded_by": None, "sources": []}))
    assert not plain.superseded and plain.sources == []


def test_recalled_memories_carry_sources_and_flagged_ones_still_no_text() -> None:
    result = RecallResult(
        query="burgers",
        sources=["player_observations"],
        total_found=2,
        memories=[
            Memory(
                type="observation", subject="PLAYER#ada", content="Ada loves burgers", score=1,
                sources=[SAID], data={"superseded_by": "o-2"},
            ),
            Memory(
                type="interaction", subject="PLAYER#m", content="hunter2", score=0.5, flag="x",
                sources=[ObservationSource(interaction_id="i-9", at=NOW)],
            ),
        ],
    )  # fmt: skip
    out = RecallOutput.of(result)
    first, second = out.memories
    assert first.superseded and [s.line_id for s in first.sources] == ["line-7"]
    assert not second.superseded and [s.interaction_id for s in second.sources] == ["i-9"]
    assert "(superseded) Ada loves burgers" in out.text()
    assert "hunter2" not in out.model_dump_json() + out.text()
