"""Recording interactions: the bot's write after every chat message.

The interaction, its player's counter and evolution's counter are one transaction, so
counters always equal what is stored. A new player is created (and counted once) by a
conditional put; a retry with the same idempotency key is answered from its record.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.errors import Conflict, StoreUnavailable
from qai_graph.memory import cursors, validation
from qai_graph.memory.events.hub import EventHub, EventKind, MemoryEvent
from qai_graph.memory.evolution.tracker import EvolutionTracker
from qai_graph.memory.formation import Formation
from qai_graph.memory.players import Players
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.results import InteractionRecorded
from qai_graph.memory.sessions import UNREAD, Unread, WorkingMemory
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.models import Channel, EvolutionState, Interaction, PlayerProfile, SessionContext
from qai_graph.store import evolution as evolution_store
from qai_graph.store import formation, idempotency, interactions, keys, moderation, players
from qai_graph.store.client import DynamoClient, TransactionCancelled
from qai_graph.store.evolution import EvolutionCounts
from qai_graph.store.items import is_live, page_by_prefix

_ATTEMPTS = 6


@dataclass(frozen=True)
class Exchange:
    """One exchange with a player as the caller gave it (the recorder validates it)."""

    player: str
    channel: Channel | str
    message: str
    qai_response: str | None = None
    sentiment: str | None = None
    context: Mapping[str, Any] | None = None
    session_id: str | None = None
    private: bool | None = None  # None: the channel's default (config.private_channels)


@dataclass(frozen=True)
class _Reads:
    """Reads made alongside an interaction's transaction (None: not read)."""

    evolution: EvolutionCounts | None
    profile: dict[str, Any] | None
    session: tuple[SessionContext, int] | Unread | None


async def _constant(value: Any) -> Any:
    return value


async def _discard(task: asyncio.Future[Any]) -> None:
    task.cancel()
    with contextlib.suppress(BaseException):
        await task


def _now() -> datetime:
    return datetime.now(UTC)


class InteractionRecorder:
    """Writes and reads of interactions."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        events: EventHub,
        working: WorkingMemory,
        evolution: EvolutionTracker,
        players: Players,
        recall: RecallIndex | None = None,
        trust: TrustGate | None = None,
        formation: Formation | None = None,
    ) -> None:
        self._trust = trust or TrustGate()
        self._formation = formation
        self._recall = recall
        self._db = db
        self._config = config
        self._events = events
        self._working = working
        self._evolution = evolution
        self._players = players

    async def record(
        self, exchange: Exchange, idempotency_key: str | None, *, full: bool
    ) -> InteractionRecorded:
        """Record one exchange exactly once; ``full`` also reads the player after it."""
        if self._formation is not None:
            self._formation.note_activity()
        session_id = exchange.session_id
        display = keys.clean_display_name(exchange.player)
        key = display.casefold()
        kind = validation.enum(Channel, exchange.channel, "channel")
        said = validation.text(exchange.message, "message", validation.MAX_MESSAGE_CHARS)
        reply = validation.text(
            exchange.qai_response, "qai_response", validation.MAX_RESPONSE_CHARS, required=False
        )
        mood = validation.sentiment(exchange.sentiment)
        game = validation.context(exchange.context)
        if session_id is not None:
            keys.check_id(session_id, "session_id")
        private = self._trust.is_private(kind.value, exchange.private)
        trust = self._trust.assess_message(key, said or "")
        shared = self._trust.shared_text(said or "", trust, private)
        claim = None
        if idempotency_key is not None:
            request = {
                "channel": kind.value,
                "message": said,
                "qai_response": reply,
                "sentiment": mood,
                "context": game,
                "session_id": session_id,
                **({"private": True} if private else {}),
            }
            claim = idempotency.claim(
                keys.player_partition(key), "interaction", idempotency_key, request
            )
        # Embedded once, before the write, and stored on the item: no replica re-embeds.
        vector = (
            await self._recall.vector_attributes(f"{said or ''} {(reply or '')[:600]}")
            if self._recall
            else {}
        )

        for _ in range(_ATTEMPTS):
            now = _now()
            now_epoch = int(now.timestamp())
            interaction = Interaction(
                interaction_id=keys.new_time_id(now.timestamp()),
                timestamp=now,
                player=display,
                channel=kind,
                message=said or "",
                qai_response=reply,
                sentiment=mood,
                context=game,
                ttl=now_epoch + self._config.interaction_ttl,
                session_id=session_id,
                flag=trust.flag,
                flag_reasons=list(trust.reasons),
                private=private,
            )
            marker = interaction.interaction_id
            items = [
                interactions.put_new(interaction, key, self._config.tier_index_shards, vector),
                players.touch_update(
                    key,
                    display,
                    now,
                    interactions=1,
                    marker=marker,
                    player_shards=self._config.player_index_shards,
                ),
                evolution_store.counter_increment(
                    evolution_store.pick_shard(self._config.counter_shards),
                    interactions=1,
                    marker=marker,
                ),
            ]
            if claim:
                items.append(
                    idempotency.put_record(
                        claim,
                        interaction.model_dump(mode="json"),
                        now_epoch + self._config.idempotency_ttl,
                        now_epoch,
                        self._config.tier_index_shards,
                    )
                )
            if trust.flag is not None:
                # The moderators' queue entry is written with the memory, never apart.
                items.append(flagged_interaction(interaction, key))
            # What QAI may learn from it is pending in the same transaction (never from
            # flagged or private chat), so no crash or restart skips it.
            pending = None
            if (
                self._formation is not None
                and self._formation.enabled
                and trust.flag is None
                and not private
            ):
                pending = self._formation.pending_for(
                    key,
                    display,
                    interaction.interaction_id,
                    now,
                    said or "",
                    reply,
                    kind.value,
                    session_id,
                )
                items.append(formation.put_pending(pending, self._config.player_index_shards))
            # The session's exchange joins the transaction when this replica knows the
            # session's version (the bot's systemPrompt just read it): no read, no second
            # wave, and a replayed request cannot append it twice.
            in_session = (
                self._working.exchange_in_transaction(session_id, display, shared, reply)
                if session_id
                else None
            )
            if in_session is not None:
                items.append(in_session[0])
            # What the answer needs is read alongside the write, in one wave; the marker
            # tells each read whether it saw the write (see _after_interaction).
            reads = asyncio.ensure_future(
                self._read_alongside(key, session_id if in_session is None else None, full=full)
            )
            try:
                # One transaction: the interaction, the player's counter and evolution's
                # counter move together or not at all, so counters equal what is stored.
                await self._db.transact(items)
            except BaseException as exc:
                await _discard(reads)
                if not isinstance(exc, TransactionCancelled):
                    raise
                if claim and exc.failed(3):
                    replayed = await idempotency.replay(self._db, claim, now_epoch)
                    if replayed is not None:
                        return await self._replayed(Interaction.model_validate(replayed), key)
                    continue
                stale_session = in_session is not None and exc.failed(len(items) - 1)
                if stale_session and session_id:
                    self._working.forget_copy(session_id)  # the next attempt reads it
                if exc.failed(1):
                    await self._players.create(display, key)
                    continue
                if exc.failed(0) or stale_session:
                    continue
                raise
            self._trust.said(key, said or "")
            if pending is not None and self._formation is not None:
                self._formation.submitted(pending)
            if in_session is not None and session_id:
                self._working.remember(session_id, in_session[1], in_session[2])
            if self._recall is not None:
                shards = self._config.tier_index_shards
                self._recall.observe(
                    {**interactions.interaction_item(interaction, key, shards), **vector}
                )
            return await self._after_interaction(
                interaction,
                key,
                display,
                shared,
                reply,
                session_id if in_session is None else None,  # else written already
                reads,
                full=full,
            )
        raise Conflict("could not record the interaction; retry")

    async def _read_alongside(self, key: str, session_id: str | None, *, full: bool) -> _Reads:
        evolution, profile, session = await asyncio.gather(
            evolution_store.read_counts(self._db),
            players.get_profile_item(self._db, key) if full else _constant(None),
            self._working.read_for_write(session_id) if session_id else _constant(UNREAD),
        )
        return _Reads(evolution, profile, session)

    async def _after_interaction(
        self,
        interaction: Interaction,
        key: str,
        display: str,
        said: str,
        reply: str | None,
        session_id: str | None,
        reads: asyncio.Future[_Reads],
        *,
        full: bool,
    ) -> InteractionRecorded:
        marker = interaction.interaction_id
        try:
            read = await reads
        except StoreUnavailable:
            # The write is done; answer from reads made after it instead.
            read = _Reads(None, None, UNREAD)
        self._events.publish(
            MemoryEvent(
                EventKind.INTERACTION_RECORDED,
                subject=keys.player_partition(key),
                detail={"interaction_id": interaction.interaction_id},
            )
        )

        async def session_write() -> None:
            if session_id:
                await self._working.add_exchange(
                    session_id, display, said, reply, prefetched=read.session
                )

        async def evolution_after() -> tuple[EvolutionState, bool]:
            if read.evolution is None:
                return await self._evolution.settle()
            return await self._evolution.settle_alongside(read.evolution, marker, 1)

        async def profile_after() -> PlayerProfile | None:
            if not full:
                return None
            item = read.profile
            if item is None:
                item = await players.get_profile_item(self._db, key)
            if item is None:
                return None
            return players.profile_after_touch(item, marker, display, interaction.timestamp, 1)

        (evolution, advanced), profile, _ = await asyncio.gather(
            evolution_after(), profile_after(), session_write()
        )
        return InteractionRecorded(
            interaction=interaction,
            player=profile or players.empty_profile(display, _now()),
            evolution=evolution,
            stage_advanced=advanced,
        )

    async def _replayed(self, interaction: Interaction, key: str) -> InteractionRecorded:
        evolution, profile = await asyncio.gather(
            self._evolution.state(), players.get_profile(self._db, key)
        )
        return InteractionRecorded(
            interaction=interaction,
            player=profile or players.empty_profile(interaction.player, _now()),
            evolution=evolution,
            stage_advanced=False,
            replayed=True,
        )

    async def page(
        self, name: str, first: int, after: str | None
    ) -> tuple[list[Interaction], str | None]:
        """A newest-first page of a player's live interactions and the next cursor."""
        validation.page_size(first)
        after_sk = cursors.decode("interactions", after)
        now_epoch = int(_now().timestamp())
        items, next_sk = await page_by_prefix(
            self._db,
            keys.player_pk(name),
            keys.INTERACTION_PREFIX,
            first,
            after_sk,
            lambda item: is_live(item, now_epoch),
        )
        cursor = cursors.encode("interactions", next_sk) if next_sk else None
        return [interactions.interaction_from_item(i) for i in items], cursor

    async def get_many(self, refs: Sequence[tuple[str, str]]) -> list[Interaction | None]:
        """Interactions by (player name, interaction id), one batch read, in order asked."""
        wanted = [
            (keys.player_pk(name), keys.interaction_sk(keys.check_id(i, "interaction_id")))
            for name, i in refs
        ]
        now_epoch = int(_now().timestamp())
        found = {
            keys.item_key(item): interactions.interaction_from_item(item)
            for item in await self._db.batch_get(wanted)
            if is_live(item, now_epoch)
        }
        return [found.get(k) for k in wanted]


def flagged_interaction(interaction: Interaction, key: str) -> dict[str, Any]:
    """Transaction item: the moderators' queue entry of a flagged interaction."""
    assert interaction.flag is not None
    pk = keys.player_partition(key)
    return moderation.put_flagged(
        moderation.flagged_entry(
            pk,
            keys.interaction_sk(interaction.interaction_id),
            kind="interaction",
            player=interaction.player,
            flag=interaction.flag,
            reasons=interaction.flag_reasons,
            text=interaction.message,
            timestamp=interaction.timestamp.isoformat(),
            ttl=interaction.ttl,
        )
    )
