"""Moderation items: the queue of flagged memories, the moderation log, the ban list, the
markers that tell other replicas, and the writes that moderate a memory or a player.

| item                | pk                   | sk                              | ttl            |
| ------------------- | -------------------- | ------------------------------- | -------------- |
| flagged-memory queue| MODERATION#flagged   | FLAG#<time id>#<memory pk>#<sk> | the memory's   |
| moderation log      | MODERATION#audit     | AUDIT#<time id>                 | none (kept)    |
| ban list            | MODERATION#banned    | BAN#<player key>                | none           |
| moderation marker   | MODERATED#<time id>  | MARKER                          | longest memory |

- A memory that trust detection flags is written with its queue entry in the same
  transaction (one entry per memory), so moderators list what was flagged with one Query
  and nothing flagged can be missed by a crash in between.
- Every moderation is one transaction: the change on the memory (``hidden``, the flag
  removed, the item deleted) or on the profile (``banned``, ``ban_reason``, ``banned_at``,
  ``banned_by``), the queue or ban-list entry it settles, a marker and a log entry. The
  change is conditioned on ``moderation_version`` as read and sets it one higher, so two
  moderators acting at once are applied one after the other, never lost, and a retry of
  an applied change finds nothing left to do.
- The marker carries the target's key, its new version and its trust state after the
  change. Short-term with the longest memory ttl, it passes the recall index's poll of
  the memory-tier index (``recall_feed.changed_keys``) as forget markers do, so every
  replica's index applies it within its poll; the version orders markers that arrive
  together or after a copy of the memory made from an older read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qai_graph.models import EntityType
from qai_graph.store import keys
from qai_graph.store.client import DynamoClient
from qai_graph.store.expressions import Expr, tx_delete, tx_put, tx_update
from qai_graph.store.items import is_live, page_by_prefix, short_term_attributes

VERSION = "moderation_version"
BAN_ATTRIBUTES = ("banned", "ban_reason", "banned_at", "banned_by")
# What the queue's listing reads of each memory: is it still there, flagged, hidden.
_MEMORY_STATE = ("pk", "sk", "ttl", "flag", "hidden")


# --- the flagged-memory queue ------------------------------------------------------------


def flagged_entry(
    memory_pk: str,
    memory_sk: str,
    *,
    kind: str,
    player: str | None,
    flag: str,
    reasons: Sequence[str],
    text: str,
    timestamp: str,
    ttl: int | None,
) -> dict[str, Any]:
    """The queue entry of one flagged memory (it expires with the memory)."""
    item: dict[str, Any] = {
        "pk": keys.FLAGGED_PK,
        "sk": keys.flagged_sk(memory_pk, memory_sk),
        "entity_type": EntityType.FLAGGED.value,
        "memory_pk": memory_pk,
        "memory_sk": memory_sk,
        "kind": kind,
        "flag": flag,
        "flag_reasons": list(reasons),
        "text": text,
        "timestamp": timestamp,
    }
    if player is not None:
        item["player"] = player
    if ttl is not None:
        item["ttl"] = ttl
    return item


def put_flagged(entry: dict[str, Any]) -> dict[str, Any]:
    """Transaction item: the queue entry (a replayed write puts the same entry again)."""
    return tx_put(entry)


def drop_flagged(memory_pk: str, memory_sk: str) -> dict[str, Any]:
    """Transaction item: delete a memory's queue entry (nothing when it has none)."""
    return tx_delete(keys.FLAGGED_PK, keys.flagged_sk(memory_pk, memory_sk))


async def flagged_page(
    db: DynamoClient, first: int, after_sk: str | None, now_epoch: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest-first page of live queue entries, and the sk to continue after."""
    return await page_by_prefix(
        db, keys.FLAGGED_PK, keys.FLAGGED_PREFIX, first, after_sk, lambda i: is_live(i, now_epoch)
    )


async def memory_states(
    db: DynamoClient, wanted: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The trust state of the memories at these keys that still exist, by key."""
    if not wanted:
        return {}
    expr = Expr()
    projection = ", ".join(expr.name(a) for a in _MEMORY_STATE)
    found = await db.batch_get(wanted, projection=projection, names=expr.names)
    return {keys.item_key(i): i for i in found}


async def forget_player_entries(db: DynamoClient, key: str) -> int:
    """Delete a player's ban-list entry and the queue entries of their partition's
    memories (forgetting a player); returns how many queue entries went."""
    memory_pk = keys.player_partition(key)
    expr = Expr()
    queued: list[tuple[str, str]] = []
    async for page in db.query_all(
        KeyConditionExpression=f"{expr.name('pk')} = {expr.value(keys.FLAGGED_PK)}",
        ProjectionExpression=", ".join(expr.name(a) for a in ("pk", "sk", "memory_pk")),
        ConsistentRead=True,
        **expr.params(),
    ):
        queued.extend(keys.item_key(i) for i in page if i.get("memory_pk") == memory_pk)
    for pk, sk in queued:
        await db.delete(pk, sk)
    await db.delete(keys.BANNED_PK, keys.ban_sk(key))
    return len(queued)


# --- versioned changes -------------------------------------------------------------------


def version_of(item: Mapping[str, Any]) -> int:
    """How many moderations the item has seen (0: none)."""
    return int(item.get(VERSION, 0))


def _versioned(
    item: Mapping[str, Any], expr: Expr, sets: Sequence[str], removes: Sequence[str]
) -> dict[str, Any]:
    version = version_of(item)
    clauses = [f"{expr.name(VERSION)} = {expr.value(version + 1)}", *sets]
    update = "SET " + ", ".join(clauses)
    if removes:
        update += " REMOVE " + ", ".join(expr.name(a) for a in removes)
    # The version as read: of two moderators acting on one item at once, one wins and the
    # other re-reads, so no change is lost or applied twice, and markers are ordered.
    current = (
        f"{expr.name(VERSION)} = {expr.value(version)}"
        if version
        else f"attribute_not_exists({expr.name(VERSION)})"
    )
    condition = f"attribute_exists({expr.name('pk')}) AND {current}"
    return tx_update(item["pk"], item["sk"], update, expr, condition)


def hidden_update(item: Mapping[str, Any], hidden: bool) -> dict[str, Any]:
    """Transaction item: hide a memory (``hidden`` true) or show it again (removed)."""
    expr = Expr()
    if hidden:
        return _versioned(item, expr, [f"{expr.name('hidden')} = {expr.value(True)}"], [])
    return _versioned(item, expr, [], ["hidden"])


def release_update(item: Mapping[str, Any]) -> dict[str, Any]:
    """Transaction item: a moderator found a flagged memory fine; its flag is removed."""
    return _versioned(item, Expr(), [], ["flag", "flag_reasons"])


def ban_update(item: Mapping[str, Any], *, reason: str, at: str, by: str) -> dict[str, Any]:
    """Transaction item: set ``banned`` (and why, when, by whom) on a profile."""
    expr = Expr()
    sets = [
        f"{expr.name('banned')} = {expr.value(True)}",
        f"{expr.name('ban_reason')} = {expr.value(reason)}",
        f"{expr.name('banned_at')} = {expr.value(at)}",
        f"{expr.name('banned_by')} = {expr.value(by)}",
    ]
    return _versioned(item, expr, sets, [])


def unban_update(item: Mapping[str, Any]) -> dict[str, Any]:
    """Transaction item: remove a profile's ban."""
    return _versioned(item, Expr(), [], BAN_ATTRIBUTES)


def delete_memory(item: Mapping[str, Any]) -> dict[str, Any]:
    """Transaction item: delete a memory as read."""
    expr = Expr()
    version = version_of(item)
    current = (
        f"{expr.name(VERSION)} = {expr.value(version)}"
        if version
        else f"attribute_not_exists({expr.name(VERSION)})"
    )
    # attribute_exists and the version as read: deleted once, and never right after a
    # moderation this caller did not see (it re-reads and decides again).
    return tx_delete(
        item["pk"], item["sk"], f"attribute_exists({expr.name('pk')}) AND {current}", expr
    )


# --- the ban list ------------------------------------------------------------------------


def ban_entry(key: str, name: str, *, reason: str, since: str, by: str) -> dict[str, Any]:
    """Transaction item: a banned player's entry in the ban list."""
    return tx_put(
        {
            "pk": keys.BANNED_PK,
            "sk": keys.ban_sk(key),
            "entity_type": EntityType.BAN.value,
            "player_key": key,
            "name": name,
            "reason": reason,
            "since": since,
            "by": by,
        }
    )


def drop_ban_entry(key: str) -> dict[str, Any]:
    """Transaction item: remove a player from the ban list."""
    return tx_delete(keys.BANNED_PK, keys.ban_sk(key))


async def bans_page(
    db: DynamoClient, first: int, after_sk: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the ban list in key order, and the sk to continue after."""
    expr = Expr()
    condition = f"{expr.name('pk')} = {expr.value(keys.BANNED_PK)} AND " + (
        f"{expr.name('sk')} > {expr.value(after_sk)}"
        if after_sk
        else f"begins_with({expr.name('sk')}, {expr.value(keys.BAN_PREFIX)})"
    )
    # No filter, so Limit counts what is returned: one more than asked tells the next page.
    items, _ = await db.query(
        KeyConditionExpression=condition, ConsistentRead=True, Limit=first + 1, **expr.params()
    )
    page = items[:first]
    return page, (page[-1]["sk"] if len(items) > first else None)


# --- the moderation log ------------------------------------------------------------------


def audit_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Transaction item: one moderation log entry (``entry_id`` a new time id)."""
    item = {
        "pk": keys.AUDIT_PK,
        "sk": keys.audit_sk(entry["entry_id"]),
        "entity_type": EntityType.MODERATION.value,
        **{k: v for k, v in entry.items() if v is not None},
    }
    # attribute_not_exists: ids are random, so this only guards against a replayed id.
    return tx_put(item, "attribute_not_exists(pk)")


async def audit_page(
    db: DynamoClient, first: int, after_sk: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest-first page of the moderation log, and the sk to continue after."""
    return await page_by_prefix(db, keys.AUDIT_PK, keys.AUDIT_PREFIX, first, after_sk, bool)


# --- markers for other replicas ----------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A moderation as other replicas' recall indexes apply it."""

    target_pk: str
    target_sk: str
    version: int
    hidden: bool = False
    flag: str | None = None
    banned: bool = False
    deleted: bool = False


def marker_item(marker: Marker, time_id: str, ttl: int, index_shards: int) -> dict[str, Any]:
    """The marker as stored (short-term: swept like the memories it is about)."""
    pk = keys.moderation_marker_pk(time_id)
    item: dict[str, Any] = {
        "pk": pk,
        "sk": keys.MARKER_SK,
        "entity_type": EntityType.MODERATED.value,
        "target_pk": marker.target_pk,
        "target_sk": marker.target_sk,
        VERSION: marker.version,
        "hidden": marker.hidden,
        "banned": marker.banned,
        "deleted": marker.deleted,
        **short_term_attributes(pk, ttl, index_shards),
    }
    if marker.flag:
        item["flag"] = marker.flag
    return item


def put_marker(item: Mapping[str, Any]) -> dict[str, Any]:
    """Transaction item: a marker (its pk is a new time id, so it never overwrites one)."""
    return tx_put(item)


def is_marker(item: Mapping[str, Any]) -> bool:
    """True for a moderation marker (as written, or as the recall index's poll reads it)."""
    pk = item.get("pk")
    return isinstance(pk, str) and keys.is_moderation_marker_pk(pk)


def marker_of(item: Mapping[str, Any]) -> Marker:
    """The moderation a marker item carries."""
    return Marker(
        target_pk=str(item["target_pk"]),
        target_sk=str(item["target_sk"]),
        version=version_of(item),
        hidden=bool(item.get("hidden", False)),
        flag=item.get("flag") or None,
        banned=bool(item.get("banned", False)),
        deleted=bool(item.get("deleted", False)),
    )
