"""Moderation items: the queue of flagged memories.

A memory that trust detection flags is written with a queue entry in the same
transaction (``FLAGGED_PK``, one item per memory), so moderators list what was flagged
with one Query, newest last, and nothing flagged can be missed by a crash in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qai_graph.models import EntityType
from qai_graph.store import keys
from qai_graph.store.expressions import tx_put


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
