"""Time in recall, pure: reading dates from queries, and what they do to the ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.names import NameFinder
from qai_graph.memory.recall.search.ranking import analyse, rank
from qai_graph.memory.recall.search.when import TimeReader, session_periods
from tests.support.index import build_index as build

# A Sunday noon: "last week" is the calendar week of Monday 7 to Sunday 13 August.
NOW = datetime(2023, 8, 20, 12, 0, tzinfo=UTC)
READER = TimeReader()


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def periods(query: str, now: datetime = NOW) -> list[tuple[datetime, datetime]]:
    reading = READER.read(query, now)
    assert reading is not None, query
    return [
        (datetime.fromtimestamp(p.start, UTC), datetime.fromtimestamp(p.end, UTC))
        for p in reading.periods
    ]


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("what did Maria mention on 31 July, 2023?", "2023-07-31", "2023-08-01"),
        ("31 July 2023", "2023-07-31", "2023-08-01"),
        ("what did we do in may", "2023-05-01", "2023-06-01"),  # asked in August: this May
        ("what did she play in 2022", "2022-01-01", "2023-01-01"),
        ("who won on April 10, 2023", "2023-04-10", "2023-04-11"),  # one date, not three
        ("what about 2023-07-31", "2023-07-31", "2023-08-01"),
        ("what did Nate do in April 2022?", "2022-04-01", "2022-05-01"),
    ],
)
def test_absolute_dates_are_read_at_their_grain(query: str, start: str, end: str) -> None:
    assert periods(query) == [(day(start), day(end))]


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("what did i say about grover yesterday", "2023-08-19", "2023-08-20"),
        ("what did we do last week", "2023-08-07", "2023-08-14"),  # the calendar week
        ("the day before yesterday", "2023-08-18", "2023-08-19"),
        ("what did we talk about on monday", "2023-08-14", "2023-08-15"),
        ("last weekend", "2023-08-12", "2023-08-14"),
        ("whose birthday was it the other day", "2023-08-13", "2023-08-20"),
    ],
)
def test_relative_dates_are_read_against_now(query: str, start: str, end: str) -> None:
    assert periods(query) == [(day(start), day(end))]


def test_ago_is_a_window_around_that_moment() -> None:
    (start, end), *_ = periods("two weeks ago what did he say")
    assert (start, end) == (NOW - timedelta(days=17.5), NOW - timedelta(days=10.5))
    (start, end), *_ = periods("what did I say 3 hours ago")
    assert (start, end) == (NOW - timedelta(hours=4), NOW - timedelta(hours=2))


def test_now_is_the_clock_given() -> None:
    assert periods("yesterday", NOW + timedelta(days=10)) == [
        (day("2023-08-29"), day("2023-08-30"))
    ]


def test_an_absolute_date_wins_over_the_relative_words_about_it() -> None:
    assert periods("what puppy did she get two weeks before August 11, 2023?") == [
        (day("2023-08-11"), day("2023-08-12"))
    ]


@pytest.mark.parametrize(
    "query",
    [
        "whose birthday did we celebrate",  # dateparser reads "we" as Wednesday
        "is @Nicolodeon any good at error correction fr",  # "fr": Friday
        "who speedran the ghz level in like 14 sec PogChamp",
        "how long ago was her 18th birthday",
        "may i ask about the bell level",
        "what happens at the end of saturday streams",  # a habit, not a day
        "scored 2048 points in the game",
        "who likes grover",
    ],
)
def test_chat_that_is_not_about_a_time_reads_no_time(query: str) -> None:
    assert READER.read(query, NOW) is None


def test_the_query_loses_its_time_words() -> None:
    reading = READER.read("what did i say about grover yesterday", NOW)
    assert reading is not None and reading.rest == "what did i say about grover"


def test_last_stream_is_the_askers_previous_session() -> None:
    reading = READER.read("what did i say last stream", NOW)
    assert reading is not None and reading.periods == ()
    assert reading.sessions == (("previous", "last stream"),)
    hour, start = 3600.0, NOW.timestamp()
    # Two sessions three days ago and yesterday (pauses of minutes inside), and today's.
    times = [start - 3 * 86400 + m * 60 for m in (0, 5, 30)]
    times += [start - 86400 + m * 60 for m in (0, 20, 50)]
    times += [start - 10 * 60]
    previous, current = session_periods(
        times, start, hour, [("previous", "last stream"), ("current", "this stream")]
    )
    assert (previous.start, previous.end) == (start - 86400, start - 86400 + 50 * 60 + 1)
    assert (current.start, current.end) == (start - 600, start - 600 + 1)
    # Without a session going on now, the last one is the previous one.
    (latest,) = session_periods(times[:-1], start, hour, [("previous", "last stream")])
    assert latest.start == start - 86400
    assert session_periods([], start, hour, [("previous", "last stream")]) == []


def interaction(ident: str, message: str, when: datetime, player: str = "ada") -> dict[str, Any]:
    return {
        "pk": f"PLAYER#{player}", "sk": f"INTERACTION#{ident}", "entity_type": "INTERACTION",
        "interaction_id": ident, "player": player, "message": message,
        "timestamp": when.isoformat(),
    }  # fmt: skip


def top(index: MemoryIndex, query: str, limit: int = 3, **options: Any) -> list[str]:
    reading = READER.read(query, NOW)
    parsed = analyse(reading.rest if reading and reading.rest else query, index, NameFinder(index))
    if reading is not None:
        parsed.periods = tuple((p.start, p.end) for p in reading.periods)
    hits, _ = rank(index, parsed, None, NOW.timestamp(), limit, **options)
    return [h.doc.ident for h in hits]


def test_a_date_lifts_the_memories_of_that_day_over_better_matches() -> None:
    index = build(
        interaction("old", "grover finally clicked, grover is great", NOW - timedelta(days=5)),
        interaction("y", "i think grover makes sense now", NOW - timedelta(days=1)),
        interaction("other", "the bell level is hard", NOW - timedelta(days=1)),
    )
    assert top(index, "what did i say about grover")[0] == "old"
    assert top(index, "what did i say about grover yesterday")[0] == "y"
    # ... and one of that day that shares no word joins the candidates
    assert set(top(index, "what did i say yesterday")) == {"y", "other"}


def test_a_date_with_nothing_of_that_time_lifts_nothing() -> None:
    index = build(
        interaction("a", "grover finally clicked", NOW - timedelta(days=5)),
        interaction("b", "is grover magic", NOW - timedelta(days=6)),
    )
    assert top(index, "what did i say about grover in 2019") == top(index, "what about grover")


def test_since_and_until_filter() -> None:
    index = build(
        interaction("a", "grover finally clicked", NOW - timedelta(days=5)),
        interaction("b", "is grover magic", NOW - timedelta(days=1)),
    )
    yesterday = (NOW - timedelta(days=2)).timestamp()
    assert top(index, "grover", since=yesterday) == ["b"]
    assert top(index, "grover", until=yesterday) == ["a"]
    assert top(index, "grover", since=NOW.timestamp()) == []  # a window with nothing in it


def test_an_observation_is_of_every_time_from_first_seen_to_last_reinforced() -> None:
    seen = {
        "pk": "PLAYER#ada", "sk": "OBSERVATION#o", "entity_type": "OBSERVATION",
        "observation_id": "o", "subject": "PLAYER#ada", "content": "loves grover",
        "timestamp": (NOW - timedelta(days=30)).isoformat(),
        "last_reinforced": (NOW - timedelta(days=2)).isoformat(),
        "confidence": 0.6, "evidence_count": 2, "category": "preference",
    }  # fmt: skip
    index = build(seen)
    middle = (NOW - timedelta(days=10)).timestamp()
    assert top(index, "grover", since=middle) == ["o"]  # reinforced after it
    assert top(index, "grover", until=middle) == ["o"]  # first seen before it
    assert top(index, "grover", until=(NOW - timedelta(days=31)).timestamp()) == []


def copies() -> tuple[MemoryIndex, list[str]]:
    when = NOW - timedelta(days=1)
    items = [
        interaction("c1", "grover grover search amplitude", when),
        interaction("c2", "grover grover search amplitude!", when),
        interaction("c3", "grover grover search amplitude!!", when),
        interaction("d1", "grover search amplitude, the oracle marks it", when),
    ]
    # c1-c3 say the same thing; d1 says something else about the same topic.
    vectors = {"c1": [1.0, 0.0, 0.0], "c2": [0.99, 0.1, 0.0], "c3": [0.98, 0.0, 0.1]}
    vectors["d1"] = [0.3, 0.0, 0.95]
    return build(*items, vectors=vectors), ["c1", "c2", "c3"]


def test_diversity_spreads_the_top_k_over_distinct_memories() -> None:
    index, same = copies()
    assert top(index, "grover search amplitude") == same  # the plain ranking: three copies
    picked = top(index, "grover search amplitude", diversity=0.7)
    assert picked[0] == "c1" and "d1" in picked


def test_diversity_without_vectors_uses_the_words() -> None:
    when = NOW - timedelta(days=1)
    index = build(
        interaction("c1", "grover search amplitude grover", when),
        interaction("c2", "grover search amplitude grover", when, player="bo"),
        interaction("c3", "grover search amplitude grover", when, player="cy"),
        interaction("d1", "grover search amplitude oracle marks answers", when),
    )
    assert "d1" not in top(index, "grover search amplitude")
    assert "d1" in top(index, "grover search amplitude", diversity=0.7)


def observation(ident: str, content: str, **more: Any) -> dict[str, Any]:
    return {
        "pk": "PLAYER#ada", "sk": f"OBSERVATION#{ident}", "entity_type": "OBSERVATION",
        "observation_id": ident, "subject": "PLAYER#ada", "content": content,
        "timestamp": (NOW - timedelta(days=1)).isoformat(), "confidence": 0.9,
        "evidence_count": 3, "category": "preference", **more,
    }  # fmt: skip


def test_an_observation_and_the_exchange_it_came_from_are_one_memory_to_cover() -> None:
    when = NOW - timedelta(days=1)
    source = [{"i": "said", "t": when.isoformat()}]  # as the store keeps provenance
    index = build(
        interaction("said", "i adopted a puppy named bean", when),
        observation("formed", "Ada adopted a puppy named Bean", sources=source),
        interaction("other", "bean chews cables again", when - timedelta(hours=3)),
    )
    plain = top(index, "ada puppy bean", limit=2)
    assert set(plain) == {"said", "formed"}
    assert "other" in top(index, "ada puppy bean", limit=2, diversity=0.5)


def test_diversity_never_picks_a_superseded_observation_before_its_successor() -> None:
    index = build(
        observation("old", "Ada loves burgers with cheese", superseded_by="new"),
        observation("new", "Ada is vegan now, no more cheese burgers"),
        observation("third", "Ada orders cheese fries"),
    )
    for weight in (1.0, 0.5, 0.1):
        picked = top(index, "does ada like cheese burgers", diversity=weight)
        assert picked.index("new") < picked.index("old"), weight
