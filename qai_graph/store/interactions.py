"""Interaction items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qai_graph.models import Channel, EntityType, Interaction, MemoryTier
from qai_graph.store import keys
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.expressions import tx_put
from qai_graph.store.items import short_term_attributes, trust_attributes, trust_fields


def interaction_item(interaction: Interaction, key: str, index_shards: int) -> dict[str, Any]:
    """Interaction -> item in its player's partition."""
    pk = keys.PLAYER_PREFIX + key
    assert interaction.ttl is not None
    return {
        "pk": pk,
        "sk": keys.interaction_sk(interaction.interaction_id),
        "entity_type": EntityType.INTERACTION.value,
        "memory_tier": MemoryTier.SHORT_TERM.value,
        "interaction_id": interaction.interaction_id,
        "timestamp": iso(interaction.timestamp),
        "player": interaction.player,
        "channel": interaction.channel.value,
        "message": interaction.message,
        "qai_response": interaction.qai_response,
        "sentiment": interaction.sentiment,
        "context": interaction.context,
        "session_id": interaction.session_id,
        **({"line_id": interaction.line_id} if interaction.line_id else {}),
        **trust_attributes(
            interaction.flag,
            interaction.flag_reasons,
            private=interaction.private,
            hidden=interaction.hidden,
        ),
        **short_term_attributes(pk, interaction.ttl, index_shards),
    }


def interaction_from_item(item: Mapping[str, Any]) -> Interaction:
    """Item -> Interaction."""
    return Interaction(
        interaction_id=item["interaction_id"],
        timestamp=parse_iso(item["timestamp"]),
        player=item["player"],
        channel=Channel(item["channel"]),
        message=item["message"],
        qai_response=item.get("qai_response"),
        sentiment=item.get("sentiment"),
        context=item.get("context") or {},
        memory_tier=MemoryTier(item.get("memory_tier", MemoryTier.SHORT_TERM.value)),
        ttl=item.get("ttl"),
        session_id=item.get("session_id"),
        line_id=item.get("line_id"),
        private=bool(item.get("private", False)),
        **trust_fields(item),
    )


def put_new(
    interaction: Interaction,
    key: str,
    index_shards: int,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Transaction item: the new interaction (plus ``extra`` attributes)."""
    item = {**interaction_item(interaction, key, index_shards), **(extra or {})}
    # attribute_not_exists: ids are random, so this only guards against a replayed id.
    return tx_put(item, "attribute_not_exists(pk)")
