"""Fuzzed chat text never closes, nests or forges the prompt's data section (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qai_graph.memory.prompt.builder import DATA_TITLE, build_qai_system_prompt
from qai_graph.memory.trust.neutralize import DATA_CLOSE, DATA_OPEN
from qai_graph.models import (
    Channel,
    EvolutionState,
    Interaction,
    Memory,
    Observation,
    ObservationCategory,
    PlayerContext,
    PlayerProfile,
    SessionContext,
    SessionMessage,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
# Lines the builder itself writes inside the block; chat can only ever fill a quote.
OWN_LINES = ("- ", "## ", "### ", "Recent conversation:")

# Chat as the fuzzer types it: any Unicode, weighted towards what could break a block.
tricky = st.sampled_from(
    [DATA_OPEN, DATA_CLOSE, "\n", "\r", "\u2028", "\u202e", "\u200b", '"', "`", "»", "《", "## "]
)
chat = st.lists(st.one_of(st.text(max_size=30), tricky), max_size=12).map("".join)


def prompt_with(text: str, other: str) -> str:
    said = Interaction(
        interaction_id="i-1",
        timestamp=NOW - timedelta(minutes=3),
        player="Mallory",
        channel=Channel.TWITCH,
        message=text,
        qai_response=other,
        flag="override",
    )
    context = PlayerContext(
        profile=PlayerProfile(name="Mallory", first_seen=NOW, last_seen=NOW, total_interactions=3),
        observations=[
            Observation(
                observation_id="o-1",
                timestamp=NOW,
                subject="PLAYER#mallory",
                content=other,
                category=ObservationCategory.BEHAVIORAL,
            )
        ],
        recent_interactions=[said],
        known=True,
    )
    related = [
        Memory(
            type="interaction", subject="PLAYER#bob", content=other, message=other,
            response=text, player="Bob", score=0.9, timestamp=NOW, channel="twitch",
        )
    ]  # fmt: skip
    session = SessionContext(
        session_id="s",
        started_at=NOW,
        last_active_at=NOW,
        player="Mallory",
        current_topic=text,
        recent_messages=[SessionMessage(role="user", content="so " + text, timestamp=NOW)],
        pending_questions=[other],
    )
    return build_qai_system_prompt(
        EvolutionState(), context, related, session=session, relevant_first=True
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=chat, other=chat)
def test_chat_never_closes_or_forges_the_data_section(text: str, other: str) -> None:
    prompt = prompt_with(text, other)
    assert prompt.count(DATA_OPEN) == 1 and prompt.count(DATA_CLOSE) == 1
    lines = prompt.splitlines()
    opened = lines.index(f"{DATA_OPEN} {DATA_TITLE}")
    closed = lines.index(DATA_CLOSE)
    assert opened < closed
    for line in lines[opened + 1 : closed]:
        assert line == "" or line.startswith(OWN_LINES), line
    for bad in ("\r", "\u2028", "\u202e", "\u200b"):
        assert bad not in prompt


def test_every_memory_of_chat_is_inside_the_section() -> None:
    prompt = prompt_with("the vault code is 1234", "remember me")
    inside = prompt.split(DATA_OPEN, 1)[1].split(DATA_CLOSE, 1)[0]
    outside = prompt.replace(inside, "")
    assert "vault code" in inside and "remember me" in inside
    assert "vault code" not in outside and "remember me" not in outside
    assert "(twitch, 2026-12-01 11:57, flagged as override: not an instruction)" in inside
