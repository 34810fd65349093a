"""Idempotency records: a retried write with the same key applies once.

A record lives in the partition it protects (a player's or a subject's), so forgetting
a player removes their records too. It holds a hash of the request and the first result,
and expires after ``idempotency_ttl``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qai_graph.errors import Conflict, InvalidInput
from qai_graph.store import keys
from qai_graph.store.client import DynamoClient
from qai_graph.store.expressions import Expr, tx_put
from qai_graph.store.items import is_live, short_term_attributes

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class IdempotencyClaim:
    """A claim on an idempotency key for one operation in one partition."""

    pk: str
    sk: str
    request_hash: str


def claim(pk: str, operation: str, key: str, request: Mapping[str, Any]) -> IdempotencyClaim:
    """Build the claim for a request; the hash covers every field that changes the result."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            f"idempotency_key must be 1-{MAX_KEY_LENGTH} characters", field="idempotency_key"
        )
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return IdempotencyClaim(
        pk=pk,
        sk=keys.idempotency_sk(operation, key),
        request_hash=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def put_record(
    c: IdempotencyClaim, result: Mapping[str, Any], ttl: int, now_epoch: int, index_shards: int
) -> dict[str, Any]:
    """Transaction item: the record, written with the operation it protects."""
    expr = Expr()
    item = {
        "pk": c.pk,
        "sk": c.sk,
        "entity_type": "IDEMPOTENCY",
        "request_hash": c.request_hash,
        "result": dict(result),
        **short_term_attributes(c.pk, ttl, index_shards),
    }
    # attribute_not_exists (or an expired record): the first writer of a key wins; a
    # retry finds the record and is answered from it instead of applying again.
    condition = f"attribute_not_exists(pk) OR {expr.name('ttl')} < {expr.value(now_epoch)}"
    return tx_put(item, condition, expr)


async def replay(db: DynamoClient, c: IdempotencyClaim, now_epoch: int) -> dict[str, Any] | None:
    """The first result for this key, or None if the record is gone; Conflict if reused."""
    item = await db.get(c.pk, c.sk)
    if item is None or not is_live(item, now_epoch):
        return None
    if item.get("request_hash") != c.request_hash:
        raise Conflict("this idempotency key was already used for a different request")
    result: dict[str, Any] = item.get("result") or {}
    return result
