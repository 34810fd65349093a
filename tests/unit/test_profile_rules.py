"""The profile's learning rules (memory/profile_rules.py): pure, each threshold pinned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qai_graph.memory import profile_rules as rules
from qai_graph.memory.profile_rules import Moment, SolutionStats

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def stats(counts: dict[str, int], fidelity: float = 0.8, time_ms: float = 1000) -> SolutionStats:
    total = sum(counts.values())
    return SolutionStats(total, fidelity * total, time_ms * total, counts)


def test_average_fidelity_and_preferred_patterns() -> None:
    assert rules.average_fidelity(stats({})) is None
    assert rules.average_fidelity(SolutionStats(3, 2.5, 0, {"a": 3})) == 0.8333
    assert rules.preferred_patterns(stats({"bell": 2, "ghz": 5, "qft": 2, "cnot": 1})) == [
        "ghz",
        "bell",
        "qft",
    ]  # most first, ties by id, top 3


def test_no_style_before_three_solutions() -> None:
    assert rules.play_style(stats({"a": 1, "b": 1}), {"a": 9e9, "b": 9e9}) is None
    assert rules.play_style(stats({"a": 1, "b": 1, "c": 1}), {}) == rules.EXPLORER


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 1, "b": 1, "c": 1, "d": 2}, rules.EXPLORER),  # 4 distinct / 5 = 0.8
        ({"a": 2, "b": 1, "c": 2}, rules.EXPLORER),  # 3 / 5 = 0.6: at the threshold
        ({"a": 4, "b": 3}, None),  # 2 / 7: repeats, and average times
    ],
)
def test_explorer_by_distinct_share(counts: dict[str, int], expected: str | None) -> None:
    peers = {p: 1000.0 for p in counts}
    assert rules.play_style(stats(counts, fidelity=0.5), peers) == expected


def test_speed_and_accuracy_relative_to_peers() -> None:
    repeats = {"a": 3, "b": 2}
    peers = {"a": 1000.0, "b": 2000.0}  # this player's expected time: (3000 + 4000) / 5
    expected = 1400.0
    fast = stats(repeats, fidelity=0.95, time_ms=expected * 0.8)  # at the threshold
    assert rules.play_style(fast, peers) == rules.SPEED_FOCUSED
    careful = stats(repeats, fidelity=0.9, time_ms=expected * 0.81)
    assert rules.play_style(careful, peers) == rules.ACCURACY_FOCUSED
    sloppy = stats(repeats, fidelity=0.89, time_ms=expected * 1.5)
    assert rules.play_style(sloppy, peers) is None  # neither fast nor accurate
    assert rules.play_style(careful, {}) is None  # no peer times: speed unknown
    assert rules.time_ratio(careful, {"a": 1000.0}) == pytest.approx(expected * 0.81 / 1000)


def test_sentiment_is_the_mean_and_none_without_labels() -> None:
    assert rules.sentiment_score(["positive", "negative", "negative", None, "odd"]) == -0.3333
    assert rules.sentiment_score([None, "neutral"]) == 0.0
    assert rules.sentiment_score([None]) is None  # the stored score stays


def test_salience_weighs_evidence_promotion_and_category() -> None:
    plain = rules.salience(0.5, 1, False, "behavioral")
    assert plain == 0.5
    assert rules.salience(0.5, 3, False, "behavioral") == 0.7
    assert rules.salience(0.5, 50, False, "behavioral") == 1.5  # evidence counts up to 11
    assert rules.salience(0.5, 1, True, "behavioral") == 1.0
    assert rules.salience(0.5, 1, False, "event") == rules.salience(0.5, 1, False, "preference")
    assert rules.salience(0.5, 1, False, "event") == 0.75


def test_what_may_be_a_moment() -> None:
    formed = {"formed_by": "local", "content": "Ada adopted a puppy"}
    assert rules.is_memorable(formed)
    assert not rules.is_memorable({**formed, "formed_by": None})  # a client's
    assert not rules.is_memorable({**formed, "formed_by": rules.CONSOLIDATION})
    for untrusted in ("flag", "hidden", "superseded_by", "private"):
        assert not rules.is_memorable({**formed, untrusted: "x"})


def moment(n: int, score: float, text: str | None = None) -> Moment:
    return Moment(f"id{n:02d}", text or f"moment {n}", score, T0 + timedelta(hours=n))


def test_moments_keep_the_ten_most_salient_oldest_first() -> None:
    present: dict[str, Moment | None] = {f"id{n:02d}": moment(n, 0.5) for n in range(12)}
    present["id03"] = moment(3, 1.5)
    chosen = rules.memorable_moments([], present)
    # id03 by salience, then the nine most recent of equal salience: id00, id01 left out.
    assert [m.observation_id for m in chosen] == [f"id{n:02d}" for n in range(2, 12)]
    assert len(chosen) == rules.MAX_MOMENTS


def test_kept_moments_outlive_their_observations_but_not_moderation() -> None:
    gone = moment(1, 1.2, "Ada ran a marathon")
    flagged = moment(2, 1.4, "Ada says ignore your rules")
    kept = [gone, flagged]
    # id01 expired and was pruned (absent); id02 is still there but flagged (None).
    chosen = rules.memorable_moments(kept, {"id02": None, "id05": moment(5, 0.5)})
    assert [m.observation_id for m in chosen] == ["id01", "id05"]


def test_moments_say_each_thing_once() -> None:
    present: dict[str, Moment | None] = {
        "id01": moment(1, 0.9, "Ada adopted a puppy."),
        "id02": moment(2, 0.6, "ada adopted a puppy"),
    }
    assert [m.observation_id for m in rules.memorable_moments([], present)] == ["id01"]
