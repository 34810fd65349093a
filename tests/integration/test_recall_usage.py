"""note_recalled over HTTP: one atomic ADD per item, a deleted observation never re-created."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from qai_graph.memory.service import MemoryService
from qai_graph.store import keys
from qai_graph.store.observations import note_recalled
from tests.support.helpers import scan_all


async def test_recalls_are_added_atomically_and_a_deleted_observation_stays_deleted(
    memory_service: MemoryService,
) -> None:
    obs = await memory_service.store_observation("PLAYER#Ada", "Ada collects qubits", "event")
    key = (obs.subject, keys.observation_sk(obs.observation_id))
    gone = (obs.subject, keys.observation_sk("0000000000000-000000000000"))
    at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    db = memory_service.recall_index.db
    # Two replicas flushing at once: both additions land (ADD, not read-modify-write).
    done = await asyncio.gather(
        note_recalled(db, [key, key, gone], at), note_recalled(db, {key: 3}, at)
    )
    assert done == [1, 1]
    items = await scan_all(memory_service)
    [item] = [i for i in items if i["sk"]["S"] == key[1]]
    assert item["recall_count"] == {"N": "5"}
    assert item["last_recalled"]["S"].startswith("2026-12-03T09:00")
    assert not [i for i in items if i["sk"]["S"] == gone[1]]
    # Usage only: the observation as the service reads it is unchanged.
    [again] = (await memory_service.list_observations("PLAYER#Ada")).items
    assert again == obs
