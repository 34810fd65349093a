"""Shared helpers for item layouts: liveness, short-term index attributes, key-range pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from qai_graph.store import keys
from qai_graph.store.client import DynamoClient
from qai_graph.store.expressions import Expr

# What an answer reads of a memory item (an interaction, an observation, a profile):
# everything recall's ``Memory`` and its turns, and a player context (prompts, the
# dashboard) show, and what decides whether the asker may see it. Not the vector, nor a
# session summary's ``summary_parts`` (consolidation's own record of what the summary
# kept): together ~2/3 of a summary's bytes, so reading them tripled recall's read (~70 KB
# for 15 summaries, 12 ms p50 in the emulator) and a player context's, and their read
# units on DynamoDB (paid per 4 KB of each item). tests/integration/test_recall_answers.py
# fails when an attribute an answer reads is missing here.
ANSWER_ATTRIBUTES = (
    "pk", "sk", "entity_type", "ttl", "memory_tier", "timestamp", "subject", "player",
    "flag", "flag_reasons", "hidden", "private", "moderation_version",
    # interactions
    "interaction_id", "channel", "message", "qai_response", "sentiment", "context",
    "session_id", "line_id",
    # observations
    "observation_id", "content", "category", "confidence", "evidence_count", "promoted",
    "last_reinforced", "sources", "formed_by", "superseded_by", "superseded_at",
    "summary_key",
    # profiles
    "name", "first_seen", "last_seen", "total_interactions", "total_solutions",
    "pattern_counts", "preferred_patterns", "average_fidelity", "fidelity_sum",
    "time_ms_sum", "play_style", "sentiment_score", "helpfulness_score",
    "memorable_moments", "banned",
)  # fmt: skip


def is_live(item: Mapping[str, Any], now_epoch: int) -> bool:
    """False once an item's ttl has passed: DynamoDB deletes late, emulators never."""
    ttl = item.get("ttl")
    return ttl is None or int(ttl) > now_epoch


def short_term_attributes(pk: str, ttl: int, index_shards: int) -> dict[str, Any]:
    """The sparse memory-tier-index attributes of a short-term item."""
    return {"ttl": ttl, "tier_pk": keys.tier_index_pk(pk, index_shards)}


async def page_by_prefix(
    db: DynamoClient,
    pk: str,
    prefix: str,
    first: int,
    after_sk: str | None,
    keep: Callable[[dict[str, Any]], bool],
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest-first page of items whose sk starts with ``prefix``, after ``after_sk``.

    Expiry and filters are applied here, not with a FilterExpression, because DynamoDB
    applies ``Limit`` before the filter and a page would come back short. Returns the
    items and the sk to continue after (None on the last page).
    """
    expr = Expr()
    upper = after_sk if after_sk is not None else prefix + "\uffff"
    condition = (
        f"{expr.name('pk')} = {expr.value(pk)} AND "
        f"{expr.name('sk')} BETWEEN {expr.value(prefix)} AND {expr.value(upper)}"
    )
    kept: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while len(kept) <= first:
        params: dict[str, Any] = {
            "KeyConditionExpression": condition,
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": first + 1 - len(kept) + 8,  # a little slack for expired items
            **expr.params(),
        }
        if start:
            params["ExclusiveStartKey"] = start
        items, start = await db.query(**params)
        kept.extend(i for i in items if i["sk"] != after_sk and keep(i))
        if not start:
            break
    page = kept[:first]
    next_sk = page[-1]["sk"] if len(kept) > first and page else None
    return page, next_sk


def trust_attributes(
    flag: str | None, reasons: Sequence[str], *, private: bool = False, hidden: bool = False
) -> dict[str, Any]:
    """The trust attributes of a memory item, only those set (clean items stay as they were)."""
    attributes: dict[str, Any] = {}
    if flag:
        attributes["flag"] = flag
        attributes["flag_reasons"] = list(reasons)
    if private:
        attributes["private"] = True
    if hidden:
        attributes["hidden"] = True
    return attributes


def trust_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """The trust attributes of an item as model fields (absent: clean, public, shown)."""
    return {
        "flag": item.get("flag") or None,
        "flag_reasons": [str(r) for r in item.get("flag_reasons") or []],
        "hidden": bool(item.get("hidden", False)),
    }
