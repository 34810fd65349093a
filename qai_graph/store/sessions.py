"""Session items (working memory), written with optimistic concurrency on ``version``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qai_graph.models import EntityType, MemoryTier, SessionContext, SessionMessage
from qai_graph.store import keys
from qai_graph.store.client import ConditionFailed, DynamoClient
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.expressions import Expr, tx_put
from qai_graph.store.items import is_live, short_term_attributes


def session_from_item(item: Mapping[str, Any]) -> tuple[SessionContext, int]:
    """Item -> (SessionContext, version)."""
    messages = [
        SessionMessage(
            role=m["role"],
            content=m["content"],
            timestamp=parse_iso(m["timestamp"]),
            speaker=m.get("speaker"),
        )
        for m in item.get("recent_messages") or []
    ]
    session = SessionContext(
        session_id=item["session_id"],
        started_at=parse_iso(item["started_at"]),
        last_active_at=parse_iso(item["last_active_at"]),
        player=item.get("player"),
        recent_messages=messages,
        current_topic=item.get("current_topic"),
        pending_questions=list(item.get("pending_questions") or []),
        expires_at=item.get("ttl"),
    )
    return session, int(item.get("version", 0))


def session_item(session: SessionContext, version: int, index_shards: int) -> dict[str, Any]:
    """SessionContext -> item; its ttl is the sliding expiry."""
    pk = keys.session_pk(session.session_id)
    assert session.expires_at is not None
    return {
        "pk": pk,
        "sk": keys.STATE_SK,
        "entity_type": EntityType.SESSION.value,
        "memory_tier": MemoryTier.WORKING.value,
        "session_id": session.session_id,
        "started_at": iso(session.started_at),
        "last_active_at": iso(session.last_active_at),
        "player": session.player,
        "recent_messages": [
            {
                "role": m.role,
                "content": m.content,
                "timestamp": iso(m.timestamp),
                **({"speaker": m.speaker} if m.speaker else {}),
            }
            for m in session.recent_messages
        ],
        "current_topic": session.current_topic,
        "pending_questions": session.pending_questions,
        "version": version,
        **short_term_attributes(pk, session.expires_at, index_shards),
    }


async def read(
    db: DynamoClient, session_id: str, now_epoch: int
) -> tuple[SessionContext, int] | None:
    """The live session and its version, or None (absent or expired)."""
    item = await db.get(keys.session_pk(session_id), keys.STATE_SK)
    if item is None or not is_live(item, now_epoch):
        return None
    return session_from_item(item)


def _condition(expected_version: int | None, now_epoch: int, expr: Expr) -> tuple[str, int]:
    """The write's condition and the version it writes."""
    if expected_version is None:
        # New session: none may exist, or only an expired one we replace.
        return f"attribute_not_exists(pk) OR {expr.name('ttl')} < {expr.value(now_epoch)}", 1
    # version as read: two writers appending messages at once never lose one.
    return f"{expr.name('version')} = {expr.value(expected_version)}", expected_version + 1


async def write(
    db: DynamoClient,
    session: SessionContext,
    expected_version: int | None,
    now_epoch: int,
    index_shards: int,
) -> bool:
    """Write the session if nobody else did since we read it; False on a lost race."""
    expr = Expr()
    condition, version = _condition(expected_version, now_epoch, expr)
    try:
        await db.put(session_item(session, version, index_shards), condition=condition, expr=expr)
    except ConditionFailed:
        return False
    return True


def write_in_transaction(
    session: SessionContext, expected_version: int | None, now_epoch: int, index_shards: int
) -> tuple[dict[str, Any], int]:
    """The same write as a transaction item, and the version it writes; the transaction
    is cancelled if somebody else wrote the session since ``expected_version``."""
    expr = Expr()
    condition, version = _condition(expected_version, now_epoch, expr)
    return tx_put(session_item(session, version, index_shards), condition, expr), version
