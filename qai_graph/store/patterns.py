"""Pattern stats items (``PATTERN#<id>`` / ``STATS``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from qai_graph.models import EntityType, PatternStats
from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.expressions import Expr, tx_update

TOP_PLAYERS = 10


def stats_update(
    pattern_id: str,
    gate_sequence: Sequence[str],
    display: str,
    fidelity: float,
    time_ms: int,
    now: datetime,
) -> dict[str, Any]:
    """Transaction item: one more solution of the pattern; the first solver is its discoverer."""
    expr = Expr()

    def keep_first(name: str, value: Any) -> str:
        placeholder = expr.name(name)
        return f"{placeholder} = if_not_exists({placeholder}, {expr.value(value)})"

    update = (
        "SET "
        + ", ".join(
            [
                keep_first("gate_sequence", list(gate_sequence)),
                keep_first("discovered_by", display),
                keep_first("discovered_at", iso(now)),
                keep_first("top_counts", {}),
                keep_first("top_version", 0),
                f"{expr.name('pattern_id')} = {expr.value(pattern_id)}",
                f"{expr.name('entity_type')} = {expr.value(EntityType.PATTERN.value)}",
                f"{expr.name('type_pk')} = {expr.value(keys.pattern_index_pk())}",
                f"{expr.name('type_sk')} = {expr.value(pattern_id)}",
                f"{expr.name('updated_at')} = {expr.value(iso(now))}",
            ]
        )
        + f" ADD {expr.name('times_observed')} {expr.value(1)}, "
        f"{expr.name('fidelity_sum')} {expr.value(fidelity)}, "
        f"{expr.name('time_ms_sum')} {expr.value(time_ms)}"
    )
    return tx_update(keys.pattern_pk(pattern_id), keys.STATS_SK, update, expr)


def pattern_from_item(item: Mapping[str, Any]) -> PatternStats:
    """Item -> PatternStats with exact averages and the top players by solutions."""
    times = int(item.get("times_observed", 0))
    top: Mapping[str, Mapping[str, Any]] = item.get("top_counts") or {}
    ranked = sorted(top.values(), key=lambda e: (-int(e["count"]), e["name"]))[:TOP_PLAYERS]
    discovered = item.get("discovered_at")
    return PatternStats(
        pattern_id=item["pattern_id"],
        gate_sequence=list(item.get("gate_sequence") or []),
        times_observed=times,
        average_fidelity=min(1.0, float(item.get("fidelity_sum", 0)) / times) if times else 0.0,
        average_time_ms=round(float(item.get("time_ms_sum", 0)) / times) if times else 0,
        top_players=[e["name"] for e in ranked],
        discovered_by=item.get("discovered_by"),
        discovered_at=parse_iso(discovered) if discovered else None,
    )


async def get(db: DynamoClient, pattern_id: str) -> dict[str, Any] | None:
    """The raw stats item."""
    return await db.get(keys.pattern_pk(pattern_id), keys.STATS_SK)


async def offer_top_player(
    db: DynamoClient, item: Mapping[str, Any], key: str, display: str, count: int
) -> bool:
    """Put a player into the top list if their count earns it; False on a lost race."""
    top: dict[str, Any] = dict(item.get("top_counts") or {})
    top[key] = {"name": display, "count": count}
    ranked = sorted(top.items(), key=lambda kv: (-int(kv[1]["count"]), kv[0]))[:TOP_PLAYERS]
    new_top = dict(ranked)
    if new_top == (item.get("top_counts") or {}):
        return True
    version = int(item.get("top_version", 0))
    expr = Expr()
    update = (
        f"SET {expr.name('top_counts')} = {expr.value(new_top)}, "
        f"{expr.name('top_version')} = {expr.value(version + 1)}"
    )
    try:
        # top_version as read: concurrent solvers re-read instead of overwriting each other.
        await db.update(
            item["pk"],
            item["sk"],
            update,
            expr,
            condition=f"{expr.name('top_version')} = {expr.value(version)}",
        )
    except ConditionFailed:
        return False
    return True


async def average_times(db: DynamoClient, pattern_ids: Sequence[str]) -> dict[str, float]:
    """Each pattern's average solution time (ms) over every solver; absent when unknown."""
    expr = Expr()
    projection = ", ".join(expr.name(a) for a in ("pattern_id", "times_observed", "time_ms_sum"))
    items = await db.batch_get(
        [(keys.pattern_pk(p), keys.STATS_SK) for p in pattern_ids],
        projection=projection,
        names=expr.names,
    )
    return {
        str(i["pattern_id"]): float(i.get("time_ms_sum", 0)) / int(i["times_observed"])
        for i in items
        if int(i.get("times_observed", 0)) > 0
    }
