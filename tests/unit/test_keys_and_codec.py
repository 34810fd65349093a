"""Key schema and item codec (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from qai_graph.errors import InvalidInput
from qai_graph.store import codec, keys


@pytest.mark.parametrize("name", ["", "   ", "a#b", "tab\there", "nul\x00", "x" * 65, "new\nline"])
def test_bad_player_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput):
        keys.player_key(name)


def test_player_keys_are_case_insensitive() -> None:
    assert keys.player_key(" QuantumJim ") == keys.player_key("quantumjim") == "quantumjim"
    assert keys.player_pk("Jim") == "PLAYER#jim"


@pytest.mark.parametrize(
    ("subject", "pk"),
    [
        ("PLAYER#Jim", "PLAYER#jim"),
        ("player#jim", "PLAYER#jim"),
        ("PATTERN#7B", "PATTERN#7B"),
        ("GENERAL", "GENERAL"),
        ("general", "GENERAL"),
    ],
)
def test_subjects_parse_to_canonical_partitions(subject: str, pk: str) -> None:
    assert keys.parse_subject(subject).pk == pk


@pytest.mark.parametrize(
    "subject", ["SESSION#x", "EVOLUTION#current", "PLAYER#a#b", "PATTERN#a b", "", "PLAYER#"]
)
def test_subjects_cannot_reach_other_partitions(subject: str) -> None:
    with pytest.raises(InvalidInput):
        keys.parse_subject(subject)


def test_time_ids_sort_by_time() -> None:
    early, late = keys.new_time_id(1000.0), keys.new_time_id(2000.0)
    assert early < late and len(early) == len(late)


def test_sort_key_order_puts_context_at_the_head() -> None:
    ordered = sorted(
        ["PROFILE", "OBSERVATION#1", "INTERACTION#1", "IDEMPOTENCY#x", "DEDUP#y"], reverse=True
    )
    assert ordered == ["PROFILE", "OBSERVATION#1", "INTERACTION#1", "IDEMPOTENCY#x", "DEDUP#y"]


def test_codec_round_trips_numbers_exactly() -> None:
    item = {
        "pk": "p",
        "f": 0.1,
        "i": 3,
        "d": datetime(2026, 1, 2, tzinfo=UTC),
        "nested": {"l": [1.5, "x"]},
    }
    wire = codec.serialize(item)
    assert wire["f"] == {"N": "0.1"} and wire["i"] == {"N": "3"}
    assert wire["d"] == {"S": "2026-01-02T00:00:00.000000Z"}
    back = codec.deserialize(wire)
    assert back["f"] == 0.1 and isinstance(back["i"], int) and back["nested"] == {"l": [1.5, "x"]}
    assert codec.to_dynamo(0.1) == Decimal("0.1")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), object()])
def test_codec_refuses_unstorable_values(bad: object) -> None:
    with pytest.raises(InvalidInput):
        codec.serialize({"v": bad})
