"""Per-session summaries: what a player's formed observations of one session said, kept.

A session's group is its ``session_id``; formed observations without one group by the UTC
day they were formed (``day:YYYY-MM-DD``). A group is summarised once any of its
observations has expired (about to be pruned: consolidation reads them first) or the
session has ended (its newest observation is older than ``session_ttl``); a group that
already has a summary is kept current on every visit.

What goes in: formed observations (``formed_by`` set, not summaries themselves) that are
short-term, not promoted (promotion already keeps those), and not flagged, hidden,
superseded or private. The summary keeps each sentence as a *part* (its text, salience,
confidence, evidence and sources), so what expired and was pruned still counts when the
summary is updated; a part whose observation is still there but no longer fits (it was
promoted, superseded, flagged, hidden) leaves it.

The summary itself: one LONG_TERM observation of category event, ``formed_by``
"consolidation", the group's ``session_id``, content
``"In the session of <date>, <name>: <sentence>; <sentence>."`` of at most
MAX_CONTENT_CHARS, made of the most salient parts (``text.compose``), ``sources`` the
union of the included parts' sources, confidence their highest, evidence their sum. Its
id is fixed by the player and the group (the first part's time, then a hash), so a
second run updates it, never adds another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from qai_graph.memory import profile_rules
from qai_graph.memory.consolidation.compare import same
from qai_graph.memory.consolidation.text import Sentence, compose
from qai_graph.memory.validation import MAX_CONTENT_CHARS
from qai_graph.models import MemoryTier, Observation, ObservationCategory
from qai_graph.store import consolidation_writes, observations
from qai_graph.store.codec import iso, parse_iso

DAY_PREFIX = "day:"
MAX_PARTS = 24  # parts a summary keeps (most salient): bounded item size
PART_SOURCES = 16  # sources kept per part (newest)


@dataclass(frozen=True)
class Part:
    """One sentence of a summary, as kept on it."""

    sentence: Sentence
    confidence: float
    evidence: int
    sources: tuple[Mapping[str, str], ...]

    def attribute(self) -> dict[str, Any]:
        """As stored in ``summary_parts``."""
        s = self.sentence
        return {
            "o": s.observation_id,
            "c": s.content,
            "s": s.salience,
            "t": iso(s.at),
            "f": self.confidence,
            "e": self.evidence,
            "src": [dict(x) for x in self.sources[-PART_SOURCES:]],
        }

    @classmethod
    def from_attribute(cls, value: Mapping[str, Any]) -> Part:
        """From ``summary_parts``."""
        return cls(
            Sentence(str(value["o"]), str(value["c"]), float(value["s"]), parse_iso(value["t"])),
            float(value.get("f", 0.5)),
            int(value.get("e", 1)),
            tuple(dict(x) for x in value.get("src") or []),
        )

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> Part:
        """From an observation item."""
        return cls(
            Sentence(
                str(item["observation_id"]),
                str(item["content"]),
                profile_rules.item_salience(item),
                parse_iso(item["timestamp"]),
            ),
            float(item.get("confidence", 0.5)),
            int(item.get("evidence_count", 1)),
            tuple(dict(x) for x in item.get("sources") or []),
        )


@dataclass
class SummaryPlan:
    """What to write for one group: ``item`` (None: delete ``existing``)."""

    group: str
    existing: Mapping[str, Any] | None
    item: dict[str, Any] | None
    duplicates: list[Mapping[str, Any]] = field(default_factory=list)
    included: frozenset[str] = frozenset()


def group_of(item: Mapping[str, Any]) -> str:
    """The session an observation belongs to, or its UTC day."""
    session = item.get("session_id")
    if session:
        return str(session)
    return DAY_PREFIX + parse_iso(item["timestamp"]).strftime("%Y-%m-%d")


def summary_key(pk: str, group: str) -> str:
    """The hash naming a player's summary of one group."""
    return hashlib.sha256(f"{pk}|{group}".encode()).hexdigest()[:24]


def summarisable(item: Mapping[str, Any]) -> bool:
    """A formed, short-term, unpromoted, trusted observation (the module docstring)."""
    return (
        bool(item.get("formed_by"))
        and not item.get("summary_key")
        and not item.get("promoted")
        and item.get("memory_tier", MemoryTier.SHORT_TERM.value) == MemoryTier.SHORT_TERM.value
        and profile_rules.is_trusted(item)
    )


def _last_time(item: Mapping[str, Any]) -> float:
    stamp = item.get("last_reinforced") or item["timestamp"]
    return parse_iso(stamp).timestamp()


def _expired(item: Mapping[str, Any], now_epoch: int) -> bool:
    ttl = item.get("ttl")
    return ttl is not None and int(ttl) <= now_epoch


def plan(
    pk: str,
    display: str,
    found: Sequence[Mapping[str, Any]],
    now_epoch: int,
    session_ttl: int,
) -> list[SummaryPlan]:
    """The summaries to write (or delete) for one player, from all their observations as
    read (expired ones included)."""
    existing: dict[str, list[Mapping[str, Any]]] = {}
    for item in found:
        if item.get("summary_key"):
            existing.setdefault(str(item["summary_key"]), []).append(item)
    present = {str(i["observation_id"]): i for i in found}
    # Members merged into another observation: the merged one speaks for them.
    absorbed = {
        str(member)
        for i in found
        for member in i.get("merged_from") or []
        if str(member) != str(i["observation_id"])
    }
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for item in found:
        if summarisable(item):
            groups.setdefault(group_of(item), []).append(item)
    wanted = {g for g, members in groups.items() if _ready(members, now_epoch, session_ttl)}
    by_key = {summary_key(pk, g): g for g in groups}
    for key, summaries in existing.items():
        group = by_key.get(key) or _group_of_summary(summaries[0])
        wanted.add(group)
    plans = []
    for group in sorted(wanted):
        summaries = sorted(existing.get(summary_key(pk, group), []), key=lambda i: str(i["sk"]))
        result = _plan_group(
            pk, display, group, groups.get(group, []), summaries, present, absorbed
        )
        if result is not None:
            plans.append(result)
    return plans


def _ready(members: Sequence[Mapping[str, Any]], now_epoch: int, session_ttl: int) -> bool:
    newest = max(_last_time(m) for m in members)
    return newest < now_epoch - session_ttl or any(_expired(m, now_epoch) for m in members)


def _group_of_summary(item: Mapping[str, Any]) -> str:
    session = item.get("session_id")
    if session:
        return str(session)
    return DAY_PREFIX + parse_iso(item["timestamp"]).strftime("%Y-%m-%d")


def _plan_group(
    pk: str,
    display: str,
    group: str,
    members: Sequence[Mapping[str, Any]],
    summaries: Sequence[Mapping[str, Any]],
    present: Mapping[str, Mapping[str, Any]],
    absorbed: set[str],
) -> SummaryPlan | None:
    parts: dict[str, Part] = {}
    for summary in summaries:
        for value in summary.get("summary_parts") or []:
            part = Part.from_attribute(value)
            ident = part.sentence.observation_id
            now = present.get(ident)
            # Still there but no longer fit (promoted, superseded, moderated), or merged
            # into another observation: out.
            if (now is not None and not summarisable(now)) or ident in absorbed:
                continue
            parts.setdefault(part.sentence.observation_id, part)
    for item in members:
        parts[str(item["observation_id"])] = Part.of(item)
    current = summaries[0] if summaries else None
    duplicates = list(summaries[1:])
    if not parts:
        if current is None:
            return None
        return SummaryPlan(group, current, None, duplicates)
    kept = sorted(parts.values(), key=lambda p: (-p.sentence.salience, -p.sentence.at.timestamp()))[
        :MAX_PARTS
    ]
    first = min(p.sentence.at for p in kept)
    date = first.astimezone(UTC).strftime("%Y-%m-%d")
    content, chosen = compose(
        [p.sentence for p in kept],
        MAX_CONTENT_CHARS,
        head=f"In the session of {date}, {display}: ",
        end=".",
    )
    ids = {s.observation_id for s in chosen}
    included = [p for p in kept if p.sentence.observation_id in ids]
    sources = observations.unite_sources(p.sources for p in included)
    key = summary_key(pk, group)
    observation_id = (
        str(current["observation_id"])
        if current is not None
        else f"{int(first.timestamp() * 1000):013d}-{key[:12]}"
    )
    obs = Observation(
        observation_id=observation_id,
        timestamp=min(first, parse_iso(current["timestamp"])) if current else first,
        subject=pk,
        content=content,
        category=ObservationCategory.EVENT,
        confidence=max(p.confidence for p in included),
        evidence_count=max(1, sum(p.evidence for p in included)),
        memory_tier=MemoryTier.LONG_TERM,
        sources=[],
        formed_by=profile_rules.CONSOLIDATION,
        session_id=None if group.startswith(DAY_PREFIX) else group,
    )
    parts_value = [p.attribute() for p in sorted(kept, key=lambda p: p.sentence.at)]
    item = consolidation_writes.summary_item(
        obs, pk, {"summary_key": key, "summary_parts": parts_value}
    )
    if sources:
        item["sources"] = sources
    if current is not None and not duplicates and _same(current, item):
        return None
    return SummaryPlan(group, current, item, duplicates, frozenset(ids))


_COMPARED = (
    "content", "category", "confidence", "evidence_count", "timestamp", "session_id",
    "sources", "summary_parts", "memory_tier", "formed_by",
)  # fmt: skip


def _same(current: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    """The stored summary already says exactly this."""
    return all(same(current.get(name), item.get(name)) for name in _COMPARED)
