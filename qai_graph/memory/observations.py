"""Observations: store (deduplicated), reinforce, promote, list.

Invariants kept here: confidence stays in [0, 1]; reinforce adds exactly +1 evidence and
+0.1 confidence (capped) per call, atomically; promotion sets LONG_TERM, removes the ttl,
and a second promotion changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.errors import Conflict, NotFound
from qai_graph.memory import cursors, validation
from qai_graph.memory.content import normalise_content
from qai_graph.memory.events.hub import EventHub, EventKind, MemoryEvent
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.models import MemoryTier, Observation, ObservationCategory
from qai_graph.store import idempotency, keys, moderation, observations
from qai_graph.store.client import DynamoClient, TransactionCancelled
from qai_graph.store.idempotency import IdempotencyClaim
from qai_graph.store.items import is_live, page_by_prefix

REINFORCE_STEP = Decimal("0.1")
_ATTEMPTS = 12


def player_subject(name: str) -> str:
    """A player's observation subject, as clients write it (``PLAYER#<name>``)."""
    return keys.player_subject(name)


def _now() -> datetime:
    return datetime.now(UTC)


class Observations:
    """The observation use cases over the table."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        events: EventHub,
        recall: RecallIndex | None = None,
        trust: TrustGate | None = None,
    ) -> None:
        self._db = db
        self._config = config
        self._events = events
        self._recall = recall
        self._trust = trust or TrustGate()

    async def store(
        self,
        subject: str,
        content: str,
        category: ObservationCategory | str,
        confidence: float = 0.5,
        idempotency_key: str | None = None,
    ) -> Observation:
        """Store an observation, or reinforce the active one with the same content."""
        parsed = keys.parse_subject(subject)
        text = validation.text(content, "content", validation.MAX_CONTENT_CHARS)
        assert text is not None
        text = text.strip()
        kind = validation.enum(ObservationCategory, category, "category")
        level = validation.unit_interval(confidence, "confidence")
        normalised = normalise_content(text)
        dedup_sk = keys.dedup_sk(normalised)
        trust = self._trust.assess_text(text)
        claim = None
        if idempotency_key is not None:
            request = {
                "subject": parsed.pk,
                "content": normalised,
                "category": kind.value,
                "confidence": level,
            }
            claim = idempotency.claim(parsed.pk, "observation", idempotency_key, request)
        # Embedded once, before the write, and stored on the item: no replica re-embeds.
        vector = await self._recall.vector_attributes(text) if self._recall else {}

        for _ in range(_ATTEMPTS):
            now = _now()
            now_epoch = int(now.timestamp())
            obs = Observation(
                observation_id=keys.new_time_id(now.timestamp()),
                timestamp=now,
                subject=parsed.pk,
                content=text,
                category=kind,
                confidence=level,
                ttl=now_epoch + self._config.short_term_ttl,
                flag=trust.flag,
                flag_reasons=list(trust.reasons),
            )
            shards = self._config.tier_index_shards
            items = observations.put_new(obs, parsed.pk, dedup_sk, shards, now_epoch, vector)
            if claim:
                items.append(self._record(claim, obs, now_epoch))
            if obs.flag is not None:
                items.append(flagged_observation(obs, parsed.pk))
            try:
                await self._db.transact(items)
            except TransactionCancelled as exc:
                if claim and exc.failed(2):
                    replayed = await idempotency.replay(self._db, claim, now_epoch)
                    if replayed is not None:
                        return Observation.model_validate(replayed)
                    continue
                if exc.failed(1):
                    existing = await self._guarded_observation(parsed.pk, dedup_sk, now_epoch)
                    if existing is not None and obs.flag is not None:
                        # Flagged text never reinforces what QAI believes: kept as it was.
                        return observations.observation_from_item(existing)
                    if existing is not None:
                        return await self._reinforce_item(existing, claim)
                    continue
                if exc.failed(0):
                    continue
                raise
            self._index(
                {**observations.observation_item(obs, parsed.pk, dedup_sk, shards), **vector}
            )
            self._announce(EventKind.OBSERVATION_STORED, obs)
            return obs
        raise Conflict("could not store the observation; retry")

    async def get(self, subject: str, observation_id: str) -> Observation | None:
        """One live observation, or None."""
        item = await self._live_item(subject, observation_id)
        return observations.observation_from_item(item) if item else None

    async def page(
        self,
        subject: str,
        first: int,
        after: str | None,
        *,
        promoted_only: bool = False,
        tier: MemoryTier | None = None,
    ) -> tuple[list[Observation], str | None]:
        """Newest-first page of a subject's live observations, and the next cursor."""
        parsed = keys.parse_subject(subject)
        validation.page_size(first)
        after_sk = cursors.decode("observations", after)
        now_epoch = int(_now().timestamp())

        def keep(item: dict[str, Any]) -> bool:
            if not is_live(item, now_epoch):
                return False
            if promoted_only and not item.get("promoted"):
                return False
            return tier is None or item.get("memory_tier") == tier.value

        items, next_sk = await page_by_prefix(
            self._db, parsed.pk, keys.OBSERVATION_PREFIX, first, after_sk, keep
        )
        cursor = cursors.encode("observations", next_sk) if next_sk else None
        return [observations.observation_from_item(i) for i in items], cursor

    async def reinforce(self, subject: str, observation_id: str) -> Observation:
        """Evidence +1 and confidence +0.1 (capped at 1), extending a short-term ttl."""
        item = await self._require(subject, observation_id)
        _refuse_flagged(item, "reinforced")
        return await self._reinforce_item(item, None)

    async def promote(self, subject: str, observation_id: str) -> Observation:
        """Move an observation to long-term memory; promoting twice changes nothing."""
        for _ in range(_ATTEMPTS):
            item = await self._require(subject, observation_id)
            promoted = await self.promote_item(item)
            if promoted is not None:
                return promoted
        raise Conflict("the observation kept changing while being promoted; retry")

    async def promote_item(self, item: dict[str, Any]) -> Observation | None:
        """Promote a read item; the already-promoted item as is; None on a lost race."""
        _refuse_flagged(item, "promoted")
        if item.get("promoted"):
            return observations.observation_from_item(item)
        now = _now()
        try:
            await self._db.transact(observations.promote_updates(item, now))
        except TransactionCancelled as exc:
            if exc.failed(0):
                return None
            raise
        done = {**item, "promoted": True, "memory_tier": MemoryTier.LONG_TERM.value, "ttl": None}
        self._index(done)
        obs = observations.observation_from_item(done)
        self._announce(EventKind.OBSERVATION_PROMOTED, obs)
        return obs

    # --- internals ---------------------------------------------------------------------

    def unindex(self, pk: str, sk: str) -> None:
        """A memory was deleted here (consolidation's trim): out of this replica's index."""
        if self._recall is not None:
            self._recall.remove(pk, sk)

    def _index(self, item: dict[str, Any]) -> None:
        """This replica's recall index sees its own writes at once."""
        if self._recall is not None:
            self._recall.observe(item)

    async def _reinforce_item(
        self, item: dict[str, Any], claim: IdempotencyClaim | None
    ) -> Observation:
        for _ in range(_ATTEMPTS):
            now = _now()
            now_epoch = int(now.timestamp())
            short_term = item.get("memory_tier") == MemoryTier.SHORT_TERM.value
            new_ttl = now_epoch + self._config.short_term_ttl if short_term else None
            updates = observations.reinforce_updates(item, now, new_ttl, REINFORCE_STEP)
            seen = Decimal(str(item.get("confidence", "0.5")))
            reinforced = {
                **item,
                "confidence": float(min(Decimal(1), seen + REINFORCE_STEP)),
                "evidence_count": int(item.get("evidence_count", 1)) + 1,
                "ttl": new_ttl if short_term else item.get("ttl"),
                "last_reinforced": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
            after = observations.observation_from_item(reinforced)
            if claim:
                updates.append(self._record(claim, after, now_epoch))
            try:
                await self._db.transact(updates)
            except TransactionCancelled as exc:
                if claim and exc.failed(len(updates) - 1):
                    replayed = await idempotency.replay(self._db, claim, now_epoch)
                    if replayed is not None:
                        return Observation.model_validate(replayed)
                if not exc.failed(0):
                    raise
                fresh = await self._db.get(*keys.item_key(item))
                if fresh is None or not is_live(fresh, now_epoch):
                    raise NotFound("the observation no longer exists") from exc
                item = fresh
                continue
            self._index(reinforced)
            self._announce(EventKind.OBSERVATION_REINFORCED, after)
            return after
        raise Conflict("the observation is being reinforced by many writers; retry")

    def _announce(self, kind: EventKind, obs: Observation) -> None:
        """Tell the event hub what happened to an observation."""
        self._events.publish(
            MemoryEvent(kind, subject=obs.subject, detail={"observation_id": obs.observation_id})
        )

    async def _guarded_observation(
        self, pk: str, dedup_sk: str, now_epoch: int
    ) -> dict[str, Any] | None:
        """The live observation a dedup guard points at; clears a guard left dangling."""
        guard = await self._db.get(pk, dedup_sk)
        if guard is None or not is_live(guard, now_epoch):
            return None
        target = guard.get("observation_sk")
        item = await self._db.get(pk, target) if target else None
        if item is not None and is_live(item, now_epoch):
            return item
        # The observation was trimmed or expired without its guard: drop the guard
        # (only if it still points at the same observation) so the store can proceed.
        await observations.drop_guard(self._db, pk, dedup_sk, target or None)
        return None

    async def _live_item(self, subject: str, observation_id: str) -> dict[str, Any] | None:
        parsed = keys.parse_subject(subject)
        keys.check_id(observation_id, "observation_id")
        item = await self._db.get(parsed.pk, keys.observation_sk(observation_id))
        if item is None or not is_live(item, int(_now().timestamp())):
            return None
        return item

    async def _require(self, subject: str, observation_id: str) -> dict[str, Any]:
        item = await self._live_item(subject, observation_id)
        if item is None:
            raise NotFound(f"no observation {observation_id!r} about {subject!r}")
        return item

    def _record(self, claim: IdempotencyClaim, obs: Observation, now_epoch: int) -> dict[str, Any]:
        return idempotency.put_record(
            claim,
            obs.model_dump(mode="json"),
            now_epoch + self._config.idempotency_ttl,
            now_epoch,
            self._config.tier_index_shards,
        )


def _refuse_flagged(item: dict[str, Any], done: str) -> None:
    if item.get("flag"):
        raise Conflict(
            f"a flagged observation is never {done}: a moderator releases it first "
            f"(flag {item['flag']!r})"
        )


def flagged_observation(obs: Observation, pk: str) -> dict[str, Any]:
    """Transaction item: the moderators' queue entry of a flagged observation."""
    assert obs.flag is not None
    return moderation.put_flagged(
        moderation.flagged_entry(
            pk,
            keys.observation_sk(obs.observation_id),
            kind="observation",
            player=keys.player_key_or_none(pk),
            flag=obs.flag,
            reasons=obs.flag_reasons,
            text=obs.content,
            timestamp=obs.timestamp.isoformat(),
            ttl=obs.ttl,
        )
    )
