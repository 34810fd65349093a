"""Turn context in the recall index, pure: threads in time order, the lift a turn takes
from its neighbours, and the turns around a memory as an asker may see them."""

from __future__ import annotations

import time
from typing import Any

import pytest

from qai_graph.memory.recall.search import threads
from qai_graph.memory.recall.search.documents import to_doc
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.names import NameFinder
from qai_graph.memory.recall.search.ranking import analyse, rank
from qai_graph.memory.recall.search.text import asks
from qai_graph.memory.recall.turns import around
from tests.support.index import build_index as build

NOW = time.time()


def turn(
    ident: str, player: str, message: str, at: float, session: str | None = "s1", **more: Any
) -> dict[str, Any]:
    when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(at))
    return {
        "pk": f"PLAYER#{player.casefold()}", "sk": f"INTERACTION#{ident}",
        "entity_type": "INTERACTION", "interaction_id": ident, "player": player,
        "channel": "twitch", "message": message, "timestamp": when, "session_id": session,
        "ttl": int(NOW + 86400), **more,
    }  # fmt: skip


def slot(index: MemoryIndex, player: str, ident: str) -> int:
    return index.slots[(f"PLAYER#{player.casefold()}", f"INTERACTION#{ident}")]


def neighbours(index: MemoryIndex, player: str, ident: str) -> tuple[str | None, str | None]:
    at = slot(index, player, ident)
    found = []
    for other in (index.threads.previous(at), index.threads.following(at)):
        doc = index.docs[other] if other >= 0 else None
        found.append(doc.ident if doc is not None else None)
    return found[0], found[1]


def top(index: MemoryIndex, query: str, asker: str | None = None) -> list[str]:
    hits, _ = rank(index, analyse(query, index, NameFinder(index)), None, NOW, 5, asker)
    return [h.doc.ident for h in hits]


QUESTION = turn("t1", "Bob", "did you go to the dinosaur museum?", NOW - 120)
REPLY = turn("t2", "Alice", "Yes! We went last weekend", NOW - 90)
OTHER = turn("t3", "Carol", "my cat knocked my plant over", NOW - 60, session="s2")


def test_turns_link_in_time_order_whatever_order_they_arrive_in() -> None:
    later = turn("t4", "Bob", "how were the bones?", NOW - 30)
    for order in ([QUESTION, REPLY, later], [later, REPLY, QUESTION], [REPLY, later, QUESTION]):
        index = build(*order, OTHER)
        assert neighbours(index, "Bob", "t1") == (None, "t2")
        assert neighbours(index, "Alice", "t2") == ("t1", "t4")
        assert neighbours(index, "Bob", "t4") == ("t2", None)
        assert neighbours(index, "Carol", "t3") == (None, None)  # another session
        index.remove("PLAYER#alice", "INTERACTION#t2")
        assert neighbours(index, "Bob", "t1") == (None, "t4")  # the gap closes
        index.compact()
        assert neighbours(index, "Bob", "t4") == ("t1", None)


def test_a_turn_read_again_with_another_session_moves_to_that_thread() -> None:
    index = build(QUESTION, REPLY, OTHER)
    doc = to_doc({**REPLY, "session_id": "s2"})  # e.g. a copy built without its session
    assert doc is not None
    index.upsert(doc)
    assert neighbours(index, "Bob", "t1") == (None, None)
    assert neighbours(index, "Alice", "t2") == (None, "t3")  # Carol spoke after it


def test_chat_without_a_session_threads_by_channel_only_when_close_in_time() -> None:
    gap = threads.CHANNEL_GAP_S
    day = (NOW // 86400) * 86400 + 3600  # an hour into today, UTC
    first = turn("c1", "Bob", "anyone seen the dinosaur museum?", day, session=None)
    close = turn("c2", "Alice", "Yes! We went last weekend", day + 30, session=None)
    late = turn("c3", "Carol", "yes", day + 30 + gap + 1, session=None)
    index = build(first, close, late)
    assert neighbours(index, "Alice", "c2") == ("c1", None)
    assert neighbours(index, "Carol", "c3") == (None, None)
    # Context to read, not to rank by: the line before lends a channel turn nothing.
    assert "c2" not in top(index, "anyone at the dinosaur museum?")
    reply = index.docs[slot(index, "Alice", "c2")]
    assert reply is not None
    assert [d.ident for _, d in around(index, reply, None, day + 60, 1, 1)] == ["c1"]


def test_a_reply_is_found_by_the_question_it_answers() -> None:
    index = build(QUESTION, REPLY, OTHER, turn("t5", "Dan", "weekend plans?", NOW, session="s3"))
    found = top(index, "anyone at the dinosaur museum?")
    assert found[:2] == ["t2", "t1"]  # the answer first (a question asks), then the question
    alone = build(REPLY, OTHER)  # without the question, nothing leads to the reply
    assert "t2" not in top(alone, "anyone at the dinosaur museum?")


def test_a_reply_to_a_line_that_only_asks_ranks_above_it() -> None:
    told = turn("t6", "Bob", "We went to the dinosaur museum on Sunday! Have you ever been?", NOW)
    answer = turn("t7", "Alice", "Never, sounds fun", NOW + 30)
    index = build(
        QUESTION, REPLY, OTHER, {**told, "session_id": "s4"}, {**answer, "session_id": "s4"}
    )
    found = top(index, "dinosaur museum")
    assert found.index("t2") < found.index("t1")  # only asks: its answer first
    assert found.index("t6") < found.index("t7")  # tells, then asks back: it first
    at = slot(index, "Bob", "t1")
    assert index.column("asks")[at] and not index.column("asks")[slot(index, "Bob", "t6")]
    answered = build({**QUESTION, "qai_response": "It has a T. rex!"}, REPLY)
    assert not answered.column("asks")[slot(answered, "Bob", "t1")]  # QAI's answer is in it


@pytest.mark.parametrize(
    ("line", "only_asks"),
    [
        ("did you go to the dinosaur museum?", True),
        ("Wow, that's great! How did it go?", True),
        ("I got the job today, after three interviews! Can you believe it?", False),
        ("Yes! We went last weekend", False),
        ("what?? no way. ok", False),
    ],
)
def test_a_line_only_asks_when_every_sentence_that_says_something_is_a_question(
    line: str, only_asks: bool
) -> None:
    assert asks(line) is only_asks


@pytest.mark.parametrize(
    "withheld",
    [{"private": True}, {"flag": "instruction_like"}, {"hidden": True}],
)
def test_a_withheld_question_lends_nothing_to_anyone_else(withheld: dict[str, Any]) -> None:
    index = build({**QUESTION, **withheld}, REPLY, OTHER)
    assert "t2" not in top(index, "anyone at the dinosaur museum?", asker="carol")
    reply = index.docs[slot(index, "Alice", "t2")]
    assert reply is not None
    assert around(index, reply, "carol", NOW, 1, 1) == []
    if "hidden" not in withheld:  # their own flagged or private line: theirs to see
        # Bob's own question first: the asker's lift over the answer's tie with it.
        assert top(index, "anyone at the dinosaur museum?", asker="bob")[:2] == ["t1", "t2"]
        assert [d.ident for _, d in around(index, reply, "bob", NOW, 1, 1)] == ["t1"]


def test_a_banned_players_turns_are_in_no_context() -> None:
    index = build(QUESTION, REPLY)
    index.set_banned("bob", True)
    reply = index.docs[slot(index, "Alice", "t2")]
    assert reply is not None
    assert around(index, reply, None, NOW, 1, 1) == []
    assert "t2" not in top(index, "anyone at the dinosaur museum?")


def test_around_skips_withheld_turns_and_counts_positions_without_them() -> None:
    items = [
        turn("u1", "Bob", "first", NOW - 50),
        turn("u2", "Carol", "a whisper", NOW - 40, private=True),
        turn("u3", "Bob", "second", NOW - 30),
        turn("u4", "Alice", "the memory", NOW - 20),
        turn("u5", "Bob", "after it", NOW - 10),
    ]
    index = build(*items)
    memory = index.docs[slot(index, "Alice", "u4")]
    assert memory is not None
    found = [(p, d.ident) for p, d in around(index, memory, "alice", NOW, 3, 3)]
    assert found == [(-1, "u3"), (-2, "u1"), (1, "u5")]
    assert [(p, d.ident) for p, d in around(index, memory, "carol", NOW, 2, 0)] == [
        (-1, "u3"),
        (-2, "u2"),
    ]
