"""Recall ranking: tokens, candidate names, duplicate keys, scores and order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qai_graph.memory import recall
from qai_graph.memory.recall import (
    candidate_names,
    normalise_content,
    rank,
    score_observation,
    tokenize,
)
from qai_graph.models import Observation, ObservationCategory

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def obs(
    content: str,
    *,
    days_old: float = 0.0,
    confidence: float = 0.5,
    subject: str = "GENERAL",
    reinforced_days_ago: float | None = None,
    ident: str = "o",
) -> Observation:
    reinforced = None
    if reinforced_days_ago is not None:
        reinforced = NOW - timedelta(days=reinforced_days_ago)
    return Observation(
        observation_id=ident,
        timestamp=NOW - timedelta(days=days_old),
        subject=subject,
        content=content,
        category=ObservationCategory.BEHAVIORAL,
        confidence=confidence,
        last_reinforced=reinforced,
    )


def test_tokenize_casefolds_and_normalises() -> None:
    # Fullwidth "Jim" (as some keyboards type it) is the same word after NFKC.
    assert tokenize("\uff2a\uff49\uff4d's QUBIT_7b, Straße!") == ["jim", "s", "qubit_7b", "strasse"]


def test_candidate_names_ignore_case_and_stopwords() -> None:
    query = "what do you remember about jim_42 and SARAH? and jim_42 again"
    assert candidate_names(query) == ["jim_42", "sarah"]


def test_candidate_names_bounds() -> None:
    long_name = "a" * 65
    query = f"x {long_name} " + " ".join(f"name{i}" for i in range(30))
    names = candidate_names(query)
    assert "x" not in names and long_name not in names
    assert names == [f"name{i}" for i in range(20)]


@pytest.mark.parametrize(
    "text",
    [
        "Jim likes speed",
        "  jim   LIKES\nspeed!!! ",
        "Jim likes speed.",
        "\uff4a\uff49\uff4d likes speed ?",
    ],
)
def test_normalise_content_for_duplicates(text: str) -> None:
    assert normalise_content(text) == "jim likes speed"


def test_normalise_content_keeps_inner_punctuation() -> None:
    assert normalise_content("Is it 7B? Yes.") == "is it 7b? yes"


def test_recency_halves_every_seven_days() -> None:
    fresh = score_observation(set(), obs("x", confidence=0.0), NOW, named_subject=False)
    week = score_observation(set(), obs("x", days_old=7, confidence=0.0), NOW, named_subject=False)
    assert fresh == pytest.approx(recall.RECENCY_WEIGHT)
    assert week == pytest.approx(recall.RECENCY_WEIGHT / 2)


def test_last_reinforced_counts_as_recent() -> None:
    old = obs("x", days_old=30)
    refreshed = obs("x", days_old=30, reinforced_days_ago=0)
    assert score_observation({"x"}, refreshed, NOW, named_subject=False) > score_observation(
        {"x"}, old, NOW, named_subject=False
    )


def test_named_subject_boost() -> None:
    plain = score_observation({"x"}, obs("x"), NOW, named_subject=False)
    named = score_observation({"x"}, obs("x"), NOW, named_subject=True)
    assert named == pytest.approx(plain + recall.NAMED_SUBJECT_BOOST)


def test_overlap_beats_recency_at_equal_confidence() -> None:
    full_old = obs("players rest between tunnel repairs", days_old=30, ident="old")
    part_new = obs("players chat a lot", days_old=0, ident="new")
    memories = rank(
        "why do players rest between repairs", [(part_new, False), (full_old, False)], NOW, 5
    )
    assert [m.data["observation_id"] for m in memories] == ["old", "new"]


def test_zero_overlap_dropped_unless_named() -> None:
    unrelated = obs("likes the colour blue", ident="unrelated")
    about_jim = obs("solves puzzles at night", subject="PLAYER#jim", ident="jim")
    memories = rank("tell me about jim tunnels", [(unrelated, False), (about_jim, True)], NOW, 5)
    assert [m.data["observation_id"] for m in memories] == ["jim"]


def test_named_player_outranks_fresher_unnamed_match() -> None:
    match = obs("tunnels collapse often", ident="match")
    about_jim = obs("tunnels collapse often", subject="PLAYER#jim", ident="jim", days_old=3)
    memories = rank("jim tunnels collapse", [(match, False), (about_jim, True)], NOW, 5)
    assert [m.data["observation_id"] for m in memories] == ["jim", "match"]


def test_ties_break_by_newest_and_limit_applies() -> None:
    older = obs("tunnels", days_old=2, ident="older", reinforced_days_ago=0)
    newer = obs("tunnels", days_old=1, ident="newer", reinforced_days_ago=0)
    third = obs("tunnels", days_old=3, ident="third", reinforced_days_ago=0)
    memories = rank("tunnels", [(older, False), (third, False), (newer, False)], NOW, 2)
    assert [m.data["observation_id"] for m in memories] == ["newer", "older"]
    assert rank("tunnels", [(older, False)], NOW, 0) == []


def test_rank_returns_memories_with_json_data() -> None:
    observation = obs("Tunnels need care", subject="PLAYER#jim", confidence=0.9)
    (memory,) = rank("tunnels", [(observation, True)], NOW, 1)
    assert memory.type == "observation"
    assert memory.subject == "PLAYER#jim"
    assert memory.content == "Tunnels need care"
    assert memory.score == pytest.approx(
        score_observation({"tunnels"}, observation, NOW, named_subject=True)
    )
    assert memory.data["timestamp"] == "2025-06-01T12:00:00Z"
    assert memory.data["category"] == "behavioral"


def test_stopword_only_query_still_matches() -> None:
    memories = rank("what is this", [(obs("this is what it is"), False)], NOW, 5)
    assert len(memories) == 1
