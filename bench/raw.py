"""The raw cost: the service's DynamoDB requests, issued directly with aioboto3.

The request parameters are not re-typed here: the store's own functions build them
against a recording client (:class:`Recorder`), so the raw side sends what the service
sends, and only the service's own work around the requests (HTTP, GraphQL, models,
JSON) is missing from the raw timings. Each raw operation issues its requests in the
same waves as the service's target shape (concurrent where the service is concurrent).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer  # type: ignore[import-untyped]

from qai_graph.config import MemoryConfig
from qai_graph.models import Channel, Interaction, SessionContext, SessionMessage
from qai_graph.store import evolution, interactions, keys, partition, players, sessions
from qai_graph.store.client import DynamoClient

Call = tuple[str, dict[str, Any]]
_deserializer = TypeDeserializer()


class Recorder:
    """A stand-in aioboto3 client: records each call's parameters and answers empty."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def __getattr__(self, operation: str) -> Any:
        async def call(**params: Any) -> dict[str, Any]:
            self.calls.append((operation, params))
            return {}

        return call


async def _record(config: MemoryConfig, build: Any) -> list[Call]:
    db = DynamoClient(config, "http://recorder.invalid")
    recorder = Recorder()
    db._client = recorder
    await build(db)
    return recorder.calls


class Raw:
    """Builds the service's requests with the store's code and sends them with aioboto3."""

    def __init__(self, config: MemoryConfig, client: Any) -> None:
        self.config = config
        self.client = client
        self.cap = config.max_observations_per_player

    def _send(self, call: Call) -> Coroutine[Any, Any, Any]:
        operation, params = call
        method = getattr(self.client, operation)
        result: Coroutine[Any, Any, Any] = method(**params)
        return result

    async def _one(self, build: Any) -> list[Call]:
        return await _record(self.config, build)

    async def context_query(self, name: str, interactions_wanted: int) -> Call:
        """The Query of a player's context (``recall_about_player``)."""
        now = int(datetime.now(UTC).timestamp())
        pk = keys.player_pk(name)
        (call,) = await self._one(
            lambda db: partition.read_context(db, pk, interactions_wanted, self.cap, now)
        )
        return call

    async def player_context(self, name: str) -> None:
        """playerContext: one Query."""
        await self._send(await self.context_query(name, 5))

    async def _prompt_calls(self, name: str, session_id: str) -> list[Call]:
        now = int(datetime.now(UTC).timestamp())
        calls = await self._one(evolution.read_counts)
        calls.append(await self.context_query(name, 5))
        calls += await self._one(lambda db: sessions.read(db, session_id, now))
        return calls

    async def system_prompt(self, name: str, session_id: str) -> None:
        """systemPrompt: evolution, context and session, concurrently."""
        await asyncio.gather(*(self._send(c) for c in await self._prompt_calls(name, session_id)))

    async def _record_calls(self, name: str) -> list[Call]:
        now = datetime.now(UTC)
        display = keys.clean_display_name(name)
        key = display.casefold()
        interaction = Interaction(
            interaction_id=keys.new_time_id(now.timestamp()),
            timestamp=now,
            player=display,
            channel=Channel.TWITCH,
            message="What is a qubit?",
            qai_response="A question I also ask.",
            ttl=int(now.timestamp()) + self.config.interaction_ttl,
        )
        shard = evolution.pick_shard(self.config.counter_shards)
        items = [
            interactions.put_new(interaction, key, self.config.tier_index_shards),
            players.touch_update(key, display, now, interactions=1),
            evolution.counter_increment(shard, interactions=1),
        ]
        calls = await self._one(lambda db: db.transact(items))
        operation, params = calls[0]
        calls[0] = (operation, {**params, "ClientRequestToken": uuid.uuid4().hex})
        calls += await self._one(evolution.read_counts)
        calls += await self._one(lambda db: players.get_profile(db, key))
        return calls

    async def record_interaction(self, name: str) -> None:
        """recordInteraction (known player): the transaction, evolution and profile."""
        await asyncio.gather(*(self._send(c) for c in await self._record_calls(name)))

    async def bot_round_trip(self, name: str, session_id: str) -> None:
        """systemPrompt, then recordInteraction with the session's exchange appended."""
        await self.system_prompt(name, session_id)
        now = datetime.now(UTC)
        now_epoch = int(now.timestamp())
        (get,) = await self._one(lambda db: sessions.read(db, session_id, now_epoch))
        record = [self._send(c) for c in await self._record_calls(name)]
        *_, found = await asyncio.gather(*record, self._send(get))
        item = found.get("Item")
        version = int(_deserializer.deserialize(item["version"])) if item else None
        session = SessionContext(
            session_id=session_id,
            started_at=now,
            last_active_at=now,
            player=name,
            recent_messages=[
                SessionMessage(role="user", content="What is a qubit?", timestamp=now)
            ],
            expires_at=now_epoch + self.config.session_ttl,
        )
        (put,) = await self._one(
            lambda db: sessions.write(
                db, session, version, now_epoch, self.config.tier_index_shards
            )
        )
        await self._send(put)

    async def dashboard(self, page: int = 50) -> None:
        """The players page (shard Queries), then one Query per player partition."""
        shard_calls = await self._one(
            lambda db: players.list_profiles(db, self.config.player_index_shards, page, None)
        )
        answers = await asyncio.gather(*(self._send(c) for c in shard_calls))
        profiles = sorted(
            (item for answer in answers for item in answer.get("Items", [])),
            key=lambda i: i["type_sk"]["S"],
            reverse=True,
        )[:page]
        names = [p["name"]["S"] for p in profiles]
        contexts = [await self.context_query(n, 11) for n in names]
        await asyncio.gather(*(self._send(c) for c in contexts))
