"""Pending formation: one item per exchange QAI has yet to learn from.

Written in the same transaction as the interaction (or the backfilled line), so a crash
or a restart never skips an exchange. It lives in the player's partition (forgetting the
player erases it) and in the entity-type-index under ``FORMING#<n>``, so any replica, or
consolidation, can find the work another replica left. Finishing deletes it in the same
transaction as what formation wrote: each exchange is formed exactly once.

A replica that takes over another's work first claims it with a lease (``lease_by``,
``lease_until``); the finishing delete holds only for the claimant, or for the replica
that wrote it while nobody has claimed it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.expressions import Expr, tx_delete, tx_put
from qai_graph.store.table import ENTITY_TYPE_INDEX

ENTITY = "FORMING"
MAX_EARLIER = 4  # turns of context kept with a pending exchange
MAX_EARLIER_CHARS = 400


@dataclass(frozen=True)
class PendingExchange:
    """An exchange waiting for formation, as stored."""

    key: str  # the player's key
    player: str  # display name
    interaction_id: str
    at: datetime
    message: str
    reply: str | None
    channel: str
    session_id: str | None
    earlier: tuple[tuple[str, str], ...]  # (speaker, text), oldest first
    line_id: str | None = None
    lease_by: str | None = None
    lease_until: float | None = None

    @property
    def item_key(self) -> tuple[str, str]:
        """(pk, sk) of the pending item."""
        return keys.player_partition(self.key), keys.forming_sk(self.interaction_id)


def pending_item(pending: PendingExchange, shards: int) -> dict[str, Any]:
    """PendingExchange -> item (in the player's partition and the entity-type-index)."""
    pk, sk = pending.item_key
    item: dict[str, Any] = {
        "pk": pk,
        "sk": sk,
        "entity_type": ENTITY,
        "type_pk": keys.forming_index_pk(pending.key, shards),
        "type_sk": pending.interaction_id,
        "player_key": pending.key,
        "player": pending.player,
        "interaction_id": pending.interaction_id,
        "at": iso(pending.at),
        "message": pending.message,
        "channel": pending.channel,
        "earlier": [
            {"s": speaker, "t": text[:MAX_EARLIER_CHARS]}
            for speaker, text in pending.earlier[-MAX_EARLIER:]
        ],
    }
    if pending.reply:
        item["reply"] = pending.reply
    if pending.session_id:
        item["session_id"] = pending.session_id
    if pending.line_id:
        item["line_id"] = pending.line_id
    return item


def pending_from_item(item: Mapping[str, Any]) -> PendingExchange:
    """Item -> PendingExchange."""
    lease = item.get("lease_until")
    return PendingExchange(
        key=item["player_key"],
        player=item["player"],
        interaction_id=item["interaction_id"],
        at=parse_iso(item["at"]),
        message=item.get("message", ""),
        reply=item.get("reply"),
        channel=item.get("channel", "twitch"),
        session_id=item.get("session_id"),
        earlier=tuple((str(e["s"]), str(e["t"])) for e in item.get("earlier") or []),
        line_id=item.get("line_id"),
        lease_by=item.get("lease_by"),
        lease_until=float(lease) if lease is not None else None,
    )


def put_pending(pending: PendingExchange, shards: int) -> dict[str, Any]:
    """Transaction item: the pending formation (never over one already there)."""
    return tx_put(pending_item(pending, shards), "attribute_not_exists(pk)")


def finish(pending: PendingExchange, owner: str) -> dict[str, Any]:
    """Transaction item: delete the pending formation, only while it is still ours.

    Ours: unclaimed (the replica that wrote it forms it), or claimed by ``owner``. Another
    replica's claim cancels the whole transaction, so nothing formed is written twice.
    """
    pk, sk = pending.item_key
    expr = Expr()
    condition = (
        f"attribute_exists(pk) AND (attribute_not_exists({expr.name('lease_by')}) "
        f"OR {expr.name('lease_by')} = {expr.value(owner)})"
    )
    return tx_delete(pk, sk, condition, expr)


async def claim(
    db: DynamoClient, pending: PendingExchange, owner: str, now: float, lease_s: float
) -> bool:
    """Take over a pending formation for ``lease_s`` seconds; False when gone or held."""
    pk, sk = pending.item_key
    expr = Expr()
    update = (
        f"SET {expr.name('lease_by')} = {expr.value(owner)}, "
        f"{expr.name('lease_until')} = {expr.value(round(now + lease_s, 3))}"
    )
    condition = (
        f"attribute_exists(pk) AND (attribute_not_exists({expr.name('lease_until')}) "
        f"OR {expr.name('lease_until')} < {expr.value(round(now, 3))} "
        f"OR {expr.name('lease_by')} = {expr.value(owner)})"
    )
    try:
        await db.update(pk, sk, update, expr, condition=condition)
    except ConditionFailed:
        return False
    return True


async def release(db: DynamoClient, pending: PendingExchange, owner: str) -> bool:
    """Give back a claim of ``owner``'s (a replica closing mid-run), so the next sweep
    need not wait out the lease; False when the work is gone or no longer ours."""
    pk, sk = pending.item_key
    expr = Expr()
    update = f"REMOVE {expr.name('lease_by')}, {expr.name('lease_until')}"
    condition = f"attribute_exists(pk) AND {expr.name('lease_by')} = {expr.value(owner)}"
    try:
        await db.update(pk, sk, update, expr, condition=condition)
    except ConditionFailed:
        return False
    return True


async def oldest_pending(
    db: DynamoClient, shards: int, limit: int, before: str | None = None
) -> list[PendingExchange]:
    """Up to ``limit`` pending formations, oldest first across the shards.

    ``before``: only exchanges whose interaction id sorts before it (ids are time-ordered,
    so a sweep can leave the newest to the replica that wrote them).
    """
    found: list[PendingExchange] = []
    for index_pk in keys.forming_index_pks(shards):
        expr = Expr()
        condition = f"{expr.name('type_pk')} = {expr.value(index_pk)}"
        if before is not None:
            condition += f" AND {expr.name('type_sk')} < {expr.value(before)}"
        items, _ = await db.query(
            IndexName=ENTITY_TYPE_INDEX,
            KeyConditionExpression=condition,
            Limit=limit,
            **expr.params(),
        )
        found.extend(pending_from_item(i) for i in items)
    found.sort(key=lambda p: p.interaction_id)
    return found[:limit]


async def count_pending(db: DynamoClient, shards: int) -> int:
    """How many formations are pending (every shard; for metrics and tests)."""
    total = 0
    for index_pk in keys.forming_index_pks(shards):
        expr = Expr()
        async for page in db.query_all(
            IndexName=ENTITY_TYPE_INDEX,
            KeyConditionExpression=f"{expr.name('type_pk')} = {expr.value(index_pk)}",
            ProjectionExpression="pk",
            **expr.params(),
        ):
            total += len(page)
    return total


def earlier_turns(messages: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The last turns of context as stored with a pending exchange."""
    return tuple((s, t[:MAX_EARLIER_CHARS]) for s, t in messages[-MAX_EARLIER:])
