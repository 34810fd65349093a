"""QAI's system prompt: stage persona, guidelines, memories within a budget, situation.

Sections, in order: the stage's persona, "Response Guidelines", "What I Remember",
"This Conversation", "Current Situation", "Response Modifiers". Everything a player or
the chat bot supplied is quoted through ``clean_text``: one line, no control characters,
bounded length, so a chat message cannot forge a section of the prompt.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qai_graph.memory.prompt.persona import Persona, load_persona
from qai_graph.memory.content import normalise_content
from qai_graph.memory.recall.search.documents import times
from qai_graph.models import EvolutionState, Memory, MemoryTier, PlayerContext, SessionContext

QUOTE_LIMIT = 200  # characters of any one quoted text
NAME_LIMIT = 64
HIGH_CONFIDENCE = 0.7
CRITICAL_TUNNEL_HEALTH = 0.5
# Caps on candidates before the budget: they keep the prompt focused when the budget is big.
MAX_OBSERVATIONS = 8
MAX_EXCHANGES = 5
MAX_RELATED = 5
CONVERSATION_MESSAGES = 4
MAX_LISTED_NAMES = 10

MEMORY_HEADER = "## What I Remember"
_MEMORY_LABELS = {
    "observation": "Observation",
    "insight": "Insight",
    "player_profile": "Player",
    "interaction": "Exchange",
}
_SPACE = re.compile(r"\s+")


def build_qai_system_prompt(
    evolution: EvolutionState,
    player_context: PlayerContext | None = None,
    relevant_memories: Sequence[Memory | Mapping[str, Any]] | None = None,
    game_state: Mapping[str, Any] | None = None,
    *,
    session: SessionContext | None = None,
    persona: Persona | None = None,
    memory_budget_chars: int = 1500,
    relevant_first: bool = False,
) -> str:
    """The complete system prompt for QAI at its current stage, with memories injected.

    ``relevant_first``: the memories were chosen for what the player just said, so they
    outrank everything but who the player is. Exchanges already quoted under "This
    Conversation" are not repeated under "What I Remember"."""
    persona = persona or load_persona()
    parts = [persona.for_stage(evolution.stage).render()]
    if persona.guidelines:
        parts.append("## Response Guidelines\n" + "\n".join(f"- {g}" for g in persona.guidelines))
    if player_context is not None or relevant_memories:
        in_session = (
            {normalise_content(m.content) for m in session.recent_messages} if session else set()
        )
        parts.append(
            build_memory_section(
                player_context,
                relevant_memories,
                budget_chars=memory_budget_chars,
                relevant_first=relevant_first,
                in_session=in_session,
            )
        )
    if session is not None:
        parts.append(build_conversation_section(session))
    if game_state:
        parts.append(build_situation_section(game_state))
    parts.append(build_evolution_modifiers(evolution))
    return "\n\n".join(part for part in parts if part)


# --- quoting ---------------------------------------------------------------------------


def clean_text(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as one safe line: whitespace collapsed, control characters gone, bounded."""
    if limit <= 0:
        return ""
    kept = (
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    flat = _SPACE.sub(" ", "".join(kept)).strip()
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cleaned and in double quotes; inner double quotes become single ones."""
    return '"' + clean_text(text, limit).replace('"', "'") + '"'


# --- memory ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fact:
    priority: tuple[float, ...]  # lower is kept first when the budget is tight
    group: int  # which subsection it is read in
    position: tuple[float, ...]  # reading order inside the subsection
    lines: tuple[str, ...]


_ABOUT, _CONVERSATION, _RELATED = 0, 1, 2


def build_memory_section(
    player_context: PlayerContext | None,
    relevant_memories: Sequence[Memory | Mapping[str, Any]] | None = None,
    *,
    budget_chars: int = 1500,
    relevant_first: bool = False,
    in_session: set[str] | None = None,
) -> str:
    """The "What I Remember" section, never longer than ``budget_chars`` ("" if empty).

    ``relevant_first``: ``relevant_memories`` answer what was just said, so they come
    right after who the player is. ``in_session``: normalised messages already shown
    under "This Conversation", left out of "Recent conversation"."""
    headers: dict[int, str] = {
        _CONVERSATION: "\nRecent conversation:",
        _RELATED: "\n### Related Memories",
    }
    facts: list[_Fact] = []
    known_contents: set[str] = set()
    skip = set(in_session or ())
    if player_context is not None:
        # Their own profile is "About <name>" already: a second line would repeat it.
        relevant_memories = [
            m for m in relevant_memories or () if not _is_profile_of(m, player_context)
        ]
    if relevant_first:
        headers[_RELATED] = "\n### Relevant to what they said"
        known_contents |= skip  # an exchange already under "This Conversation"
        facts += _related_facts(relevant_memories or (), known_contents, first=True)
        skip |= known_contents
    if player_context is not None:
        headers[_ABOUT] = "\n### About " + clean_text(player_context.profile.name, NAME_LIMIT)
        facts += _profile_facts(player_context)
        facts += _observation_facts(player_context, known_contents)
        facts += _exchange_facts(player_context, skip)
    if not relevant_first:
        facts += _related_facts(relevant_memories or (), known_contents)
    return _fit(facts, headers, budget_chars)


def _field(memory: object, name: str) -> Any:
    """A recalled memory's field, whether it is a ``Memory`` or a plain mapping."""
    if isinstance(memory, Memory):
        return getattr(memory, name)
    if isinstance(memory, Mapping):
        return memory.get(name)
    return None


def _is_profile_of(memory: Memory | Mapping[str, Any], ctx: PlayerContext) -> bool:
    """Whether a recalled memory is the profile of the player the prompt is about."""
    player = _field(memory, "player")
    return (
        _field(memory, "type") == "player_profile"
        and isinstance(player, str)
        and player.casefold() == ctx.profile.name.casefold()
    )


def _profile_facts(ctx: PlayerContext) -> list[_Fact]:
    profile = ctx.profile
    if not ctx.known or profile.total_interactions == 0:
        identity: tuple[str, ...] = ("- We have not met before",)
    else:
        identity = (
            f"- First met: {profile.first_seen.strftime('%Y-%m-%d')}",
            f"- We have interacted {times(profile.total_interactions)}",
        )
    facts = [_Fact((0,), _ABOUT, (0,), identity)]
    if profile.play_style:
        style = f"- Their play style: {clean_text(profile.play_style, NAME_LIMIT)}"
        facts.append(_Fact((1, 0), _ABOUT, (1,), (style,)))
    if profile.preferred_patterns:
        patterns = ", ".join(clean_text(p, NAME_LIMIT) for p in profile.preferred_patterns[:3])
        facts.append(_Fact((1, 1), _ABOUT, (2,), (f"- Patterns they prefer: {patterns}",)))
    return facts


def _observation_facts(ctx: PlayerContext, said: set[str]) -> list[_Fact]:
    facts, keys, unique = [], [], set()
    for index, obs in enumerate(ctx.observations):
        key = normalise_content(obs.content)
        if not key or key in unique or key in said:  # said: already among the relevant
            continue
        unique.add(key)
        settled = obs.promoted or obs.memory_tier is MemoryTier.LONG_TERM
        tier = 2 if settled else 3 if obs.confidence >= HIGH_CONFIDENCE else 6
        suffix = " (confirmed)" if settled else ""
        line = f"- I observed: {quote(obs.content)}{suffix}"
        priority = (tier, -obs.confidence, -obs.timestamp.timestamp())
        facts.append(_Fact(priority, _ABOUT, (3, index), (line,)))
        keys.append(key)
    kept = sorted(zip(facts, keys, strict=True), key=lambda pair: pair[0].priority)
    kept = kept[:MAX_OBSERVATIONS]
    said.update(key for _, key in kept)
    return [fact for fact, _ in kept]


def _exchange_facts(ctx: PlayerContext, skip: set[str] | None = None) -> list[_Fact]:
    # Sorted here because stores return newest-first while the seed assumed oldest-first.
    newest_first = sorted(ctx.recent_interactions, key=lambda i: i.timestamp, reverse=True)
    if skip:  # said once is enough: under "This Conversation" or among the relevant
        newest_first = [i for i in newest_first if normalise_content(i.message) not in skip]
    facts = []
    for age, interaction in enumerate(newest_first[:MAX_EXCHANGES]):
        lines = [f"- They said: {quote(interaction.message)}"]
        if interaction.qai_response:
            lines.append(f"- I replied: {quote(interaction.qai_response)}")
        tier = 4 if age == 0 else 5
        facts.append(_Fact((tier, age), _CONVERSATION, (-age,), tuple(lines)))
    return facts


def _related_facts(
    memories: Sequence[Memory | Mapping[str, Any]], seen: set[str], *, first: bool = False
) -> list[_Fact]:
    items: list[tuple[float, str, str]] = []
    for memory in memories:
        kind, content, score = (_field(memory, n) for n in ("type", "content", "score"))
        label = _MEMORY_LABELS.get(kind) if isinstance(kind, str) else None
        if label is None or not isinstance(content, str):
            continue
        key = normalise_content(content)
        if not key or key in seen:  # already said above, or said twice
            continue
        seen.add(key)
        items.append((score if _is_number(score) else 0.0, label, _related_line(memory, label)))
    items.sort(key=lambda item: -item[0])  # stable: equal scores keep the caller's order
    # Chosen for the message: right after who the player is (tier 1.5); else last (7).
    tier = 1.5 if first else 7
    return [
        _Fact((tier, rank), _RELATED, (rank,), (line,))
        for rank, (_, label, line) in enumerate(items[:MAX_RELATED])
    ]


def _related_line(memory: Memory | Mapping[str, Any], label: str) -> str:
    """One line for a related memory; recall's memories say whom they are about."""
    if not isinstance(memory, Memory):
        return f"- {label}: {quote(str(memory.get('content')))}"
    who = clean_text(memory.player, NAME_LIMIT) if memory.player else ""
    if memory.type == "interaction":
        line = f"- {who or 'Someone'} said: {quote(memory.message or memory.content)}"
        if memory.response:
            line += f"; I replied: {quote(memory.response)}"
        return line
    about = f" about {who}" if who and memory.type == "observation" else ""
    return f"- {label}{about}: {quote(memory.content)}"


def _fit(facts: list[_Fact], headers: Mapping[int, str], budget: int) -> str:
    # Lines are joined by "\n", so each line (and each subsection header) costs its
    # length plus one: the running total is the exact length of the rendered section.
    used = len(MEMORY_HEADER)
    chosen: list[_Fact] = []
    opened: set[int] = set()
    for fact in sorted(facts, key=lambda f: f.priority):
        cost = sum(len(line) + 1 for line in fact.lines)
        if fact.group not in opened:
            cost += len(headers[fact.group]) + 1
        # Stop at the first fact that does not fit rather than squeezing in a smaller,
        # less important one: what is kept is always the most important prefix.
        if used + cost > budget:
            break
        used += cost
        chosen.append(fact)
        opened.add(fact.group)
    if not chosen:
        return ""
    lines = [MEMORY_HEADER]
    for group in sorted(opened):
        lines.append(headers[group])
        for fact in sorted((f for f in chosen if f.group == group), key=lambda f: f.position):
            lines.extend(fact.lines)
    return "\n".join(lines)


# --- conversation and situation ------------------------------------------------------------


def build_conversation_section(
    session: SessionContext, max_messages: int = CONVERSATION_MESSAGES
) -> str:
    """The "This Conversation" section: topic, last messages, first pending question."""
    lines = []
    if session.current_topic:
        lines.append(f"- Topic: {quote(session.current_topic)}")
    them = clean_text(session.player, NAME_LIMIT) if session.player else ""
    recent = session.recent_messages[-max_messages:] if max_messages > 0 else []
    for message in recent:
        own = message.role.strip().casefold() in ("assistant", "qai")
        speaker = "I" if own else them or "They"
        lines.append(f"- {speaker} said: {quote(message.content)}")
    if session.pending_questions:
        lines.append(f"- Still unanswered: {quote(session.pending_questions[0])}")
    return "## This Conversation\n" + "\n".join(lines) if lines else ""


def build_situation_section(game_state: Mapping[str, Any]) -> str:
    """The "Current Situation" section; malformed entries are skipped ("" if none)."""
    if not isinstance(game_state, Mapping):
        return ""
    lines = []
    location = _coordinates(game_state.get("world"))
    if location:
        lines.append(f"- Location: World ({location})")
    players = game_state.get("nearby_players")
    if isinstance(players, list | tuple):
        names = [clean_text(p, NAME_LIMIT) for p in players if isinstance(p, str)]
        names = [name for name in names if name]
        if not players:
            lines.append("- No other players nearby")
        elif names:
            lines.append(f"- Nearby players: {_listing(names)}")
    activity = game_state.get("recent_activity")
    activity = clean_text(activity) if isinstance(activity, str) else ""
    if activity:
        lines.append(f"- Recent activity: {activity}")
    tunnels = game_state.get("tunnel_health")
    if isinstance(tunnels, Mapping):
        critical = [
            clean_text(str(name), NAME_LIMIT)
            for name, health in tunnels.items()
            if _is_number(health) and health < CRITICAL_TUNNEL_HEALTH
        ]
        if critical:
            lines.append(f"- Warning: Tunnels in critical condition: {_listing(critical)}")
    return "## Current Situation\n" + "\n".join(lines) if lines else ""


def _coordinates(world: Any) -> str:
    if isinstance(world, Mapping):
        world = [world.get(axis) for axis in ("x", "y", "z")]
    if not isinstance(world, list | tuple) or len(world) < 3:
        return ""
    if not all(_is_number(c) for c in world[:3]):
        return ""
    return ", ".join(str(c) if isinstance(c, int) else f"{c:g}" for c in world[:3])


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED_NAMES])
    hidden = len(names) - MAX_LISTED_NAMES
    return f"{shown} and {hidden} more" if hidden > 0 else shown


def _is_number(value: Any) -> bool:
    # bool is an int subclass, and NaN compares false with everything: neither is a reading.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --- modifiers and output ------------------------------------------------------------------


def build_evolution_modifiers(evolution: EvolutionState) -> str:
    """The "Response Modifiers" section from the evolution parameters ("" if none apply)."""
    lines = []
    if evolution.curiosity_score > 0.6:
        lines.append("- End responses with a question about 40% of the time")
    elif evolution.curiosity_score > 0.3:
        lines.append("- Occasionally ask questions, but less frequently than before")
    if evolution.stats_verbosity > 0.5:
        lines.append("- Include specific numbers and statistics when relevant")
    if evolution.pattern_confidence > 0.6:
        lines.append("- Confidently reference patterns you have observed")
        lines.append("- Offer optimization suggestions when you see inefficiency")
    return "## Response Modifiers\n" + "\n".join(lines) if lines else ""


def format_for_twitch(response: str, max_length: int = 200) -> str:
    """``response`` on one line and at most ``max_length`` characters, cut at a sentence end."""
    if max_length <= 0:
        return ""
    # A newline would end the IRC message early, so the reply is flattened first.
    text = _SPACE.sub(" ", response).strip()
    if len(text) <= max_length:
        return text
    window = text[:max_length]
    cut = max(window.rfind("."), window.rfind("?"), window.rfind("!"))
    if cut > max_length // 2:
        return text[: cut + 1]
    if max_length < 4:  # no room for an ellipsis and a word
        return text[:max_length]
    return text[: max_length - 3].rstrip() + "..."
