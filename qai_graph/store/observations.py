"""Observation items and their dedup guards.

A guard item ``DEDUP#<hash of normalised content>`` in the subject's partition names the
active observation with that content. It is written in the same transaction as the
observation, keeps the same ttl, and loses its ttl on promotion, so "is there an active
observation with this content?" is one conditional write, race-free across replicas.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from qai_graph.models import (
    EntityType,
    MemoryTier,
    Observation,
    ObservationCategory,
    ObservationSource,
)
from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.expressions import Expr, tx_put, tx_update
from qai_graph.store.items import short_term_attributes, trust_attributes, trust_fields

MAX_SOURCES = 64  # provenance kept per observation: the most recent exchanges
RECALL_WRITES_AT_ONCE = 8  # concurrent UpdateItems of one note_recalled call


def sources_attribute(sources: list[ObservationSource]) -> list[dict[str, str]]:
    """Provenance as stored: compact maps, the newest MAX_SOURCES."""
    stored: list[dict[str, str]] = []
    for source in sources[-MAX_SOURCES:]:
        entry: dict[str, str] = {}
        if source.interaction_id:
            entry["i"] = source.interaction_id
        if source.line_id:
            entry["l"] = source.line_id
        if source.at is not None:
            entry["t"] = iso(source.at)
        stored.append(entry)
    return stored


def unite_sources(groups: Iterable[Iterable[Mapping[str, str]]]) -> list[dict[str, str]]:
    """Stored provenance of several observations as one: each source once (by
    interaction and line id), in time order, the newest MAX_SOURCES."""
    seen: dict[tuple[str | None, str | None], dict[str, str]] = {}
    for sources in groups:
        for source in sources:
            seen.setdefault((source.get("i"), source.get("l")), dict(source))
    ordered = sorted(seen.values(), key=lambda s: (s.get("t", ""), s.get("i", ""), s.get("l", "")))
    return ordered[-MAX_SOURCES:]


def sources_from_attribute(value: Any) -> list[ObservationSource]:
    """Stored provenance -> sources."""
    return [
        ObservationSource(
            interaction_id=entry.get("i"),
            line_id=entry.get("l"),
            at=parse_iso(entry["t"]) if entry.get("t") else None,
        )
        for entry in value or []
    ]


def _formation_attributes(obs: Observation) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    if obs.sources:
        attributes["sources"] = sources_attribute(obs.sources)
    if obs.formed_by:
        attributes["formed_by"] = obs.formed_by
    if obs.session_id:
        attributes["session_id"] = obs.session_id
    if obs.superseded_by:
        attributes["superseded_by"] = obs.superseded_by
    if obs.superseded_at is not None:
        attributes["superseded_at"] = iso(obs.superseded_at)
    return attributes


def observation_item(obs: Observation, pk: str, dedup_sk: str, index_shards: int) -> dict[str, Any]:
    """Observation -> item in its subject's partition."""
    item: dict[str, Any] = {
        "pk": pk,
        "sk": keys.observation_sk(obs.observation_id),
        "entity_type": EntityType.OBSERVATION.value,
        "observation_id": obs.observation_id,
        "timestamp": iso(obs.timestamp),
        "subject": obs.subject,
        "content": obs.content,
        "category": obs.category.value,
        "confidence": obs.confidence,
        "evidence_count": obs.evidence_count,
        "promoted": obs.promoted,
        "memory_tier": obs.memory_tier.value,
        "dedup_sk": dedup_sk,
        **trust_attributes(obs.flag, obs.flag_reasons, hidden=obs.hidden),
        **_formation_attributes(obs),
    }
    if obs.ttl is not None:
        item.update(short_term_attributes(pk, obs.ttl, index_shards))
    return item


def observation_from_item(item: Mapping[str, Any]) -> Observation:
    """Item -> Observation."""
    reinforced = item.get("last_reinforced")
    return Observation(
        observation_id=item["observation_id"],
        timestamp=parse_iso(item["timestamp"]),
        subject=item["subject"],
        content=item["content"],
        category=ObservationCategory(item["category"]),
        confidence=min(1.0, max(0.0, float(item.get("confidence", 0.5)))),
        evidence_count=int(item.get("evidence_count", 1)),
        promoted=bool(item.get("promoted", False)),
        memory_tier=MemoryTier(item.get("memory_tier", MemoryTier.SHORT_TERM.value)),
        ttl=item.get("ttl"),
        last_reinforced=parse_iso(reinforced) if reinforced else None,
        **trust_fields(item),
        sources=sources_from_attribute(item.get("sources")),
        formed_by=item.get("formed_by"),
        session_id=item.get("session_id"),
        superseded_by=item.get("superseded_by"),
        superseded_at=parse_iso(item["superseded_at"]) if item.get("superseded_at") else None,
    )


def put_new(
    obs: Observation,
    pk: str,
    dedup_sk: str,
    index_shards: int,
    now_epoch: int,
    extra: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Transaction items: the observation (plus ``extra`` attributes) and its guard."""
    guard_expr = Expr()
    guard = {
        "pk": pk,
        "sk": dedup_sk,
        "entity_type": "DEDUP",
        "observation_sk": keys.observation_sk(obs.observation_id),
    }
    if obs.ttl is not None:
        guard.update(short_term_attributes(pk, obs.ttl, index_shards))
    # attribute_not_exists(pk) OR expired: an active observation with the same content
    # owns the guard; the store is then turned into a reinforcement of that one.
    guard_condition = (
        f"attribute_not_exists(pk) OR {guard_expr.name('ttl')} < {guard_expr.value(now_epoch)}"
    )
    return [
        tx_put(
            {**observation_item(obs, pk, dedup_sk, index_shards), **(extra or {})},
            "attribute_not_exists(pk)",
        ),
        tx_put(guard, guard_condition, guard_expr),
    ]


def reinforce_updates(
    item: Mapping[str, Any], now: datetime, new_ttl: int | None, step: Decimal
) -> list[dict[str, Any]]:
    """Transaction items: evidence +1, confidence +step capped at 1, ttl slid forward."""
    seen = Decimal(str(item.get("confidence", "0.5")))
    new_confidence = min(Decimal(1), seen + step)
    expr = Expr()
    sets = [
        f"{expr.name('confidence')} = {expr.value(new_confidence)}",
        f"{expr.name('last_reinforced')} = {expr.value(iso(now))}",
    ]
    if new_ttl is not None:
        sets.append(f"{expr.name('ttl')} = {expr.value(new_ttl)}")
    update = "SET " + ", ".join(sets) + f" ADD {expr.name('evidence_count')} {expr.value(1)}"
    # confidence and tier as read: a concurrent reinforce or promote makes this fail and
    # the caller re-reads, so each reinforcement adds exactly +1 evidence and +step.
    condition = (
        f"{expr.name('confidence')} = {expr.value(seen)} AND "
        f"{expr.name('memory_tier')} = {expr.value(item['memory_tier'])}"
    )
    updates = [tx_update(item["pk"], item["sk"], update, expr, condition)]
    if new_ttl is not None and item.get("dedup_sk"):
        updates.append(_guard_ttl(item["pk"], item["dedup_sk"], new_ttl))
    return updates


def _guard_ttl(pk: str, dedup_sk: str, new_ttl: int) -> dict[str, Any]:
    expr = Expr()
    return tx_update(pk, dedup_sk, f"SET {expr.name('ttl')} = {expr.value(new_ttl)}", expr)


def promote_updates(item: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Transaction items: LONG_TERM, promoted, no ttl, out of the tier index; guard kept."""
    expr = Expr()
    update = (
        f"SET {expr.name('promoted')} = {expr.value(True)}, "
        f"{expr.name('memory_tier')} = {expr.value(MemoryTier.LONG_TERM.value)}, "
        f"{expr.name('promoted_at')} = {expr.value(iso(now))} "
        f"REMOVE {expr.name('ttl')}, {expr.name('tier_pk')}"
    )
    # promoted = false and the tier as read: promoting twice changes nothing, and a
    # concurrent reinforce cannot re-add a ttl to a long-term memory.
    condition = (
        f"{expr.name('promoted')} = {expr.value(False)} AND "
        f"{expr.name('memory_tier')} = {expr.value(item['memory_tier'])}"
    )
    updates = [tx_update(item["pk"], item["sk"], update, expr, condition)]
    if item.get("dedup_sk"):
        guard_expr = Expr()
        updates.append(
            tx_update(
                item["pk"],
                item["dedup_sk"],
                f"REMOVE {guard_expr.name('ttl')}, {guard_expr.name('tier_pk')}",
                guard_expr,
            )
        )
    return updates


async def drop_guard(db: DynamoClient, pk: str, guard_sk: str, observation_sk: str | None) -> bool:
    """Delete a dedup guard only while it still names ``observation_sk`` (or, with None,
    names nothing): a guard another writer has re-pointed meanwhile is kept."""
    if observation_sk is None:
        return await db.delete(pk, guard_sk, condition="attribute_not_exists(observation_sk)")
    expr = Expr()
    return await db.delete(
        pk,
        guard_sk,
        condition=f"{expr.name('observation_sk')} = {expr.value(observation_sk)}",
        expr=expr,
    )


async def of_subject(db: DynamoClient, pk: str) -> list[dict[str, Any]]:
    """Every observation item of a subject (expired but unpruned ones too), oldest first."""
    expr = Expr()
    condition = (
        f"{expr.name('pk')} = {expr.value(pk)} AND "
        f"begins_with({expr.name('sk')}, {expr.value(keys.OBSERVATION_PREFIX)})"
    )
    found: list[dict[str, Any]] = []
    async for page in db.query_all(
        KeyConditionExpression=condition, ConsistentRead=True, **expr.params()
    ):
        found.extend(page)
    return found


def formation_updates(
    before: Observation, after: Observation, pk: str, dedup_sk: str | None, index_shards: int
) -> list[dict[str, Any]]:
    """Transaction items: move a stored observation from ``before`` (as read) to ``after``.

    Formation changes evidence, confidence, sources, expiry, supersession and tier. The
    condition holds only while the item is as read (a concurrent reinforce, promote or
    supersede cancels the transaction and formation re-reads), so nothing counts twice.
    """
    expr = Expr()
    sets = [
        f"{expr.name('confidence')} = {expr.value(Decimal(str(after.confidence)))}",
        f"{expr.name('evidence_count')} = {expr.value(after.evidence_count)}",
        f"{expr.name('sources')} = {expr.value(sources_attribute(after.sources))}",
    ]
    removes: list[str] = []
    if after.last_reinforced is not None:
        sets.append(f"{expr.name('last_reinforced')} = {expr.value(iso(after.last_reinforced))}")
    if after.superseded_by is not None and before.superseded_by is None:
        sets.append(f"{expr.name('superseded_by')} = {expr.value(after.superseded_by)}")
        if after.superseded_at is not None:
            sets.append(f"{expr.name('superseded_at')} = {expr.value(iso(after.superseded_at))}")
    promoted_now = after.promoted and not before.promoted
    if promoted_now:
        sets.append(f"{expr.name('promoted')} = {expr.value(True)}")
        sets.append(f"{expr.name('memory_tier')} = {expr.value(MemoryTier.LONG_TERM.value)}")
        promoted_at = iso(after.last_reinforced or after.timestamp)
        sets.append(f"{expr.name('promoted_at')} = {expr.value(promoted_at)}")
        removes = [expr.name("ttl"), expr.name("tier_pk")]
    elif after.ttl is not None and after.ttl != before.ttl:
        sets.append(f"{expr.name('ttl')} = {expr.value(after.ttl)}")
    update = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    condition = (
        f"{expr.name('confidence')} = {expr.value(Decimal(str(before.confidence)))} AND "
        f"{expr.name('evidence_count')} = {expr.value(before.evidence_count)} AND "
        f"{expr.name('memory_tier')} = {expr.value(before.memory_tier.value)} AND "
        f"attribute_not_exists({expr.name('superseded_by')})"
    )
    sk = keys.observation_sk(after.observation_id)
    updates = [tx_update(pk, sk, update, expr, condition)]
    if dedup_sk:
        guard = Expr()
        if promoted_now:
            updates.append(
                tx_update(
                    pk, dedup_sk, f"REMOVE {guard.name('ttl')}, {guard.name('tier_pk')}", guard
                )
            )
        elif after.ttl is not None and after.ttl != before.ttl and not after.promoted:
            updates.append(_guard_ttl(pk, dedup_sk, after.ttl))
    return updates


async def note_recalled(
    db: DynamoClient,
    keys_recalled: Iterable[tuple[str, str]] | Mapping[tuple[str, str], int],
    at: datetime,
) -> int:
    """Count recalls of observations: ``recall_count`` += how often each key was given
    (a mapping gives the counts), ``last_recalled`` = ``at``; one UpdateItem per item, a
    few at once. Returns how many items were updated (a deleted one is skipped).

    Usage, not memory: content, confidence, tier and ttl are untouched, so nothing that
    ranks, promotes or expires moves, and the recall index need not re-read the item."""
    counts = dict(keys_recalled) if isinstance(keys_recalled, Mapping) else Counter(keys_recalled)
    gate = asyncio.Semaphore(RECALL_WRITES_AT_ONCE)
    when = iso(at)

    async def one(pk: str, sk: str, count: int) -> bool:
        expr = Expr()
        update = (
            f"SET {expr.name('last_recalled')} = {expr.value(when)} "
            f"ADD {expr.name('recall_count')} {expr.value(count)}"
        )
        # attribute_exists(pk): an observation deleted since it was recalled (trimmed,
        # forgotten, its player erased) is not re-created as a stub of two attributes.
        async with gate:
            try:
                await db.update(pk, sk, update, expr, condition="attribute_exists(pk)")
            except ConditionFailed:
                return False
        return True

    done = await asyncio.gather(*(one(pk, sk, n) for (pk, sk), n in counts.items() if n > 0))
    return sum(done)
