"""One player's share of a run: promote what ripened, summarise sessions, trim, learn, bound.

Run for each player touched since the last run, and for each player whose observations
the prune is about to delete, *before* that prune: a formed observation born past its
ttl (backfilled history) is read here while it is still in the table.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory import profile_rules
from qai_graph.memory.consolidation import bounds, summaries
from qai_graph.memory.consolidation.compare import same
from qai_graph.memory.observations import Observations
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.models import MemoryTier
from qai_graph.store import consolidation_writes, keys, observations, partition, patterns, players
from qai_graph.store.client import DynamoClient, TransactionCancelled
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.items import is_live

logger = logging.getLogger(__name__)
Item = dict[str, Any]
ATTEMPTS = 4
TRANSACTION_ITEMS = 100  # DynamoDB's limit on one TransactWriteItems


@dataclass
class PlayerOutcome:
    """What one player's step did."""

    interactions_trimmed: int = 0
    observations_trimmed: int = 0  # merged into another or dropped
    promoted: int = 0
    # The sessions whose summary was written (put or deleted): one count per summary,
    # though a merge can make the step write it twice.
    summaries: set[str] = field(default_factory=set)
    merged: int = 0  # observations merged into another (absorbed), not merges
    learned: bool = False

    @property
    def updated(self) -> bool:
        """Anything of the player was written."""
        return bool(
            self.interactions_trimmed
            or self.observations_trimmed
            or self.promoted
            or self.summaries
            or self.learned
        )


class PlayerStep:
    """One player's consolidation at one moment (``now``) of a run."""

    def __init__(
        self,
        db: DynamoClient,
        config: MemoryConfig,
        observations: Observations,
        recall: RecallIndex | None,
        now: datetime,
    ) -> None:
        self._db = db
        self._config = config
        self._observations = observations
        self._recall = recall
        self._now = now
        self._epoch = int(now.timestamp())

    async def run(self, key: str) -> PlayerOutcome:
        """The whole step for one player (module docstring)."""
        outcome = PlayerOutcome()
        pk = keys.player_partition(key)
        # The profile first: its bound_version guards what the later reads let us drop.
        profile = await players.get_profile_item(self._db, key)
        found, interactions = await asyncio.gather(
            self._observations_of(pk),
            partition.members(self._db, pk, keys.INTERACTION_PREFIX, ["ttl", "sentiment"]),
        )
        outcome.promoted = await self._promote_ripe(found)
        display = str(profile["name"]) if profile else key
        outcome.summaries, summarised = await self._summarise(pk, display, found)
        kept_interactions = await self._trim_interactions(interactions, outcome)
        if profile is None:
            return outcome  # observations of a player never met: nothing to learn or claim
        outcome.learned = await self._learn(key, profile, found, kept_interactions)
        version = int(profile.get("bound_version", 0))
        live = await self._bound(key, pk, version, found, summarised, outcome)
        if outcome.observations_trimmed:
            # Merged texts replace their members' sentences in the summaries now, so the
            # next run finds every summary as it would write it.
            after = [i for i in found if not is_live(i, self._epoch)] + live
            outcome.summaries |= (await self._summarise(pk, display, after))[0]
        return outcome

    async def _observations_of(self, pk: str) -> list[Item]:
        attributes = consolidation_writes.LEARNING_ATTRIBUTES
        return await partition.members(self._db, pk, keys.OBSERVATION_PREFIX, attributes)

    # --- what lasts -------------------------------------------------------------------

    async def _promote_ripe(self, found: list[Item]) -> int:
        """Formed observations that met the promotion thresholds but expired before any
        run saw them (backfilled history is born past its ttl): they proved true while
        they lived, the run came late. Promoted as the live sweep would have."""
        config = self._config
        done = 0
        for n, item in enumerate(found):
            ripe = (
                item.get("formed_by")
                and not item.get("summary_key")
                and not item.get("promoted")
                and item.get("memory_tier") == MemoryTier.SHORT_TERM.value
                and not is_live(item, self._epoch)
                and float(item.get("confidence", 0)) >= config.observation_promotion_confidence
                and int(item.get("evidence_count", 1)) >= config.observation_promotion_evidence
                and profile_rules.is_trusted(item)
            )
            if not ripe:
                continue
            full = await self._db.get(*keys.item_key(item))
            if full is None or full.get("promoted") or full.get("flag"):
                continue
            promoted = await self._observations.promote_item(full)
            if promoted is not None:
                done += 1
                found[n] = {
                    **item,
                    "promoted": True,
                    "memory_tier": MemoryTier.LONG_TERM.value,
                    "ttl": None,
                }
        return done

    async def _summarise(
        self, pk: str, display: str, found: list[Item]
    ) -> tuple[set[str], frozenset[str]]:
        """Write the player's session summaries; returns the sessions whose summary was
        written and the ids of the observations the summaries hold."""
        plans = summaries.plan(pk, display, found, self._epoch, self._config.session_ttl)
        written: set[str] = set()
        for plan in plans:
            if await self._apply_summary(plan, found):
                written.add(plan.group)
        held: set[str] = set()
        for item in found:
            for part in item.get("summary_parts") or []:
                held.add(str(part["o"]))
        return written, frozenset(held)

    async def _apply_summary(self, plan: summaries.SummaryPlan, found: list[Item]) -> bool:
        current = plan.existing
        version = int(current.get("summary_version", 0)) if current is not None else None
        if plan.item is None:
            assert current is not None and version is not None
            if not await consolidation_writes.delete_summary(
                self._db, *keys.item_key(current), version
            ):
                return False
            self._forget(found, current)
        else:
            item = {**plan.item, "summary_version": (version or 0) + 1}
            if self._recall is not None:
                item.update(await self._recall.vector_attributes(str(item["content"])))
            if not await consolidation_writes.put_summary(self._db, item, version):
                return False
            self._observations._index(item)
            found[:] = [i for i in found if i["sk"] != item["sk"]] + [item]
        for duplicate in plan.duplicates:  # two runs once made two: fold into one
            seen = int(duplicate.get("summary_version", 0))
            if await consolidation_writes.delete_summary(self._db, *keys.item_key(duplicate), seen):
                self._forget(found, duplicate)
        return True

    def _forget(self, found: list[Item], item: Mapping[str, Any]) -> None:
        self._observations.unindex(*keys.item_key(item))
        found[:] = [i for i in found if i["sk"] != item["sk"]]

    # --- interactions and the profile -------------------------------------------------

    async def _trim_interactions(self, found: list[Item], outcome: PlayerOutcome) -> list[Item]:
        live = [i for i in found if is_live(i, self._epoch)]
        excess = live[: max(0, len(live) - self._config.max_interactions_per_player)]
        for item in excess:
            self._observations.unindex(*keys.item_key(item))
            outcome.interactions_trimmed += await self._db.delete(*keys.item_key(item))
        return live[len(excess) :]

    async def _learn(
        self, key: str, profile: Item, found: list[Item], interactions: list[Item]
    ) -> bool:
        """Derive the profile's learned fields and store those that changed."""
        current: Item | None = profile
        for _ in range(ATTEMPTS):
            if current is None:
                return False
            sets, removes = await self._derive(current, found, interactions)
            if not sets and not removes:
                return False
            solutions = int(current.get("total_solutions", 0))
            stored = await players.set_learned(self._db, key, sets, removes, solutions, self._now)
            if stored is not None:
                if self._recall is not None:
                    self._recall.observe_profile(players.profile_from_item(stored))
                return True
            current = await players.get_profile_item(self._db, key)  # a solution landed
        return False

    async def _derive(
        self, profile: Item, found: list[Item], interactions: list[Item]
    ) -> tuple[dict[str, Any], list[str]]:
        """(SET, REMOVE) of the derived fields that differ from the profile as read."""
        sets: dict[str, Any] = {}
        removes: list[str] = []

        def put(name: str, value: Any) -> None:
            if not same(profile.get(name), value):
                sets[name] = value

        stats = profile_rules.SolutionStats.of(profile)
        if stats.total > 0:
            put("average_fidelity", profile_rules.average_fidelity(stats))
            put("preferred_patterns", profile_rules.preferred_patterns(stats))
        if stats.total >= profile_rules.MIN_SOLUTIONS and profile.get("learned_solutions") != (
            stats.total
        ):
            style = profile_rules.play_style(stats, await self._peer_times(stats))
            put("learned_solutions", stats.total)
            learned = profile.get("learned_play_style")
            if style is not None:
                put("play_style", style)
                put("learned_play_style", style)
            elif learned is not None:
                # The style consolidation once named no longer holds; a client's stays.
                if profile.get("play_style") == learned:
                    removes.append("play_style")
                removes.append("learned_play_style")
        self._derive_moments(profile, found, put)
        score = profile_rules.sentiment_score(i.get("sentiment") for i in interactions)
        if score is not None:
            put("sentiment_score", score)
        return sets, removes

    async def _peer_times(self, stats: profile_rules.SolutionStats) -> dict[str, float]:
        if len(stats.pattern_counts) / stats.total >= profile_rules.EXPLORER_SHARE:
            return {}  # explorer whatever the times: nothing to read
        return await patterns.average_times(self._db, sorted(stats.pattern_counts))

    def _derive_moments(self, profile: Item, found: list[Item], put: Any) -> None:
        kept = [
            profile_rules.Moment(str(m["o"]), str(m["c"]), float(m["s"]), parse_iso(m["t"]))
            for m in profile.get("learned_moments") or []
        ]
        present: dict[str, profile_rules.Moment | None] = {}
        for item in found:
            formed_by = item.get("formed_by")
            if not formed_by or formed_by == profile_rules.CONSOLIDATION:
                continue  # a client's observation, or consolidation's own text
            present[str(item["observation_id"])] = (
                profile_rules.Moment(
                    str(item["observation_id"]),
                    str(item["content"]).strip(),
                    profile_rules.item_salience(item),
                    parse_iso(item["timestamp"]),
                )
                if profile_rules.is_memorable(item)
                else None
            )
        moments = profile_rules.memorable_moments(kept, present)
        if not moments and not kept:
            return  # nothing learned yet: whatever a client set stays
        learned = [
            {"o": m.observation_id, "c": m.content, "s": m.salience, "t": iso(m.at)}
            for m in moments
        ]
        texts = [m.content for m in moments]
        if moments or profile.get("memorable_moments") == [m.content for m in kept]:
            put("memorable_moments", texts)
        put("learned_moments", learned)

    # --- the cap ----------------------------------------------------------------------

    async def _bound(
        self,
        key: str,
        pk: str,
        version: int,
        found: list[Item],
        summarised: frozenset[str],
        outcome: PlayerOutcome,
    ) -> list[Item]:
        """Merge, then drop, until the player is within max_observations_per_player;
        returns the live observations after."""
        cap = self._config.max_observations_per_player
        live = [i for i in found if is_live(i, self._epoch)]
        for _ in range(ATTEMPTS):
            if len(live) <= cap:
                return live
            done, complete = await self._merge(key, pk, version, live, outcome)
            version += done
            if complete and await self._drop(key, pk, version, live, summarised, outcome):
                return live
            # Another run or writer moved first: read again (the profile first).
            profile = await players.get_profile_item(self._db, key)
            if profile is None:
                return live
            version = int(profile.get("bound_version", 0))
            live = [i for i in await self._observations_of(pk) if is_live(i, self._epoch)]
        logger.warning("consolidation: %s stays above the observation cap this run", key)
        return live

    async def _merge(
        self, key: str, pk: str, version: int, live: list[Item], outcome: PlayerOutcome
    ) -> tuple[int, bool]:
        """Apply the planned merges to the table and to ``live``: (how many held, whether
        all did)."""
        done = 0
        for group in bounds.plan_merges(live, len(live) - self._config.max_observations_per_player):
            kept, absorbed = group[0], group[1:]
            sets, removes = bounds.merged_fields(group, self._now)
            if self._recall is not None:
                sets.update(await self._recall.vector_attributes(str(sets["content"])))
            else:
                removes += list(consolidation_writes.VECTOR_ATTRIBUTES)  # it described the old text
            items = consolidation_writes.merge_updates(kept, sets, removes, absorbed)
            guard = await self._kept_guard(kept)
            if guard is not None:
                long_term = sets.get("memory_tier") == MemoryTier.LONG_TERM.value
                ttl = None if long_term else sets.get("ttl")
                items.append(consolidation_writes.guard_follow(pk, guard, str(kept["sk"]), ttl))
            items.append(players.bound_claim(key, version + done))
            try:
                await self._db.transact(items)
            except TransactionCancelled:
                return done, False
            done += 1
            outcome.merged += len(absorbed)
            outcome.observations_trimmed += len(absorbed)
            merged = {k: v for k, v in {**kept, **sets}.items() if k not in removes}
            gone = {str(i["sk"]) for i in absorbed}
            live[:] = [merged if i["sk"] == kept["sk"] else i for i in live if i["sk"] not in gone]
            self._observations._index(merged)
            for item in absorbed:
                await self._forget_observation(pk, item)
        return done, True

    async def _kept_guard(self, kept: Mapping[str, Any]) -> str | None:
        """The kept member's dedup guard, when it still names it."""
        guard_sk = kept.get("dedup_sk")
        if not guard_sk:
            return None
        guard = await self._db.get(str(kept["pk"]), str(guard_sk))
        if guard is None or guard.get("observation_sk") != kept["sk"]:
            return None
        return str(guard_sk)

    async def _drop(
        self,
        key: str,
        pk: str,
        version: int,
        live: list[Item],
        summarised: frozenset[str],
        outcome: PlayerOutcome,
    ) -> bool:
        """Drop the least valuable; False when a transaction lost a race (read again)."""
        excess = len(live) - self._config.max_observations_per_player
        doomed = bounds.plan_drops(live, excess, summarised)
        step = TRANSACTION_ITEMS - 1
        for start in range(0, len(doomed), step):
            chunk = doomed[start : start + step]
            items = [*consolidation_writes.drop_deletes(chunk), players.bound_claim(key, version)]
            try:
                await self._db.transact(items)
            except TransactionCancelled:
                return False
            version += 1
            outcome.observations_trimmed += len(chunk)
            gone = {str(i["sk"]) for i in chunk}
            live[:] = [i for i in live if i["sk"] not in gone]
            for item in chunk:
                await self._forget_observation(pk, item)
        return True

    async def _forget_observation(self, pk: str, item: Mapping[str, Any]) -> None:
        """A deleted observation leaves this replica's index, and its guard goes with it
        (only while the guard still names it)."""
        self._observations.unindex(pk, str(item["sk"]))
        if item.get("dedup_sk"):
            await observations.drop_guard(self._db, pk, str(item["dedup_sk"]), str(item["sk"]))
