"""The streamer's time zone over GraphQL HTTP (QAI_MEMORY_TIMEZONE=America/Los_Angeles):
"yesterday" asked at 00:30 there is the Los Angeles day before, naive since/until are Los
Angeles times, and the prompt dates its lines there; DateTime fields stay UTC."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.api.test_recall_time_api import line, messages, recall, said
from tests.support.api_harness import ConfigFactory, RunningApp, serve

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
async def la_api(make_config: ConfigFactory) -> AsyncIterator[RunningApp]:
    async with serve(make_config(timezone="America/Los_Angeles")) as running:
        yield running


def moments() -> tuple[datetime, datetime, datetime]:
    """The last 00:30 in Los Angeles (when the question is asked), 20:00 the evening
    before (already the next day in UTC) and 18:00 the evening before that (the day
    before the question in UTC): all within the 72 h interactions live."""
    now = datetime.now(LA)
    asked = now.replace(hour=0, minute=30, second=0, microsecond=0)
    if asked > now:
        asked -= timedelta(days=1)
    yesterday = asked.date() - timedelta(days=1)
    evening = datetime.combine(yesterday, time(20), LA)
    before = datetime.combine(yesterday - timedelta(days=1), time(18), LA)
    return asked, evening, before


async def test_yesterday_and_naive_bounds_are_los_angeles_days(la_api: RunningApp) -> None:
    asked, evening, before = moments()
    await said(
        la_api,
        [
            line(before.astimezone(UTC), "Ada", "grover grover grover, grover clicked", id="t1"),
            line(evening.astimezone(UTC), "Ada", "i think grover makes sense now", id="t2"),
        ],
    )
    la_api.service.recall_index.clock = lambda: asked
    dated = await recall(la_api, "what did ada say about grover yesterday")
    assert messages(dated)[0] == "i think grover makes sense now"
    (period,) = dated["periods"]
    start, end = (datetime.fromisoformat(period[k]) for k in ("start", "end"))
    assert start == datetime.combine(evening.date(), time(0), LA)  # LA midnight, in UTC
    assert end == datetime.combine(asked.date(), time(0), LA)
    assert start.utcoffset() == timedelta(0)  # DateTime fields stay UTC
    # since/until without an offset are Los Angeles times; with one, that moment.
    day = {"since": start.astimezone(LA), "until": end.astimezone(LA)}
    day = {k: v.replace(tzinfo=None) for k, v in day.items()}  # 00:00 on LA's wall clock
    naive = await recall(la_api, "grover", **{k: v.isoformat() for k, v in day.items()})
    assert messages(naive) == ["i think grover makes sense now"]
    utc_day = {k: v.replace(tzinfo=UTC).isoformat() for k, v in day.items()}
    assert messages(await recall(la_api, "grover", **utc_day)) == [
        "grover grover grover, grover clicked"
    ]
    # The prompt says when it was said on the streamer's clock.
    query = 'query ($m: String) { systemPrompt(player: "bo", message: $m) }'
    prompt = (await la_api.client.data(query, {"m": "grover makes sense?"}))["systemPrompt"]
    assert f"Ada said (twitch, {evening.strftime('%Y-%m-%d %H:%M')})" in prompt
