"""Keeping a player within ``max_observations_per_player``: merge related, then drop.

Only while a player holds more live observations than the cap, and only as many steps
as the excess:

1. **Merge.** Formed observations (``formed_by`` set, not session summaries) that are not
   flagged, hidden, superseded or private are related when ``meaning.same_meaning`` says
   they say the same, or ``meaning.topics`` finds a topic they share. The most similar
   pairs (``meaning.similarity``) merge first, a group holding at most MAX_GROUP. The
   merged observation keeps the id (and time) of the group's oldest member and takes:
   the members' most salient sentences that fit MAX_CONTENT_CHARS, joined by "; "
   (``text.compose``); the category of the most salient member; the highest confidence;
   the sum of evidence and of ``recall_count``; every member's sources; the newest
   reinforcement; ``formed_by`` "consolidation" and ``merged_from`` the members' ids;
   LONG_TERM (promoted if one was) when any member was long-term, else the latest ttl of
   the members. The others are deleted in the same transaction; the kept member's dedup
   guard follows its ttl, the others' guards are dropped (a client storing one of those
   texts again starts a new observation).
2. **Drop** the least valuable, in this order: superseded observations; short-term ones
   whose sentence a session summary holds; other short-term ones; long-term ones not
   promoted (summaries, merged); promoted ones only when nothing else is left. Within
   each, lowest value first, then the oldest, where

       value = confidence + 0.05 x min(evidence - 1, 10) + 0.1 x min(recall_count, 5)

   (``recall_count``, written by recall, is 0 when absent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from qai_graph.memory import profile_rules
from qai_graph.memory.consolidation.text import Sentence, clean, compose
from qai_graph.memory.validation import MAX_CONTENT_CHARS
from qai_graph.models import MemoryTier
from qai_graph.observers import meaning
from qai_graph.store import observations
from qai_graph.store.codec import iso, parse_iso

Item = Mapping[str, Any]
MAX_GROUP = 10  # observations merged into one at most (one transaction, a readable text)
MAX_MERGED_FROM = 64


def value(item: Item) -> float:
    """How much an observation is worth keeping (module docstring)."""
    evidence = int(item.get("evidence_count", 1))
    recalled = int(item.get("recall_count", 0) or 0)
    confidence = float(item.get("confidence", 0.5))
    return confidence + 0.05 * min(max(evidence - 1, 0), 10) + 0.1 * min(max(recalled, 0), 5)


def _last_seen(item: Item) -> str:
    return str(item.get("last_reinforced") or item["timestamp"])


def drop_order(item: Item, summarised: frozenset[str]) -> tuple[int, float, str, str]:
    """Sort key: the first is dropped first (module docstring)."""
    if item.get("superseded_by"):
        rank = 0
    elif item.get("promoted"):
        rank = 4
    elif item.get("memory_tier") == MemoryTier.LONG_TERM.value:
        rank = 3
    elif str(item["observation_id"]) in summarised:
        rank = 1
    else:
        rank = 2
    return rank, value(item), _last_seen(item), str(item["sk"])


def mergeable(item: Item) -> bool:
    """A formed, trusted observation that is not a session summary."""
    return (
        bool(item.get("formed_by"))
        and not item.get("summary_key")
        and profile_rules.is_trusted(item)
        and bool(clean(str(item.get("content", ""))))
    )


def plan_merges(items: Sequence[Item], excess: int) -> list[list[Item]]:
    """Groups to merge (each oldest first, two or more), at most ``excess`` merges."""
    candidates = sorted((i for i in items if mergeable(i)), key=lambda i: str(i["sk"]))
    if excess <= 0 or len(candidates) < 2:
        return []
    texts = [clean(str(i["content"])) for i in candidates]
    topics = [meaning.topics(t) for t in texts]
    pairs: list[tuple[float, int, int]] = []
    for a in range(len(candidates)):
        for b in range(a + 1, len(candidates)):
            shared = bool(topics[a] & topics[b])
            if shared or meaning.same_meaning(texts[a], texts[b]):
                pairs.append((meaning.similarity(texts[a], texts[b]), a, b))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    root = list(range(len(candidates)))
    size = [1] * len(candidates)

    def find(n: int) -> int:
        while root[n] != n:
            root[n] = root[root[n]]
            n = root[n]
        return n

    merges = 0
    for _, a, b in pairs:
        ra, rb = find(a), find(b)
        if ra == rb or size[ra] + size[rb] > MAX_GROUP:
            continue
        low, high = min(ra, rb), max(ra, rb)
        root[high] = low
        size[low] += size[high]
        merges += 1
        if merges >= excess:
            break
    groups: dict[int, list[Item]] = {}
    for n, item in enumerate(candidates):
        groups.setdefault(find(n), []).append(item)
    return [g for _, g in sorted(groups.items()) if len(g) > 1]


def merged_fields(group: Sequence[Item], now: datetime) -> tuple[dict[str, Any], list[str]]:
    """(SET, REMOVE) turning ``group[0]`` into the merged observation (no vector)."""
    sentences = [
        Sentence(
            str(i["observation_id"]),
            str(i["content"]),
            profile_rules.item_salience(i),
            parse_iso(i["timestamp"]),
        )
        for i in group
    ]
    content, _ = compose(sentences, MAX_CONTENT_CHARS)
    salient = max(group, key=lambda i: (profile_rules.item_salience(i), _last_seen(i)))
    merged_from: list[str] = []
    for item in group:
        for ident in [*(item.get("merged_from") or []), str(item["observation_id"])]:
            if ident not in merged_from:
                merged_from.append(str(ident))
    sets: dict[str, Any] = {
        "content": content,
        "category": salient["category"],
        "confidence": max(float(i.get("confidence", 0.5)) for i in group),
        "evidence_count": sum(int(i.get("evidence_count", 1)) for i in group),
        "formed_by": profile_rules.CONSOLIDATION,
        "merged_from": merged_from[-MAX_MERGED_FROM:],
        "last_reinforced": max(_last_seen(i) for i in group),
    }
    sources = observations.unite_sources(i.get("sources") or [] for i in group)
    if sources:
        sets["sources"] = sources
    recalled = sum(int(i.get("recall_count", 0) or 0) for i in group)
    if recalled:
        sets["recall_count"] = recalled
    removes: list[str] = []
    if any(i.get("memory_tier") == MemoryTier.LONG_TERM.value for i in group):
        sets["memory_tier"] = MemoryTier.LONG_TERM.value
        removes += ["ttl", "tier_pk"]
        promoted = [i for i in group if i.get("promoted")]
        if promoted and not group[0].get("promoted"):
            sets["promoted"] = True
            sets["promoted_at"] = promoted[0].get("promoted_at") or iso(now)
    else:
        ttls = [int(i["ttl"]) for i in group if i.get("ttl") is not None]
        if ttls:
            sets["ttl"] = max(ttls)
    return sets, removes


def plan_drops(items: Sequence[Item], excess: int, summarised: frozenset[str]) -> list[Item]:
    """The ``excess`` observations to drop (module docstring)."""
    if excess <= 0:
        return []
    return sorted(items, key=lambda i: drop_order(i, summarised))[:excess]
