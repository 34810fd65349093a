"""Backfilled-line markers: one item per line of chat history already applied.

A marker ``BACKFILL#<line id>`` lives in the line's player partition (forgetting the
player erases it with everything else) and is written, conditionally, in the same
transaction as the line's effects: a line is applied exactly once however often its
file is replayed, and a line applied before cancels its transaction and nothing else.
Markers have no ttl (a replay after the interaction expired must still see them) and no
index attributes (nothing lists them).

Also here: the profile writes of a batch of lines (:func:`backfilled_profile` for a
player met first in history, :func:`backfill_touch` for a known one), kept apart from
store/players.py, whose ``touch_update`` is the live path's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from qai_graph.store import keys
from qai_graph.store.client import DynamoClient
from qai_graph.store.codec import iso
from qai_graph.store.expressions import Expr, tx_put, tx_update
from qai_graph.store.players import profile_item

ENTITY = "BACKFILL_LINE"


def marker_key(key: str, line_id: str) -> tuple[str, str]:
    """(pk, sk) of a line's marker in its player's partition."""
    return keys.player_partition(key), keys.line_sk(line_id)


def put_marker(
    key: str, line_id: str, interaction_id: str, at: datetime, applied_at: datetime, run: str
) -> dict[str, Any]:
    """Transaction item: the line's marker (never over one already there).

    ``run`` names the backfill run that wrote it: a run whose transaction timed out reads
    the markers again and tells its own lines (applied) from another run's (skipped).
    """
    pk, sk = marker_key(key, line_id)
    item = {
        "pk": pk,
        "sk": sk,
        "entity_type": ENTITY,
        "line_id": line_id,
        "interaction_id": interaction_id,
        "at": iso(at),
        "applied_at": iso(applied_at),
        "run": run,
    }
    # attribute_not_exists: a line applied before (an earlier run, a concurrent one)
    # cancels the transaction, and the caller retries without that line.
    return tx_put(item, "attribute_not_exists(pk)")


async def read_state(
    db: DynamoClient, refs: Iterable[tuple[str, str]], player_keys: Iterable[str]
) -> tuple[dict[tuple[str, str], str], dict[str, dict[str, Any]]]:
    """One batch read (per 100 keys): the (player key, line id) pairs that have a marker,
    with the run that wrote it, and the profile items of these players (keyed by player
    key; absent when new)."""
    wanted = {marker_key(key, line_id): (key, line_id) for key, line_id in refs}
    profiles = {(keys.player_partition(k), keys.PROFILE_SK): k for k in player_keys}
    found = await db.batch_get([*wanted, *profiles])
    done: dict[tuple[str, str], str] = {}
    known: dict[str, dict[str, Any]] = {}
    for item in found:
        at = keys.item_key(item)
        if at in wanted:
            done[wanted[at]] = str(item.get("run", ""))
        elif at in profiles:
            known[profiles[at]] = item
    return done, known


def backfilled_profile(
    display: str,
    key: str,
    first: datetime,
    last: datetime,
    interactions: int,
    now: datetime,
    player_shards: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Transaction item creating a player met first in backfilled history, and the item.

    ``first_seen`` is their earliest line, ``last_seen`` their latest; the caller counts
    the player once (evolution's ``unique_players_met``) in the same transaction.
    """
    item = profile_item(display, key, first, player_shards)
    stamp = iso(last)
    item.update(
        last_seen=stamp,
        updated_at=iso(now),
        total_interactions=interactions,
        type_sk=keys.recency_sort_key(stamp, key),
    )
    # attribute_not_exists: a player created meanwhile (a live message, another run)
    # cancels the transaction; the caller reads the profile again and touches it instead.
    return tx_put(item, "attribute_not_exists(pk)"), item


def backfill_touch(
    known: Mapping[str, Any],
    display: str,
    first: datetime,
    last: datetime,
    interactions: int,
    now: datetime,
    player_shards: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Transaction item adding backfilled lines to a known player, and the item after.

    History may be older than what the profile knows: ``last_seen`` (and the name, the
    recency key and the index shard with it) moves only forward and ``first_seen`` only
    back, each under a condition on the value read (``known``), so a concurrent write
    that moved it further cancels the transaction instead of being undone.
    """
    key = str(known["player_key"])
    expr = Expr()
    sets = [f"{expr.name('updated_at')} = {expr.value(iso(now))}"]
    conditions = ["attribute_exists(pk)"]
    after = dict(known)
    after["updated_at"] = iso(now)
    after["total_interactions"] = int(known.get("total_interactions", 0)) + interactions
    last_stamp, first_stamp = iso(last), iso(first)
    if last_stamp > str(known["last_seen"]):
        index_pk = keys.player_index_pk(key, player_shards)
        recency = keys.recency_sort_key(last_stamp, key)
        sets += [
            f"{expr.name('last_seen')} = {expr.value(last_stamp)}",
            f"{expr.name('name')} = {expr.value(display)}",
            f"{expr.name('type_sk')} = {expr.value(recency)}",
            f"{expr.name('type_pk')} = {expr.value(index_pk)}",
        ]
        # last_seen < ours: a live message seen meanwhile keeps its later time.
        conditions.append(f"{expr.name('last_seen')} < {expr.value(last_stamp)}")
        after.update(last_seen=last_stamp, name=display, type_sk=recency, type_pk=index_pk)
    if first_stamp < str(known["first_seen"]):
        sets.append(f"{expr.name('first_seen')} = {expr.value(first_stamp)}")
        # first_seen > ours: another run that reached further back keeps its time.
        conditions.append(f"{expr.name('first_seen')} > {expr.value(first_stamp)}")
        after["first_seen"] = first_stamp
    update = (
        "SET " + ", ".join(sets) + f" ADD {expr.name('total_interactions')} "
        f"{expr.value(interactions)}"
    )
    item = tx_update(
        keys.PLAYER_PREFIX + key, keys.PROFILE_SK, update, expr, " AND ".join(conditions)
    )
    return item, after
