"""The streamer's time zone (QAI_MEMORY_TIMEZONE), pure: a query's dates are read in it
and become UTC ranges, naive since/until are read in it, and the setting is validated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from qai_graph.config import MemoryConfig, describe_errors
from qai_graph.memory.recall.search.when import TimeReader
from qai_graph.memory.validation import window

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def periods(reader: TimeReader, query: str, now: datetime) -> list[tuple[datetime, datetime]]:
    reading = reader.read(query, now)
    assert reading is not None, query
    return [
        (datetime.fromtimestamp(p.start, UTC), datetime.fromtimestamp(p.end, UTC))
        for p in reading.periods
    ]


def test_yesterday_at_half_past_midnight_in_berlin_is_the_berlin_day_before() -> None:
    # 00:30 on Sunday 20 August in Berlin (CEST, +02:00) is still Saturday 22:30 in UTC:
    # read in UTC, "yesterday" would be Friday.
    now = datetime(2023, 8, 20, 0, 30, tzinfo=BERLIN)
    berlin = periods(TimeReader(BERLIN), "what did i say yesterday", now)
    assert berlin == [(utc("2023-08-18 22:00"), utc("2023-08-19 22:00"))]
    assert periods(TimeReader(), "what did i say yesterday", now) == [
        (utc("2023-08-18 00:00"), utc("2023-08-19 00:00"))
    ]


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("what happened on 31 July 2023", "2023-07-31 07:00", "2023-08-01 07:00"),
        ("what did we do last week", "2023-08-07 07:00", "2023-08-14 07:00"),
        ("who won in may", "2023-05-01 07:00", "2023-06-01 07:00"),
        ("what did we say today", "2023-08-19 07:00", "2023-08-20 07:00"),
        ("last weekend", "2023-08-12 07:00", "2023-08-14 07:00"),
    ],
)
def test_dates_are_read_in_los_angeles(query: str, start: str, end: str) -> None:
    # 20:00 on Saturday 19 August in Los Angeles (PDT, -07:00): Sunday 03:00 in UTC.
    now = datetime(2023, 8, 20, 3, 0, tzinfo=UTC)
    assert periods(TimeReader(LOS_ANGELES), query, now) == [(utc(start), utc(end))]


def test_a_day_a_dst_change_shortens_is_23_hours() -> None:
    # Berlin moved its clocks from 02:00 to 03:00 on Sunday 26 March 2023.
    now = datetime(2023, 3, 27, 0, 30, tzinfo=BERLIN)
    ((start, end),) = periods(TimeReader(BERLIN), "yesterday", now)
    assert (start, end) == (utc("2023-03-25 23:00"), utc("2023-03-26 22:00"))
    assert end - start == timedelta(hours=23)
    # ...and the week that holds it starts at the winter midnight, ends at the summer one.
    sunday = datetime(2023, 3, 26, 12, tzinfo=UTC)
    ((start, end),) = periods(TimeReader(BERLIN), "this week", sunday)
    assert (start, end) == (utc("2023-03-19 23:00"), utc("2023-03-26 22:00"))


def test_a_naive_since_or_until_is_read_in_the_zone_one_with_an_offset_as_given() -> None:
    naive = datetime(2023, 7, 31)
    assert window(naive, None, BERLIN) == (utc("2023-07-30 22:00").timestamp(), None)
    assert window(None, naive, LOS_ANGELES) == (None, utc("2023-07-31 07:00").timestamp())
    given = datetime(2023, 7, 31, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert window(given, None, BERLIN) == (utc("2023-07-30 15:00").timestamp(), None)
    assert window(naive, None) == (utc("2023-07-31 00:00").timestamp(), None)  # default UTC


def test_the_setting_names_a_zone_and_defaults_to_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MemoryConfig().timezone == "UTC" and MemoryConfig().zone.utcoffset(None) == timedelta()
    monkeypatch.setenv("QAI_MEMORY_TIMEZONE", "Europe/Berlin")
    assert MemoryConfig().zone == BERLIN


@pytest.mark.parametrize("value", ["Europe/Berlim", "europe/berlin", "Europe", "../etc/passwd"])
def test_an_unknown_zone_stops_start_up_naming_it(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("QAI_MEMORY_TIMEZONE", value)
    with pytest.raises(ValidationError) as raised:
        MemoryConfig()
    (line,) = describe_errors(raised.value)
    assert line.startswith("QAI_MEMORY_TIMEZONE:") and repr(value) in line
    assert "Europe/Berlin" in line  # an example of a name it takes
