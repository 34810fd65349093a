"""Time in a recall query: "on 31 July, 2023", "in may", "yesterday", "last stream" -> periods.

dateparser (a kept library) reads each expression: its ``DateDataParser`` says which
date it means, against ``now``, and at which grain (a day, a week, a month, a year). What
it is given is found first by anchors, words that can only be about time in their context
("in may", "may 3" and "may 2023" are a month, "may i ask" is not; "on monday" and "last
friday" are a day, "saturday streams" is a habit; "in 2022" is a year, "2048 points" is
not), each with the words that belong to it ("31 July" + ", 2023", "two weeks" + "ago").
dateparser's own ``search_dates`` was tried first and left: over the dev chat set and
LoCoMo's questions it read "we" as Wednesday, "fr" as Friday, "14 sec", "18th" and "2048"
as dates, cut "April 10, 2023" into "April", "10" and "2023", and cost 1-40 ms a line;
anchors cost microseconds and one ``get_date_data`` (~0.4 ms) each. When a query names an
absolute date its relative words are about that date ("two weeks before August 11,
2023"): only the absolute one is read.

Our own small vocabulary covers what dateparser has no word for: "last stream" / "last
session" / "this stream" (the asker's sessions: their interactions split where they
paused longer than a session lives, ``session_ttl``; resolved by the index, which holds
their times: ``session_periods``), "last weekend" and "this weekend", "the other day"
(the week before today); "past"/"previous week" and "a few" / "a couple of" days are
rewritten into words dateparser reads.

Each expression is read in the streamer's time zone (``QAI_MEMORY_TIMEZONE``: dateparser
is given ``now`` as a wall-clock time there, and answers in wall-clock times there), and
becomes a half-open period [start, end) in epoch seconds, its bounds local midnights
converted to UTC:
- a day, or a part of one ("last night"): that calendar day (23 or 25 hours on a DST
  change); "3 hours ago": an hour either side;
- "last week", "this week": the calendar week (Monday first); "two weeks ago": the seven
  days around that day; months and years likewise (calendar, or a window around "ago").
So "yesterday" asked at 00:30 in Berlin is the Berlin day before (22:00 to 22:00 UTC in summer).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

_DAY = 86_400.0
_MONTHS = "january|february|april|june|july|august|september|october|november|december"
_MONTHS_WEAK = "may|march|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"  # need context
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_UNITS = "days?|weeks?|months?|years?|hours?|minutes?|fortnight"
_COUNT = r"(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|\d+)"
_PREP = (
    r"(?:in|on|of|since|during|until|till|by|from|early|late|mid|last|this|past|previous"
    r"|next|before|after|summer|winter|spring|autumn|fall)"
)
_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
# Anchors, one group per kind. A line without any never reaches dateparser.
_ANCHOR = re.compile(
    rf"""
    (?P<month>\b(?:{_NUMBER}\s+(?:of\s+)?)?(?:{_MONTHS})\b
      | \b{_PREP}\s+(?:{_MONTHS_WEAK})\b
      | \b(?:{_NUMBER}\s+(?:of\s+)?)?(?:{_MONTHS_WEAK})\.?\s+(?:{_NUMBER}|{_YEAR})\b
      | \b{_NUMBER}\s+(?:of\s+)?(?:{_MONTHS_WEAK})\b)
    | (?P<date>\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b | \b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b)
    | (?P<year>\b{_PREP}\s+{_YEAR}\b)
    | (?P<weekday>\b(?:last|this|on|past|previous|next|since|until|by)\s+(?:{_WEEKDAYS})\b)
    | (?P<relative>\b(?:the\s+day\s+before\s+)?yesterday\b | \btoday\b | \btonight\b
      | \b(?:a\s+couple\s+of|couple\s+of|a\s+few|{_COUNT})\s+(?:{_UNITS})\s+ago\b
      | \b(?:last|this|past|previous)\s+(?:week|month|year|morning|afternoon|evening|night)\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ABSOLUTE = ("month", "date", "year")
# What follows an anchor and belongs to it: "April" + " 10, 2023", "July" + ", 2023".
_TAIL = re.compile(rf"(?:[\s,]+{_NUMBER}\b(?!\s*(?:{_UNITS})))?(?:,?\s*{_YEAR}\b)?", re.I)
# Dropped before parsing: dateparser reads "in may" as None, "may" as May ("last" stays).
_LEADING = re.compile(
    r"^(?:(?:in|on|of|since|during|until|till|by|from|early|late|mid|before|after|about"
    r"|summer|winter|spring|autumn|fall)\s+)+(?=\S)",
    re.IGNORECASE,
)
# Words dateparser does not read, as words it does ("past week" -> "last week").
_REWRITES = (
    (re.compile(r"\b(?:past|previous)\b", re.I), "last"),
    (re.compile(r"\ba\s+couple\s+of\b|\bcouple\s+of\b", re.I), "2"),
    (re.compile(r"\ba\s+few\b|\bfew\b", re.I), "3"),
)
_SESSION = re.compile(
    r"\b(?:(?P<previous>last|previous|prior)|(?P<current>this|today'?s|current))"
    r"\s+(?:stream|session|broadcast)\b",
    re.IGNORECASE,
)
_OWN_DAYS = re.compile(
    r"\b(?P<weekend>(?:last|this|past)\s+weekend)\b|\b(?P<other>the\s+other\s+day)\b",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Period:
    """A time a query is about: [start, end) in epoch seconds, and the words it came from."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class TimeReading:
    """What a query says about time, and the query without those words."""

    periods: tuple[Period, ...] = ()
    rest: str = ""
    sessions: tuple[tuple[str, str], ...] = ()  # ("previous" or "current", the words)


NO_TIME = TimeReading()  # read, and no time found (``RecallIndex.search`` reads no more)


class TimeReader:
    """Reads time expressions with dateparser (imported on first use: ~0.2 s), in ``zone``."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        self.zone = zone
        self._parser_class: Any = None
        self._parsers: dict[datetime, Any] = {}

    def warm_up(self) -> None:
        """Import dateparser and make its first, slow parse (its language data), at start."""
        self.read("what did we say on 3 May 2023 and two weeks ago", datetime.now(UTC))

    def _parser(self, now: datetime) -> Any:
        """A DateDataParser reading against ``now`` (to the minute: one per minute, kept),
        given as the wall clock of ``zone``: dateparser's answers are wall-clock times there."""
        base = self._local(now).replace(second=0, microsecond=0)
        parser = self._parsers.get(base)
        if parser is None:
            if self._parser_class is None:
                # Imported here: ~0.2 s that a CLI command without recall should not pay.
                from dateparser.date import DateDataParser  # type: ignore[import-untyped]

                self._parser_class = DateDataParser
            settings = {
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "past",  # "in may" asked in August: this May
                "RETURN_TIME_AS_PERIOD": True,  # "3 hours ago" is a time, not a day
            }
            parser = self._parser_class(languages=["en"], settings=settings)
            self._parsers = {base: parser}  # the minute before is not asked again
        return parser

    def read(self, text: str, now: datetime) -> TimeReading | None:
        """The periods ``text`` speaks of (None when it speaks of no time)."""
        sessions = tuple(
            ("previous" if m.group("previous") else "current", m.group(0))
            for m in _SESSION.finditer(text)
        )
        today = self._local(now).replace(hour=0, minute=0, second=0, microsecond=0)
        own = [(m.group(0), _own_period(m, today, self.zone)) for m in _OWN_DAYS.finditer(text)]
        spans = _spans(text)
        if not sessions and not own and not spans:
            return None
        found: list[tuple[Period, str, bool]] = []
        for start, end, absolute in spans:
            said = text[start:end]
            parsed = self._parse(said, now)
            if parsed is not None:
                found.append((_period(*parsed, said, self.zone), said, absolute))
        used = [words for _, words in sessions] + [words for words, _ in own]
        used += [words for _, words, _ in found]
        if any(absolute for _, _, absolute in found):
            # Relative words are then about that date ("the weekend before April 10"):
            # only the absolute date is read, but all of them leave the query's words.
            periods = [period for period, _, absolute in found if absolute]
        else:
            periods = [period for period, _, _ in found] + [period for _, period in own]
        if not periods and not sessions:
            return None
        rest = text
        for words in used:
            rest = rest.replace(words, " ")
        return TimeReading(tuple(periods), _SPACES.sub(" ", rest).strip(), sessions)

    def _local(self, now: datetime) -> datetime:
        """``now`` as a naive wall-clock time in ``zone``."""
        return now.astimezone(self.zone).replace(tzinfo=None)

    def _parse(self, words: str, now: datetime) -> tuple[datetime, str] | None:
        """dateparser's date (a wall-clock time in ``zone``, naive) and grain for one
        anchored span (its prepositions dropped)."""
        plain = _LEADING.sub("", words) or words
        for pattern, replacement in _REWRITES:
            plain = pattern.sub(replacement, plain)
        data = self._parser(now).get_date_data(plain)
        if data.date_obj is None:
            return None
        return data.date_obj.replace(tzinfo=None), data.period or "day"


def _spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, absolute) of each anchor with the words that follow it, neighbours
    only separators apart joined ("1 May" + ", 2022")."""
    spans: list[list[Any]] = []
    for anchor in _ANCHOR.finditer(text):
        tail = _TAIL.match(text, anchor.end())
        end = tail.end() if tail else anchor.end()
        absolute = anchor.lastgroup in _ABSOLUTE
        if spans and not text[spans[-1][1] : anchor.start()].strip(" ,"):
            spans[-1][1], spans[-1][2] = end, spans[-1][2] or absolute
        else:
            spans.append([anchor.start(), end, absolute])
    return [(start, end, absolute) for start, end, absolute in spans]


def _period(when: datetime, grain: str, words: str, zone: tzinfo) -> Period:
    """The period a parsed date (naive, the wall clock of ``zone``) stands for, at
    dateparser's grain; calendar bounds are midnights in ``zone``."""
    ago = bool(re.search(r"\bago\b", words, re.IGNORECASE))
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain == "time":
        return _around(when, 3600.0, words, zone)
    if grain == "week":
        if ago:
            return _around(when, 3.5 * _DAY, words, zone)
        monday = day - timedelta(days=day.weekday())
        return _local_period(monday, monday + timedelta(days=7), words, zone)
    if grain == "month":
        if ago:
            return _around(when, 15 * _DAY, words, zone)
        first = day.replace(day=1)
        days = calendar.monthrange(first.year, first.month)[1]
        return _local_period(first, first + timedelta(days=days), words, zone)
    if grain == "year":
        if ago:
            return _around(when, 183 * _DAY, words, zone)
        first = day.replace(month=1, day=1)
        return _local_period(first, first.replace(year=first.year + 1), words, zone)
    return _local_period(day, day + timedelta(days=1), words, zone)  # day, part_of_day


def _epoch(wall: datetime, zone: tzinfo) -> float:
    """A naive wall-clock time in ``zone`` as epoch seconds (a time a DST change skips or
    repeats: the offset before the change, zoneinfo's ``fold=0``)."""
    return wall.replace(tzinfo=zone).timestamp()


def _local_period(start: datetime, end: datetime, words: str, zone: tzinfo) -> Period:
    return Period(_epoch(start, zone), _epoch(end, zone), words)


def _around(when: datetime, half: float, words: str, zone: tzinfo) -> Period:
    moment = _epoch(when, zone)
    return Period(moment - half, moment + half, words)


def _own_period(match: re.Match[str], today: datetime, zone: tzinfo) -> Period:
    """ "last weekend", "this weekend" (Saturday and Sunday), "the other day"; ``today``:
    the local midnight that began today (naive, the wall clock of ``zone``)."""
    words = match.group(0)
    if match.group("other"):
        return _local_period(today - timedelta(days=7), today, words, zone)
    saturday = today - timedelta(days=(today.weekday() - 5) % 7)  # the latest Saturday
    if words.split()[0].casefold() != "this" and today.weekday() >= 5:
        saturday -= timedelta(days=7)  # "last weekend" said on a weekend: the one before
    return _local_period(saturday, saturday + timedelta(days=2), words, zone)


def session_periods(
    times: Sequence[float], now: float, gap: float, wanted: Sequence[tuple[str, str]]
) -> list[Period]:
    """The sessions ``wanted`` names ("previous", "current"), from the sorted times of
    the asker's interactions: a session ends where they paused longer than ``gap``; the
    current one is the last, while it is less than ``gap`` old."""
    if not times or not wanted:
        return []
    spans: list[list[float]] = [[times[0], times[0]]]
    for moment in times[1:]:
        if moment - spans[-1][1] > gap:
            spans.append([moment, moment])
        else:
            spans[-1][1] = moment
    current = spans[-1] if now - spans[-1][1] <= gap else None
    earlier = spans[:-1] if current is not None else spans
    out = []
    for which, words in wanted:
        span = current if which == "current" else (earlier[-1] if earlier else None)
        if span is not None:
            out.append(Period(span[0], span[1] + 1.0, words))
    return out
