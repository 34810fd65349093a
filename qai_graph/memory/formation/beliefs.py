"""What QAI believes about one player while a run of exchanges is formed, and the writes.

``PlayerBeliefs`` holds the player's observations as read, applies formed sentences to
them in memory (new, reinforce, supersede: memory/formation/matching.py), and turns the
changes into transaction items together with the finishing delete of each exchange's
pending item, so an exchange and what it taught QAI are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from qai_graph.config import MemoryConfig
from qai_graph.embeddings.base import decode_vector
from qai_graph.memory.content import normalise_content
from qai_graph.memory.formation.matching import Known, decide
from qai_graph.memory.recall.search.documents import MODEL_ATTRIBUTE, VECTOR_ATTRIBUTE
from qai_graph.models import MemoryTier, Observation, ObservationCategory, ObservationSource
from qai_graph.store import formation, keys, observations
from qai_graph.store.formation import PendingExchange

REINFORCE_STEP = Decimal("0.1")
MAX_SUPERSEDED = 3  # older observations one sentence may supersede


@dataclass
class Held:
    """One observation: as read (``base``; None when formed in this run) and as now."""

    obs: Observation
    base: Observation | None
    dedup_sk: str
    vector: npt.NDArray[np.float32] | None
    raw: dict[str, Any]  # the stored item's other attributes (vector, recall counts, ...)

    @property
    def dirty(self) -> bool:
        """Changed since read (or new)."""
        return self.base is None or self.base != self.obs

    def competes_at(self, epoch: int) -> bool:
        """May a sentence said at ``epoch`` reinforce or supersede it?"""
        o = self.obs
        if o.flag or o.hidden or o.superseded_by:
            return False
        return o.ttl is None or o.ttl > epoch


@dataclass
class Change:
    """What one flush did, for the recall index and the event hub."""

    stored: list[Observation] = field(default_factory=list)
    reinforced: list[Observation] = field(default_factory=list)
    promoted: list[Observation] = field(default_factory=list)
    superseded: list[Observation] = field(default_factory=list)


@dataclass(frozen=True)
class Sentence:
    """A formed sentence ready to apply: text, category, its vector and stored form."""

    content: str
    category: ObservationCategory
    formed_by: str
    vector: npt.NDArray[np.float32] | None = None
    vector_attributes: Mapping[str, Any] = field(default_factory=dict)


def _epoch(at: datetime) -> int:
    return int(at.timestamp())


class PlayerBeliefs:
    """A player's observations in memory while exchanges are formed."""

    def __init__(
        self,
        pk: str,
        items: Sequence[Mapping[str, Any]],
        config: MemoryConfig,
        model: str,
        dim: int,
        now_epoch: int,
    ) -> None:
        self.pk = pk
        self._config = config
        self._now_epoch = now_epoch
        self._held: dict[str, Held] = {}
        self._finishing: list[PendingExchange] = []
        self._model = model
        for item in items:
            obs = observations.observation_from_item(item)
            vector = None
            if item.get(MODEL_ATTRIBUTE) == model and item.get(VECTOR_ATTRIBUTE) and dim:
                raw_vector = item[VECTOR_ATTRIBUTE]
                vector = decode_vector(bytes(raw_vector), dim)
            self._held[obs.observation_id] = Held(
                obs, obs, str(item.get("dedup_sk") or ""), vector, dict(item)
            )

    # --- applying --------------------------------------------------------------------

    def apply(
        self, pending: PendingExchange, sentences: Sequence[Sentence], *, finish: bool = True
    ) -> None:
        """Apply what one exchange taught QAI; ``finish``: its pending item is deleted
        with the flush (False: formed inline, no pending item was written)."""
        at_epoch = _epoch(pending.at)
        source = ObservationSource(
            interaction_id=pending.interaction_id, line_id=pending.line_id, at=pending.at
        )
        for sentence in sentences:
            self._apply_one(pending, sentence, source, at_epoch)
        if finish:
            self._finishing.append(pending)

    def rollback(self) -> None:
        """Forget every change since the last flush (its transaction did not commit)."""
        for observation_id, held in list(self._held.items()):
            if held.base is None:
                del self._held[observation_id]
            else:
                held.obs = held.base
        self._finishing = []

    def _apply_one(
        self, pending: PendingExchange, sentence: Sentence, source: ObservationSource, at: int
    ) -> None:
        dedup_sk = keys.dedup_sk(normalise_content(sentence.content))
        twin = self._guarded(dedup_sk)
        if twin is not None:
            # The same words are already stored with a live guard: that one, or nothing.
            # One formed in this batch and not yet written is that one too, whenever it
            # was said: a transaction can put one guard only (a replayed history says
            # the same thing again after the first one's ttl).
            if twin.competes_at(at) or twin.base is None:
                self._reinforce(twin, source, pending.at)
            return
        known = [
            Known(h.obs.observation_id, h.obs.content, h.vector)
            for h in self._held.values()
            if h.competes_at(at)
        ]
        decision = decide(sentence.content, sentence.vector, known)
        if decision.same_as is not None:
            self._reinforce(self._held[decision.same_as], source, pending.at)
            return
        new = self._new(pending, sentence, source, dedup_sk)
        for old_id in decision.supersedes[:MAX_SUPERSEDED]:
            old = self._held[old_id]
            old.obs = old.obs.model_copy(
                update={"superseded_by": new.obs.observation_id, "superseded_at": pending.at}
            )

    def _guarded(self, dedup_sk: str) -> Held | None:
        """The observation holding this content's guard: live, or new in this batch."""
        for held in self._held.values():
            if held.dedup_sk == dedup_sk and (
                held.obs.ttl is None or held.obs.ttl >= self._now_epoch or held.base is None
            ):
                return held
        return None

    def _new(
        self,
        pending: PendingExchange,
        sentence: Sentence,
        source: ObservationSource,
        dedup_sk: str,
    ) -> Held:
        at = pending.at
        # Named by what it was formed from (the exchange, or the backfilled line, and the
        # sentence's guard), not by chance: a replay names it the same, and the sentences of
        # one message, said at one instant, keep one order wherever ids break ties
        # (consolidation's summaries), so the same chat forms the same memory.
        origin = source.interaction_id or source.line_id
        obs = Observation(
            observation_id=(
                keys.line_time_id(at.timestamp(), self.pk, f"{origin}#{dedup_sk}")
                if origin
                else keys.new_time_id(at.timestamp())
            ),
            timestamp=at,
            subject=self.pk,
            content=sentence.content,
            category=sentence.category,
            confidence=0.5,
            ttl=_epoch(at) + self._config.short_term_ttl,
            sources=[source],
            formed_by=sentence.formed_by,
            session_id=pending.session_id,
        )
        held = Held(obs, None, dedup_sk, sentence.vector, dict(sentence.vector_attributes))
        self._held[obs.observation_id] = held
        return held

    def _reinforce(self, held: Held, source: ObservationSource, at: datetime) -> None:
        obs = held.obs
        if any(s.interaction_id == source.interaction_id for s in obs.sources):
            return  # one exchange reinforces an observation once
        confidence = float(min(Decimal(1), Decimal(str(obs.confidence)) + REINFORCE_STEP))
        ttl = obs.ttl
        if obs.memory_tier == MemoryTier.SHORT_TERM and ttl is not None:
            ttl = max(ttl, _epoch(at) + self._config.short_term_ttl)
        obs = obs.model_copy(
            update={
                "confidence": confidence,
                "evidence_count": obs.evidence_count + 1,
                "sources": [*obs.sources, source][-observations.MAX_SOURCES :],
                "last_reinforced": at,
                "ttl": ttl,
            }
        )
        if self._dies_unpromoted(obs):
            # History replay (a backfilled line): this observation is past its ttl before
            # any consolidation could see it, so the promotion rule applies here.
            obs = obs.model_copy(
                update={"promoted": True, "memory_tier": MemoryTier.LONG_TERM, "ttl": None}
            )
        held.obs = obs

    def _dies_unpromoted(self, obs: Observation) -> bool:
        return (
            not obs.promoted
            and obs.ttl is not None
            and obs.ttl <= self._now_epoch
            and obs.confidence >= self._config.observation_promotion_confidence
            and obs.evidence_count >= self._config.observation_promotion_evidence
        )

    # --- writing ---------------------------------------------------------------------

    def item_count(self) -> int:
        """Transaction items a flush would write now."""
        return sum(2 for h in self._held.values() if h.dirty) + len(self._finishing)

    def flush_items(self, owner: str) -> list[dict[str, Any]]:
        """The transaction items of every change since the last flush."""
        shards = self._config.tier_index_shards
        items: list[dict[str, Any]] = []
        for held in self._held.values():
            if held.base is None:
                items.extend(
                    observations.put_new(
                        held.obs, self.pk, held.dedup_sk, shards, self._now_epoch, held.raw
                    )
                )
            elif held.dirty:
                items.extend(
                    observations.formation_updates(
                        held.base, held.obs, self.pk, held.dedup_sk or None, shards
                    )
                )
        items.extend(formation.finish(p, owner) for p in self._finishing)
        return items

    def committed(self) -> tuple[Change, list[dict[str, Any]], list[PendingExchange]]:
        """After a flush's transaction: what changed, the items as now stored, and the
        exchanges finished; the state read becomes the state written."""
        change = Change()
        stored: list[dict[str, Any]] = []
        shards = self._config.tier_index_shards
        for held in self._held.values():
            if not held.dirty:
                continue
            before = held.base
            if before is None:
                change.stored.append(held.obs)
            else:
                if held.obs.evidence_count > before.evidence_count:
                    change.reinforced.append(held.obs)
                if held.obs.superseded_by and not before.superseded_by:
                    change.superseded.append(held.obs)
            if held.obs.promoted and (before is None or not before.promoted):
                change.promoted.append(held.obs)
            raw = {k: v for k, v in held.raw.items() if k not in ("ttl", "tier_pk")}
            item = observations.observation_item(held.obs, self.pk, held.dedup_sk, shards)
            held.raw = {**raw, **item}
            held.base = held.obs
            stored.append(held.raw)
        finished, self._finishing = self._finishing, []
        return change, stored, finished
