"""Consolidation's pure rules: composing texts, planning merges and drops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from qai_graph.memory.consolidation import bounds
from qai_graph.memory.consolidation.text import Sentence, compose
from qai_graph.store.codec import iso

T0 = datetime(2023, 5, 8, 13, 0, tzinfo=UTC)


def sentence(n: int, text: str, salience: float = 0.5) -> Sentence:
    return Sentence(f"o{n}", text, salience, T0 + timedelta(minutes=n))


def test_compose_joins_in_time_order_and_skips_repeats() -> None:
    text, chosen = compose(
        [
            sentence(2, "Ada likes chess!", 0.9),
            sentence(1, "Ada adopted a puppy.", 0.5),
            sentence(3, "ada likes chess", 0.4),  # says what a taken one says
        ],
        1000,
        head="In the session of 2023-05-08, Ada: ",
        end=".",
    )
    assert text == "In the session of 2023-05-08, Ada: Ada adopted a puppy; Ada likes chess."
    assert [s.observation_id for s in chosen] == ["o1", "o2"]


def test_compose_keeps_the_most_salient_within_the_limit() -> None:
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    parts = [sentence(n, f"{words[n - 1]}-" * 12, salience=n / 10) for n in range(1, 6)]
    text, chosen = compose(parts, 250)
    assert len(text) == 60 + 2 + 72 + 2 + 96  # echo, delta, charlie; no room for more
    assert [s.observation_id for s in chosen] == ["o3", "o4", "o5"]


def test_compose_cuts_a_sentence_that_fits_nowhere() -> None:
    text, chosen = compose([sentence(1, "y" * 500)], 100, head="H: ", end=".")
    assert len(text) == 100 and text.endswith("….") and [s.observation_id for s in chosen] == ["o1"]


def obs(n: int, content: str, **extra: Any) -> dict[str, Any]:
    return {
        "pk": "PLAYER#ada",
        "sk": f"OBSERVATION#{n:013d}-000000000000",
        "observation_id": f"{n:013d}-000000000000",
        "timestamp": iso(T0 + timedelta(minutes=n)),
        "content": content,
        "category": "event",
        "confidence": 0.5,
        "evidence_count": 1,
        "memory_tier": "SHORT_TERM",
        "ttl": 2_000_000_000 + n,
        "formed_by": "local",
        **extra,
    }


def test_merges_only_related_formed_observations_and_only_the_excess() -> None:
    items = [
        obs(1, "Ada has a cat named Schrodinger"),
        obs(2, "Ada solved the bell state puzzle"),
        obs(3, "Ada's cat is named Schrodinger"),
        obs(4, "Ada feeds the cat tuna"),
        obs(5, "Ada has a cat", formed_by=None),  # a client's: never merged
        obs(6, "Ada feeds the cat tuna daily", flag="instruction"),  # flagged: never
    ]
    assert bounds.plan_merges(items, 0) == []
    one = bounds.plan_merges(items, 1)
    assert [[int(i["observation_id"][:13]) for i in g] for g in one] == [[1, 3]]
    two = bounds.plan_merges(items, 5)
    assert [[int(i["observation_id"][:13]) for i in g] for g in two] == [[1, 3, 4]]


def test_merged_fields_unite_what_the_parts_hold() -> None:
    group = [
        obs(1, "Ada has a cat named Schrodinger", sources=[{"i": "a", "t": "2023"}]),
        obs(
            3,
            "Ada's cat Schrodinger sleeps in boxes",
            confidence=0.9,
            evidence_count=3,
            recall_count=2,
            sources=[{"i": "b", "t": "2024"}, {"i": "a", "t": "2023"}],
            memory_tier="LONG_TERM",
            promoted=True,
            ttl=None,
        ),
    ]
    sets, removes = bounds.merged_fields(group, T0)
    assert (
        sets["content"] == "Ada has a cat named Schrodinger; Ada's cat Schrodinger sleeps in boxes"
    )
    assert (sets["confidence"], sets["evidence_count"], sets["recall_count"]) == (0.9, 4, 2)
    assert sets["sources"] == [{"i": "a", "t": "2023"}, {"i": "b", "t": "2024"}]
    assert sets["memory_tier"] == "LONG_TERM" and sets["promoted"] is True
    assert removes == ["ttl", "tier_pk"]
    assert sets["formed_by"] == "consolidation"
    assert sets["merged_from"] == [group[0]["observation_id"], group[1]["observation_id"]]
    short, _ = bounds.merged_fields([group[0], obs(4, "Ada feeds the cat tuna")], T0)
    assert short["ttl"] == 2_000_000_004 and "memory_tier" not in short  # the latest ttl


def test_drop_order_superseded_first_promoted_last() -> None:
    items = [
        obs(1, "promoted", promoted=True, memory_tier="LONG_TERM", ttl=None, confidence=0.1),
        obs(2, "long-term merged", memory_tier="LONG_TERM", ttl=None),
        obs(3, "plain"),
        obs(4, "summarised"),
        obs(5, "replaced", superseded_by="x", confidence=1.0),
        obs(6, "recalled", recall_count=3),
        obs(7, "confident", confidence=0.7),
    ]
    summarised = frozenset({items[3]["observation_id"]})
    order = [i["content"] for i in bounds.plan_drops(items, 7, summarised)]
    assert order == [
        "replaced",
        "summarised",
        "plain",  # value 0.5
        "confident",  # 0.7
        "recalled",  # 0.5 + 0.3
        "long-term merged",
        "promoted",
    ]
    assert bounds.plan_drops(items, 0, summarised) == []
