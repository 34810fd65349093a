"""The recall index and ranking, pure: analysis, index upkeep, and ranking rules."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from qai_graph.memory.recall.search.documents import to_doc
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.names import NameFinder, name_parts
from qai_graph.memory.recall.search.ranking import analyse, rank
from qai_graph.memory.recall.search.text import expansions, mentions, terms
from tests.support.index import build_index as build

NOW = time.time()
DAY = 86400.0


def observation(
    ident: str, subject: str, content: str, days: float = 1.0, **more: Any
) -> dict[str, Any]:
    when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(NOW - days * DAY))
    return {
        "pk": subject, "sk": f"OBSERVATION#{ident}", "entity_type": "OBSERVATION",
        "observation_id": ident, "subject": subject, "content": content, "timestamp": when,
        "confidence": 0.5, "evidence_count": 1, "category": "event", **more,
    }  # fmt: skip


def profile(name: str, **more: Any) -> dict[str, Any]:
    when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(NOW - DAY))
    return {
        "pk": f"PLAYER#{name.casefold()}", "sk": "PROFILE", "entity_type": "PLAYER",
        "name": name, "first_seen": when, "last_seen": when, "total_interactions": 3, **more,
    }  # fmt: skip


def top(index: MemoryIndex, query: str, asker: str | None = None) -> list[str]:
    parsed = analyse(query, index, NameFinder(index))
    hits, _ = rank(index, parsed, None, NOW, 5, asker)
    return [h.doc.ident for h in hits]


def test_chat_lines_are_normalised() -> None:
    assert terms("Chat CELEBRATED the runnn Kappa PogChamp lol") == ["chat", "celebr", "runn"]
    assert mentions("does @Qubit_Quinn still forget? @bo.") == ["qubit_quinn", "bo"]
    assert "cnot" in expansions(terms("who has trouble with two-qubit gates"))
    assert name_parts("AdaBytes") == ["ada", "bytes"] and name_parts("lunar_lex") == [
        "lunar",
        "lex",
    ]


def test_a_named_player_lifts_their_memories_but_not_their_profile_to_first() -> None:
    index = build(
        profile("Quinn", play_style="methodical"),
        observation("q1", "PLAYER#quinn", "Forgets to measure at the end of GHZ levels"),
        observation("g1", "GENERAL", "People forget to measure at the end a lot"),
    )
    assert top(index, "does @QUINN still forget to measure?")[0] == "q1"
    # naming the player with nothing else to match: their memories, and the profile too
    assert set(top(index, "what about @quinn")) == {"q1", "quinn"}
    # a question the profile answers puts it first
    assert top(index, "whats quinn's play style")[0] == "quinn"


def test_names_are_found_by_typo_and_by_part() -> None:
    index = build(
        profile("AdaBytes"),
        observation("a1", "PLAYER#adabytes", "Asked about teleportation twice"),
        observation("b1", "PLAYER#bob", "Asked about teleportation once"),
    )
    assert top(index, "what did ada ask about teleportation")[0] == "a1"
    assert top(index, "what did @adabtyes ask about teleportation")[0] == "a1"


def test_the_newer_observation_of_a_topic_ranks_above_the_older() -> None:
    index = build(
        observation("old", "PLAYER#bo", "Mixes up control and target on CNOT", days=20),
        observation("new", "PLAYER#bo", "Now gets CNOT direction right", days=1),
        observation("other", "PLAYER#bo", "Likes the GHZ level", days=0.5),
    )
    assert top(index, "does bo still mix up control and target on cnot")[:2] == ["new", "old"]


def test_a_recorded_change_answers_a_question_on_the_current_state_in_other_words() -> None:
    index = build(
        profile("Vex"),
        observation("old", "PLAYER#vex", "Treats the Hadamard like a NOT gate", days=18),
        observation("new", "PLAYER#vex", "Uses H properly now for superposition", days=1),
        observation("golf", "PLAYER#vex", "Came last in circuit golf this month", days=0.5),
        observation("ivy", "PLAYER#ivy", "Treats the Hadamard like a NOT gate too", days=2),
    )
    # "still": the current state, so the change recorded since outranks what it replaced.
    assert top(index, "does @vex still think hadamard is a not gate")[:2] == ["new", "old"]
    # Without asking about now, the matching observation leads as before.
    assert top(index, "did @vex think hadamard is a not gate")[0] == "old"


def test_typos_are_repaired_against_the_vocabulary() -> None:
    index = build(
        observation("t", "GENERAL", "Teleportation is the hardest level"),
        observation("x", "GENERAL", "Raids arrive on Fridays"),
    )
    assert top(index, "teleportaion hardest?")[0] == "t"


def test_expired_removed_and_compacted_slots_never_answer() -> None:
    index = build(
        observation("live", "GENERAL", "Bell pairs are popular"),
        observation("gone", "GENERAL", "Bell pairs were popular", ttl=int(NOW) - 5),
    )
    assert top(index, "bell pairs") == ["live"]
    assert index.remove("GENERAL", "OBSERVATION#live")
    assert top(index, "bell pairs") == []
    for n in range(1500):
        doc = to_doc(observation(f"n{n}", "GENERAL", f"note {n} about bell pairs"))
        assert doc is not None
        index.upsert(doc)
    for n in range(1200):
        index.remove("GENERAL", f"OBSERVATION#n{n}")
    assert index.size < 1500  # compacted once a quarter of the slots were dead
    assert len(top(index, "bell pairs")) == 5 and index.live == 301


def test_postings_are_compact_arrays() -> None:
    index = build(observation("a", "GENERAL", "cnot cnot hadamard"))
    term = index.vocab["cnot"]
    assert index.post_slots[term].typecode == "I" and index.post_tf[term].typecode == "H"
    assert list(index.post_tf[term]) == [2]
    scores = index.bm25({"cnot": 1.0})
    assert scores.dtype == np.float32 and scores[0] > 0


def test_a_removed_memory_leaves_a_zero_vector_row_and_no_similarity() -> None:
    index = MemoryIndex(4)
    a = to_doc(observation("1", "GENERAL", "chat loves bell states"))
    b = to_doc(observation("2", "GENERAL", "grover search is fast"))
    assert a is not None and b is not None
    index.upsert(a, np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32))
    index.upsert(b, np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32))
    c = to_doc(observation("3", "GENERAL", "no vector for this one"))
    assert c is not None
    index.upsert(c)
    index.remove(a.pk, a.sk)
    # cosine has no mask: rows without a vector (removed, or never set) must be zero.
    sims = index.cosine(np.array([1.0, 1.0, 0.0, 0.0], dtype=np.float32) / np.sqrt(2))
    assert sims is not None
    assert sims.tolist() == [0.0, np.float32(1 / np.sqrt(2)), 0.0]
