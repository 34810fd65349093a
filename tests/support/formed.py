"""Formed observations for the read side's tests, written as formation stores them.

The formation engine (memory/formation) is not what these tests check: they put an
observation item with provenance (and, for a supersession, ``superseded_by``) straight
into the table, and give it to the replica's recall index as a write of its own would.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from qai_graph.memory.content import normalise_content
from qai_graph.memory.service import MemoryService
from qai_graph.models import (
    MemoryTier,
    Observation,
    ObservationCategory,
    ObservationSource,
)
from qai_graph.store import keys
from qai_graph.store.observations import observation_item

NOW = datetime.now(UTC).replace(microsecond=0)


def source(
    interaction_id: str | None, line_id: str | None = None, days: float = 1.0
) -> ObservationSource:
    """A source said ``days`` ago."""
    return ObservationSource(
        interaction_id=interaction_id, line_id=line_id, at=NOW - timedelta(days=days)
    )


async def put_formed(
    service: MemoryService,
    player: str,
    content: str,
    *,
    sources: list[ObservationSource] | None = None,
    formed_by: str | None = "local",
    superseded_by: str | None = None,
    category: ObservationCategory = ObservationCategory.PREFERENCE,
    days: float = 1.0,
    confidence: float = 0.5,
    session_id: str | None = "stream-1",
    **more: Any,
) -> Observation:
    """Store an observation of ``player`` as formation would; returns it."""
    key = keys.player_key(player)
    observation = Observation(
        observation_id=keys.new_time_id(time.time() - days * 86400),
        timestamp=NOW - timedelta(days=days),
        subject=keys.player_partition(key),
        content=content,
        category=category,
        confidence=confidence,
        memory_tier=MemoryTier.SHORT_TERM,
        ttl=int(time.time()) + service.config.short_term_ttl,
        sources=sources if sources is not None else [source(f"i-{content[:6]}", days=days)],
        formed_by=formed_by,
        session_id=session_id,
        superseded_by=superseded_by,
        superseded_at=NOW if superseded_by else None,
        **more,
    )
    item = observation_item(
        observation,
        observation.subject,
        keys.dedup_sk(normalise_content(content)),
        service.config.tier_index_shards,
    )
    item.update(await service.recall_index.vector_attributes(content))
    await service.store.put(item)
    service.recall_index.observe(item)
    return observation


async def supersede(service: MemoryService, old: Observation, new: Observation) -> Observation:
    """Mark ``old`` superseded by ``new`` (as formation does: the item updated in place)."""
    marked = old.model_copy(update={"superseded_by": new.observation_id, "superseded_at": NOW})
    item = observation_item(
        marked,
        marked.subject,
        keys.dedup_sk(normalise_content(marked.content)),
        service.config.tier_index_shards,
    )
    item.update(await service.recall_index.vector_attributes(marked.content))
    await service.store.put(item)
    service.recall_index.observe(item)
    return marked


async def stored_item(service: MemoryService, observation: Observation) -> dict[str, Any]:
    """The observation's item as the table holds it now."""
    found = await service.store.batch_get(
        [(observation.subject, keys.observation_sk(observation.observation_id))]
    )
    assert len(found) == 1
    return found[0]
