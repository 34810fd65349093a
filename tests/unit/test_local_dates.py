"""Dates QAI and agents read are the streamer's (QAI_MEMORY_TIMEZONE): the prompt's memory
lines, a player's summary and MCP text; the structured times stay UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from qai_graph.mcp.outputs import PlayerOutput, RecallOutput
from qai_graph.memory.prompt.builder import build_qai_system_prompt
from qai_graph.memory.prompt.remembering import build_memory_section
from qai_graph.memory.recall.reader import player_summary
from qai_graph.models import (
    Channel,
    EvolutionState,
    Interaction,
    Memory,
    Observation,
    ObservationCategory,
    PlayerContext,
    PlayerProfile,
    RecallResult,
    TimePeriod,
)

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# 23:30 UTC on Saturday 19 August 2023 is 01:30 on Sunday in Berlin, 16:30 in Los Angeles.
LATE = datetime(2023, 8, 19, 23, 30, tzinfo=UTC)


def context() -> PlayerContext:
    profile = PlayerProfile(
        name="Jim", first_seen=LATE, last_seen=LATE, total_interactions=3, play_style=None
    )
    said = Interaction(
        interaction_id="i-1",
        timestamp=LATE,
        player="Jim",
        channel=Channel.TWITCH,
        message="grover finally clicked",
        qai_response=None,
    )
    noted = Observation(
        observation_id="o-1",
        timestamp=LATE,
        subject="PLAYER#jim",
        content="Jim likes grover",
        category=ObservationCategory.BEHAVIORAL,
    )
    return PlayerContext(profile=profile, observations=[noted], recent_interactions=[said])


def recalled() -> list[Memory]:
    exchange = Memory(
        type="interaction", subject="PLAYER#ada", content="hi", score=1.0,
        player="Ada", message="bell states rock", channel="twitch", timestamp=LATE,
    )  # fmt: skip
    general = Memory(
        type="observation", subject="GENERAL", content="Chat likes bells", score=0.5,
        timestamp=LATE,
    )  # fmt: skip
    return [exchange, general]


def test_the_prompts_memory_lines_are_dated_in_the_zone() -> None:
    berlin = build_memory_section(context(), recalled(), zone=BERLIN)
    assert "- First met: 2023-08-20" in berlin
    assert "- I observed (2023-08-20): " in berlin
    assert "- They said (twitch, 2023-08-20 01:30): " in berlin
    assert "- Ada said (twitch, 2023-08-20 01:30): " in berlin
    assert "- Observation (2023-08-20): " in berlin
    utc = build_memory_section(context(), recalled())  # the default: UTC, as before
    assert "- First met: 2023-08-19" in utc and "(twitch, 2023-08-19 23:30)" in utc
    prompt = build_qai_system_prompt(EvolutionState(), context(), recalled(), zone=LOS_ANGELES)
    assert "- They said (twitch, 2023-08-19 16:30): " in prompt


def test_a_players_summary_says_the_day_in_the_zone() -> None:
    ctx = context()
    summary = player_summary(ctx.profile, ctx.observations, True, BERLIN)
    assert summary.startswith("Met 3 times since 2023-08-20")


def test_mcp_text_is_dated_in_the_zone_and_its_structured_times_stay_utc() -> None:
    # "yesterday" read at 00:30 in Berlin: the Berlin day of 19 August.
    yesterday = TimePeriod(
        start=datetime(2023, 8, 18, 22, tzinfo=UTC),
        end=datetime(2023, 8, 19, 22, tzinfo=UTC),
        text="yesterday",
    )
    result = RecallResult(
        memories=recalled(), sources=[], query="q", total_found=2, periods=[yesterday]
    )
    out = RecallOutput.of(result)
    text = out.text(BERLIN)
    assert "[PLAYER#ada] (2023-08-20) " in text
    assert "(read 'yesterday' as 2023-08-19)" in text
    assert "(read 'yesterday' as 2023-08-18 to 2023-08-19)" in out.text()  # UTC days
    structured = out.model_dump(mode="json")
    assert structured["memories"][0]["at"] == "2023-08-19T23:30:00Z"
    assert structured["periods"][0]["start"] == "2023-08-18T22:00:00Z"
    player = PlayerOutput.of(context()).text(LOS_ANGELES)
    assert "3 interactions since 2023-08-19." in player
    assert "they said (2023-08-19 16:30): " in player
    assert "since 2023-08-20." in PlayerOutput.of(context()).text(BERLIN)
