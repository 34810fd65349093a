"""memory/backfill/lines.py: each line checked with the write path's rules."""

from __future__ import annotations

import json

from qai_graph.memory.backfill import parse_lines
from qai_graph.models import Channel

NOW = 1_764_000_000.0  # 2025-11-24


def _line(**fields: object) -> str:
    data: dict[str, object] = {"time": "2023-05-08T13:56:00Z", "player": "Ada", "message": "hi"}
    data.update(fields)
    return json.dumps(data)


def test_a_line_without_id_gets_a_stable_one_from_what_it_says() -> None:
    a = parse_lines([_line(), _line(player=" ADA "), _line(message="other")], now=NOW).lines
    assert a[0].derived_id and a[0].line_id.startswith("auto-")
    assert a[0].line_id == a[1].line_id  # the same player (key), instant and words
    assert a[2].line_id != a[0].line_id
    same_instant = parse_lines([_line(time="2023-05-08T15:56:00+02:00")], now=NOW).lines[0]
    assert same_instant.line_id == a[0].line_id


def test_fields_are_normalised() -> None:
    [line] = parse_lines([_line(channel="InGame", response="", id="m-1")], now=NOW).lines
    assert line.channel == Channel.INGAME
    assert line.response is None
    assert (line.line_id, line.derived_id) == ("m-1", False)


def test_bad_lines_say_why() -> None:
    parsed = parse_lines(
        [
            b"\xff\xfe",
            _line(time="2099-01-01T00:00:00Z"),
            _line(time=12),
            _line(private="yes"),
            _line(message=""),
            _line(id="bad#id"),
            "[1, 2]",
        ],
        now=NOW,
    )
    reasons = [(b.number, b.reason) for b in parsed.bad]
    assert [n for n, _ in reasons] == [1, 2, 3, 4, 5, 6, 7]
    assert "UTF-8" in reasons[0][1]
    assert "future" in reasons[1][1]
    assert "ISO 8601" in reasons[2][1]
    assert "private" in reasons[3][1]
    assert "not a JSON object" in reasons[6][1]


def test_numeric_ids_are_taken_as_their_digits() -> None:
    [line] = parse_lines([_line(id=12345, session=7)], now=NOW).lines
    assert (line.line_id, line.session_id) == ("12345", "7")
    [bad] = parse_lines([_line(id=True)], now=NOW).bad
    assert bad.reason == "id must be a string"
