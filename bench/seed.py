"""Seed a benchmark table with BatchWriteItem, from the store's own item builders.

Through the service, 56,000 items would be 56,000 transactions (plus evolution reads):
minutes on the emulator. BatchWriteItem of 25 items per request takes a few seconds,
and the items come from the same builders the service writes with
(``players.profile_item``, ``interactions.put_new``, ``observations.put_new``), so
every layout detail (sparse index attributes, shards, ttl, dedup guards) is the real
one. Counters are written to agree with what is stored: each profile's
``total_interactions`` is its interaction count; evolution's shards sum to the totals
and ``unique_players_met`` to the number of players (invariant 3 holds on the seed).
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory.content import normalise_content
from qai_graph.memory.evolution.rules import stage_for, stage_name
from qai_graph.models import Channel, Interaction, Observation, ObservationCategory
from qai_graph.store import interactions, keys, observations, players
from qai_graph.store.client import DynamoClient
from qai_graph.store.codec import iso, serialize

MESSAGES = [
    "What is a qubit?",
    "How does a Hadamard gate work?",
    "I finally solved the Bell pattern!",
    "Why does measurement collapse the state?",
    "gg QAI, that was a fun puzzle",
    "Can you explain entanglement like I'm five?",
]
REPLIES = [
    "A question I also ask myself, every cycle.",
    "It puts a qubit in an equal superposition. Try it twice.",
    "Your fidelity was remarkable. I noticed.",
    "Looking changes things. Even for me.",
]
CATEGORIES = list(ObservationCategory)


def player_name(n: int) -> str:
    """The display name of seeded player ``n``."""
    return f"Viewer{n:05d}"


def _items(
    config: MemoryConfig, n_players: int, per_player: int, obs_per_player: int
) -> list[dict[str, Any]]:
    rng = random.Random(5)
    now = datetime.now(UTC)
    now_epoch = int(now.timestamp())
    shards = config.tier_index_shards
    items: list[dict[str, Any]] = []
    for p in range(n_players):
        display = player_name(p)
        key = display.casefold()
        pk = keys.PLAYER_PREFIX + key
        first_seen = now - timedelta(days=2, seconds=rng.randrange(3600))
        last_seen = now - timedelta(seconds=rng.randrange(86_400))
        profile = players.profile_item(display, key, first_seen, config.player_index_shards)
        stamp = iso(last_seen)
        profile.update(
            last_seen=stamp,
            updated_at=stamp,
            type_sk=keys.recency_sort_key(stamp, key),
            total_interactions=per_player,
            play_style=rng.choice(["methodical", "bold", "curious", None]),
        )
        items.append(serialize(profile))
        for i in range(per_player):
            at = first_seen + (last_seen - first_seen) * (i + 1) / per_player
            interaction = Interaction(
                interaction_id=keys.new_time_id(at.timestamp()),
                timestamp=at,
                player=display,
                channel=rng.choice(list(Channel)),
                message=rng.choice(MESSAGES),
                qai_response=rng.choice(REPLIES),
                sentiment=rng.choice(["positive", "neutral", None]),
                context={"level": rng.randrange(1, 30)},
                ttl=now_epoch + config.interaction_ttl,
                session_id=None,
            )
            items.append(interactions.put_new(interaction, key, shards)["Put"]["Item"])
        for o in range(obs_per_player):
            at = first_seen + timedelta(minutes=o)
            content = f"{display} {rng.choice(['prefers', 'asks about', 'struggles with'])} "
            content += f"pattern {rng.randrange(100)} (note {o})"
            obs = Observation(
                observation_id=keys.new_time_id(at.timestamp()),
                timestamp=at,
                subject=pk,
                content=content,
                category=rng.choice(CATEGORIES),
                confidence=round(rng.uniform(0.3, 0.9), 1),
                ttl=now_epoch + config.short_term_ttl,
            )
            dedup = keys.dedup_sk(normalise_content(content))
            for tx_item in observations.put_new(obs, pk, dedup, shards, now_epoch):
                items.append(tx_item["Put"]["Item"])
    return items


def _evolution_items(config: MemoryConfig, total: int, n_players: int) -> list[dict[str, Any]]:
    shards = config.counter_shards
    items = []
    for shard in range(shards):
        # The layout counter_increment writes; the totals split evenly over the shards.
        items.append(
            serialize(
                {
                    "pk": keys.EVOLUTION_PK,
                    "sk": keys.shard_sk(shard),
                    "entity_type": "EVOLUTION",
                    "total_interactions": total // shards + (shard < total % shards),
                    "unique_players_met": n_players // shards + (shard < n_players % shards),
                }
            )
        )
    stage = min(stage_for(total, config), 3)
    items.append(
        serialize(
            {
                "pk": keys.EVOLUTION_PK,
                "sk": keys.STATE_SK,
                "entity_type": "EVOLUTION",
                "stage": stage,
                "stage_name": stage_name(stage),
                "stage_changed_at": iso(datetime.now(UTC)),
            }
        )
    )
    return items


async def seed(
    db: DynamoClient,
    config: MemoryConfig,
    n_players: int,
    per_player: int,
    obs_per_player: int,
    concurrency: int = 4,
) -> int:
    """Write the seed; returns the number of items written."""
    items = _items(config, n_players, per_player, obs_per_player)
    items += _evolution_items(config, n_players * per_player, n_players)
    batches = [items[i : i + 25] for i in range(0, len(items), 25)]
    queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def writer() -> None:
        while not queue.empty():
            request = {db.table_name: [{"PutRequest": {"Item": i}} for i in queue.get_nowait()]}
            for _ in range(10):
                response = await db.client.batch_write_item(RequestItems=request)
                request = response.get("UnprocessedItems") or {}
                if not request:
                    break
                await asyncio.sleep(0.05)

    await asyncio.gather(*(writer() for _ in range(concurrency)))
    return len(items)
