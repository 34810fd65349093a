"""Ranking superseded observations (issue 20): below their successor for any query, the
successor brought in when only the old words match, and none of them for the prompt."""

from __future__ import annotations

import numpy as np

from qai_graph.memory.recall.search.documents import to_doc
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.names import NameFinder
from qai_graph.memory.recall.search.ranking import analyse, rank
from qai_graph.memory.recall.search.succession import SUPERSEDED_FACTOR
from tests.unit.test_recall_search import NOW, build, observation

ADA = "PLAYER#ada"


def ranked(index: MemoryIndex, query: str, *, current_only: bool = False) -> list[str]:
    parsed = analyse(query, index, NameFinder(index))
    hits, _ = rank(index, parsed, None, NOW, 5, current_only=current_only)
    return [h.doc.ident for h in hits]


def vegan() -> MemoryIndex:
    return build(
        observation("old", ADA, "Ada loves burgers with extra cheese", 8, superseded_by="new"),
        observation("new", ADA, "Ada is vegan now", 1),
        observation("other", "PLAYER#bo", "Bo likes cheese on everything", 3),
    )


def test_the_successor_comes_first_even_when_only_the_old_words_match() -> None:
    order = ranked(vegan(), "burgers with extra cheese")
    assert order.index("new") < order.index("old")


def test_matching_both_the_successor_still_leads() -> None:
    order = ranked(vegan(), "is ada vegan or does she love burgers with cheese")
    assert order.index("new") < order.index("old")


def test_the_superseded_one_keeps_only_a_share_of_its_score() -> None:
    index = vegan()
    parsed = analyse("burgers", index, NameFinder(index))
    hits, _ = rank(index, parsed, None, NOW, 5)
    score = {h.doc.ident: h.score for h in hits}
    plain = build(observation("old", ADA, "Ada loves burgers with extra cheese", 8))
    alone, _ = rank(plain, analyse("burgers", plain, NameFinder(plain)), None, NOW, 5)
    assert score["old"] <= alone[0].score * SUPERSEDED_FACTOR + 1e-6


def test_a_chain_of_supersessions_reads_newest_first() -> None:
    index = build(
        observation("a", ADA, "Ada mains the hadamard gate", 9, superseded_by="b"),
        observation("b", ADA, "Ada switched from the hadamard gate to CNOT", 5, superseded_by="c"),
        observation("c", ADA, "Ada now plays only with T gates", 1),
    )
    assert ranked(index, "hadamard gate") == ["c", "b", "a"]


def test_the_prompts_memories_leave_superseded_ones_out() -> None:
    assert "old" not in ranked(vegan(), "burgers with extra cheese", current_only=True)
    assert "new" not in ranked(vegan(), "burgers with extra cheese", current_only=True)
    assert ranked(vegan(), "vegan", current_only=True)[0] == "new"


def test_a_hidden_successor_is_not_brought_in_and_the_old_one_stays_below_others() -> None:
    index = build(
        observation("old", ADA, "Ada loves burgers with extra cheese", 8, superseded_by="new"),
        observation("new", ADA, "Ada is vegan now", 1, hidden=True),
        observation("bo", "PLAYER#bo", "Bo loves burgers with cheese", 3),
    )
    order = ranked(index, "loves burgers with extra cheese")
    assert "new" not in order
    assert order == ["bo", "old"]  # "old" matches best, but it is not true any more


def session_summary(ident: str, date: str, text: str, days: float) -> dict[str, object]:
    """A session summary as consolidation writes it (memory/consolidation/summaries.py)."""
    content = f"In the session of {date}, Ada: {text}."
    return observation(
        ident, ADA, content, days, summary_key=f"key-{ident}", formed_by="consolidation"
    )


def test_a_newer_session_summary_never_speaks_over_the_one_asked_about() -> None:
    # Summaries of one player read alike (her name in every clause, one form): their
    # vectors meet SAME_TOPIC_COSINE, and the newer-observation lift put the newest session
    # first whatever the question asked.
    index = MemoryIndex(4)
    alike = np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32)
    nearly = np.array([0.64, 0.768, 0.0, 0.0], dtype=np.float32)
    nearly /= np.linalg.norm(nearly)
    for item, vector in (
        (
            session_summary("may", "2023-05-08", "Ada went to a support group; Ada paints", 200),
            alike,
        ),
        (session_summary("oct", "2023-10-22", "Ada passed the adoption interviews", 40), nearly),
    ):
        doc = to_doc(item)
        assert doc is not None
        index.upsert(doc, vector)
    assert ranked(index, "when did ada go to the support group")[0] == "may"
    assert ranked(index, "how did the adoption interviews go for ada")[0] == "oct"


def test_a_newer_observation_that_does_not_match_the_question_is_not_lifted() -> None:
    # Observations of one player read alike (her name in each: static vectors meet
    # SAME_TOPIC_COSINE), so the newer-observation lift put every newer one of hers, matched
    # or not, just above the one the question found (seen on LoCoMo: 25 of a speaker's
    # observations sharing no word and no meaning with the question outranked her turns).
    index = MemoryIndex(4)
    alike = np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32)
    nearly = np.array([0.64, 0.768, 0.0, 0.0], dtype=np.float32)
    nearly /= np.linalg.norm(nearly)
    query = np.array([0.0, 0.0, 1.0, 0.0], dtype=np.float32)
    for item, vector in (
        (observation("found", ADA, "Ada is keen on counseling work", 30), alike),
        (observation("newer", ADA, "Ada loves the yellow autumn leaves", 2), nearly),
    ):
        doc = to_doc(item)
        assert doc is not None
        index.upsert(doc, vector)
    parsed = analyse("what counseling work interests ada", index, NameFinder(index))
    hits, _ = rank(index, parsed, query, NOW, 5)
    assert hits[0].doc.ident == "found"
