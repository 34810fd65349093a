"""Time in recall over GraphQL HTTP: since/until filter, a date in the query lifts that
time and says how it was read, "last stream" is the asker's previous session, and every
recalled memory and prompt line carries its date."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.api_harness import RunningApp

RECALL = """
query ($q: String!, $who: String, $since: DateTime, $until: DateTime) {
  recall(query: $q, limit: 5, player: $who, since: $since, until: $until) {
    memories { kind message timestamp }
    periods { start end text }
    totalFound
  }
}
"""
NOW = datetime.now(UTC).replace(microsecond=0)


def line(at: datetime, player: str, message: str, **extra: Any) -> str:
    data = {"time": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "player": player, "message": message}
    return json.dumps({**data, **extra})


async def said(api: RunningApp, lines: list[str]) -> None:
    """Chat history, each line at its own time (interactions live 72 h: all within)."""
    report = await api.service.backfill(lines)
    assert report.applied == len(lines), report


async def recall(api: RunningApp, query: str, **variables: Any) -> dict[str, Any]:
    data = await api.client.data(RECALL, {"q": query, **variables})
    found: dict[str, Any] = data["recall"]
    return found


def messages(found: dict[str, Any]) -> list[str]:
    return [m["message"] for m in found["memories"]]


async def test_since_and_until_keep_only_memories_of_that_time(api: RunningApp) -> None:
    early, late = NOW - timedelta(hours=50), NOW - timedelta(hours=2)
    await said(
        api,
        [
            line(early, "Ada", "grover finally clicked for me", id="a1"),
            line(late, "Ada", "grover is still my favourite level", id="a2"),
        ],
    )
    both = await recall(api, "grover")
    assert set(messages(both)) == {
        "grover finally clicked for me",
        "grover is still my favourite level",
    }
    middle = (NOW - timedelta(hours=24)).isoformat()
    newer = await recall(api, "grover", since=middle)
    assert messages(newer) == ["grover is still my favourite level"]
    assert newer["totalFound"] == 1
    older = await recall(api, "grover", until=middle)
    assert messages(older) == ["grover finally clicked for me"]
    # A time without a zone is UTC.
    naive = (NOW - timedelta(hours=24)).replace(tzinfo=None).isoformat()
    assert messages(await recall(api, "grover", since=naive)) == messages(newer)
    # Every memory carries its date.
    stamps = {m["message"]: m["timestamp"] for m in both["memories"]}
    assert datetime.fromisoformat(stamps["grover finally clicked for me"]) == early


async def test_since_after_until_is_invalid_input(api: RunningApp) -> None:
    error = await api.client.error(
        RECALL, {"q": "grover", "since": NOW.isoformat(), "until": NOW.isoformat()}
    )
    assert error["extensions"]["code"] == "INVALID_INPUT"


async def test_a_date_in_the_query_lifts_that_day_and_says_how_it_was_read(
    api: RunningApp,
) -> None:
    yesterday = (NOW - timedelta(days=1)).replace(hour=12, minute=0, second=0)
    await said(
        api,
        [
            line(NOW - timedelta(hours=60), "Ada", "grover grover grover, grover clicked", id="b1"),
            line(yesterday, "Ada", "i think grover makes sense now", id="b2"),
            line(NOW - timedelta(minutes=30), "Ada", "hi chat", id="b3"),
        ],
    )
    plain = await recall(api, "what did ada say about grover")
    assert messages(plain)[0] == "grover grover grover, grover clicked"
    assert plain["periods"] == []
    dated = await recall(api, "what did ada say about grover yesterday")
    assert messages(dated)[0] == "i think grover makes sense now"
    (period,) = dated["periods"]
    assert period["text"] == "yesterday"
    start = datetime.fromisoformat(period["start"])
    assert start == yesterday.replace(hour=0) and datetime.fromisoformat(period["end"]) == (
        start + timedelta(days=1)
    )
    # The lift is no filter: the other day's memory is still there, below.
    assert "grover grover grover, grover clicked" in messages(dated)


async def test_last_stream_is_the_askers_previous_session(api: RunningApp) -> None:
    await said(
        api,
        [
            line(NOW - timedelta(hours=30), "Ada", "the bell level is my favourite", id="c1"),
            line(NOW - timedelta(hours=29, minutes=50), "Ada", "bell states rock", id="c2"),
            line(NOW - timedelta(hours=5), "Ada", "teleportation is my favourite now", id="c3"),
            line(NOW - timedelta(minutes=10), "Ada", "what was my favourite?", id="c4"),
            line(NOW - timedelta(hours=5), "Bo", "my favourite is the qft", id="c5"),
        ],
    )
    found = await recall(api, "what was my favourite last stream", who="Ada")
    assert messages(found)[0] == "teleportation is my favourite now"
    assert [p["text"] for p in found["periods"]] == ["last stream"]
    start = datetime.fromisoformat(found["periods"][0]["start"])
    assert start == NOW - timedelta(hours=5)
    # ...and this stream is the one going on.
    now_found = await recall(api, "what did i say this stream", who="Ada")
    assert messages(now_found)[0] == "what was my favourite?"


async def test_the_prompts_memory_lines_carry_their_dates(api: RunningApp) -> None:
    when = NOW - timedelta(hours=26)
    await said(api, [line(when, "Frank", "qai lives in the cryostat", id="d1")])
    await api.client.data(
        """mutation { storeObservation(input: {subject: "GENERAL",
           content: "Chat thinks the cryostat is cold", category: PATTERN}) { id } }"""
    )
    query = 'query ($m: String) { systemPrompt(player: "bo", message: $m) }'
    prompt = (await api.client.data(query, {"m": "where does qai live, the cryostat?"}))[
        "systemPrompt"
    ]
    assert f"Frank said (twitch, {when.strftime('%Y-%m-%d %H:%M')})" in prompt
    assert re.search(r"Observation \(\d{4}-\d\d-\d\d\): \u201cChat thinks", prompt)
