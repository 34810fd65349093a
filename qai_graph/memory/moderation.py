"""Moderation: what moderators do to memories and players, each action logged with who.

- ``flagged``: the queue of flagged memories, newest first; an entry whose memory
  expired, was deleted or was released is skipped.
- ``release``: a flagged memory is fine after all: its flag goes, its queue entry too.
- ``hide`` / ``unhide``: any interaction or observation leaves (or rejoins) every prompt
  and recall; nothing is deleted.
- ``forget_observation``: the observation, its dedup guard and its queue entry are deleted.
- ``ban`` / ``unban``: every memory of a player leaves (or rejoins) every prompt and
  recall at once; nothing is deleted (``forgetPlayer`` is the erasure).
- ``log`` and ``banned``: the moderation log, newest first, and the ban list.

Every change is one transaction with its log entry and a marker (``store.moderation``):
this replica's recall index applies the marker at once, the others within their poll
(``recall/search/sync``), and prompts read the player's context from the table, where
``hidden`` and ``banned`` are already set. A change that finds nothing to do (hiding a
hidden memory, banning a banned player: a retry) writes and logs nothing and answers
``changed: false``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.errors import Conflict, NotFound
from qai_graph.memory import cursors, validation
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.models import Page
from qai_graph.moderation_models import (
    Actor,
    BanChanged,
    BannedPlayer,
    FlaggedMemory,
    MemoryKind,
    MemoryModerated,
    MemoryRef,
    ModerationAction,
    ModerationEntry,
    ObservationForgotten,
)
from qai_graph.store import keys, moderation, observations, players
from qai_graph.store.client import DynamoClient, TransactionCancelled
from qai_graph.store.codec import iso, parse_iso
from qai_graph.store.items import is_live
from qai_graph.store.moderation import Marker

logger = logging.getLogger(__name__)

MAX_REASON_CHARS = 500
_ATTEMPTS = 8


def _now() -> datetime:
    return datetime.now(UTC)


def _ref_of(pk: str, sk: str) -> MemoryRef:
    found = keys.memory_ref_of(pk, sk)
    assert found is not None, (pk, sk)
    kind, subject, ident = found
    return MemoryRef(kind=MemoryKind(kind), subject=subject, id=ident)


def _moderated(ref: MemoryRef, item: Mapping[str, Any], changed: bool) -> MemoryModerated:
    return MemoryModerated(
        memory=ref,
        changed=changed,
        hidden=bool(item.get("hidden", False)),
        flag=item.get("flag") or None,
        flag_reasons=[str(r) for r in item.get("flag_reasons") or []] if item.get("flag") else [],
    )


def _ban_state(item: Mapping[str, Any], changed: bool) -> BanChanged:
    since = item.get("banned_at")
    return BanChanged(
        name=str(item["name"]),
        banned=bool(item.get("banned", False)),
        changed=changed,
        reason=item.get("ban_reason") if item.get("banned") else None,
        since=parse_iso(since) if item.get("banned") and since else None,
    )


def entry_from_item(item: Mapping[str, Any]) -> ModerationEntry:
    """A moderation log item as the model."""
    memory = None
    if item.get("memory_kind"):
        memory = MemoryRef(
            kind=MemoryKind(item["memory_kind"]),
            subject=str(item["memory_subject"]),
            id=str(item["memory_id"]),
        )
    return ModerationEntry(
        entry_id=str(item["entry_id"]),
        at=parse_iso(item["at"]),
        action=ModerationAction(item["action"]),
        actor=str(item["actor"]),
        actor_role=item.get("actor_role"),
        reason=item.get("reason"),
        memory=memory,
        player=item.get("player"),
    )


class Moderation:
    """The moderation use cases; each change reaches this replica's recall index at once."""

    def __init__(self, db: DynamoClient, config: MemoryConfig, recall: RecallIndex) -> None:
        self._db = db
        self._config = config
        self._recall = recall

    # --- reading -----------------------------------------------------------------------

    async def flagged(self, first: int = 20, after: str | None = None) -> Page:
        """A page of flagged memories waiting for a moderator, newest first."""
        validation.page_size(first)
        position = cursors.decode("flagged", after)
        now_epoch = int(_now().timestamp())
        kept: list[tuple[dict[str, Any], dict[str, Any]]] = []
        while len(kept) <= first:
            entries, next_sk = await moderation.flagged_page(
                self._db, first + 1 - len(kept), position, now_epoch
            )
            states = await moderation.memory_states(
                self._db, [(e["memory_pk"], e["memory_sk"]) for e in entries]
            )
            for entry in entries:
                state = states.get((entry["memory_pk"], entry["memory_sk"]))
                # Expired, deleted (consolidation's trims) or released meanwhile: skipped.
                if state is not None and is_live(state, now_epoch) and state.get("flag"):
                    kept.append((entry, state))
            if next_sk is None:
                break
            position = next_sk
        page = kept[:first]
        more = len(kept) > first and page
        cursor = cursors.encode("flagged", page[-1][0]["sk"]) if more else None
        return Page(items=[_flagged(e, s) for e, s in page], next_cursor=cursor)

    async def log(self, first: int = 20, after: str | None = None) -> Page:
        """A page of the moderation log, newest first."""
        validation.page_size(first)
        items, next_sk = await moderation.audit_page(
            self._db, first, cursors.decode("moderation-log", after)
        )
        cursor = cursors.encode("moderation-log", next_sk) if next_sk else None
        return Page(items=[entry_from_item(i) for i in items], next_cursor=cursor)

    async def banned(self, first: int = 20, after: str | None = None) -> Page:
        """A page of the players under a ban, by key."""
        validation.page_size(first)
        items, next_sk = await moderation.bans_page(
            self._db, first, cursors.decode("banned", after)
        )
        cursor = cursors.encode("banned", next_sk) if next_sk else None
        return Page(
            items=[
                BannedPlayer(
                    name=str(i["name"]),
                    reason=i.get("reason"),
                    since=parse_iso(i["since"]),
                    by=str(i["by"]),
                )
                for i in items
            ],
            next_cursor=cursor,
        )

    # --- memories ----------------------------------------------------------------------

    async def hide(
        self, ref: MemoryRef, actor: Actor, reason: str | None = None
    ) -> MemoryModerated:
        """Take a memory out of every prompt and recall (reversible: ``unhide``)."""
        return await self._memory(ref, ModerationAction.HIDE, actor, reason)

    async def unhide(
        self, ref: MemoryRef, actor: Actor, reason: str | None = None
    ) -> MemoryModerated:
        """Show a hidden memory again."""
        return await self._memory(ref, ModerationAction.UNHIDE, actor, reason)

    async def release(
        self, ref: MemoryRef, actor: Actor, reason: str | None = None
    ) -> MemoryModerated:
        """A flagged memory is fine: its flag and its queue entry go; others see it again."""
        return await self._memory(ref, ModerationAction.RELEASE, actor, reason)

    async def _memory(
        self, ref: MemoryRef, action: ModerationAction, actor: Actor, reason: str | None
    ) -> MemoryModerated:
        why = _reason(reason, required=False)
        pk, sk = keys.memory_key(ref.kind.value, ref.subject, ref.id)
        ref = _ref_of(pk, sk)  # as stored: the subject normalised
        for _ in range(_ATTEMPTS):
            now = _now()
            item = await self._db.get(pk, sk)
            if item is None or not is_live(item, int(now.timestamp())):
                raise NotFound(f"no {ref.kind.value} {ref.id!r} of {ref.subject!r}")
            after = dict(item)
            if action is ModerationAction.RELEASE:
                if not item.get("flag"):
                    return _moderated(ref, item, changed=False)
                after.pop("flag", None)
                after.pop("flag_reasons", None)
                change = [moderation.release_update(item), moderation.drop_flagged(pk, sk)]
            else:
                hidden = action is ModerationAction.HIDE
                if bool(item.get("hidden", False)) == hidden:
                    return _moderated(ref, item, changed=False)
                after["hidden"] = hidden
                change = [moderation.hidden_update(item, hidden)]
            marker = Marker(
                pk,
                sk,
                moderation.version_of(item) + 1,
                hidden=bool(after.get("hidden", False)),
                flag=after.get("flag") or None,
            )
            player = keys.player_key_or_none(pk)
            if not await self._apply(
                change, marker, action, actor, why, now, ref=ref, player=player
            ):
                continue  # moderated by someone else meanwhile: decide again on what is there
            return _moderated(ref, after, changed=True)
        raise Conflict("the memory kept changing while being moderated; retry")

    async def forget_observation(
        self, subject: str, observation_id: str, actor: Actor, reason: str | None = None
    ) -> ObservationForgotten:
        """Delete an observation, its dedup guard and its queue entry; ``deleted`` false
        when it was already gone (a retry)."""
        why = _reason(reason, required=False)
        pk, sk = keys.memory_key(MemoryKind.OBSERVATION.value, subject, observation_id)
        ref = _ref_of(pk, sk)
        for _ in range(_ATTEMPTS):
            now = _now()
            item = await self._db.get(pk, sk)
            if item is None:
                return ObservationForgotten(subject=ref.subject, id=ref.id, deleted=False)
            marker = Marker(pk, sk, moderation.version_of(item) + 1, deleted=True)
            change = [moderation.delete_memory(item), moderation.drop_flagged(pk, sk)]
            action = ModerationAction.FORGET_OBSERVATION
            player = keys.player_key_or_none(pk)
            if not await self._apply(
                change, marker, action, actor, why, now, ref=ref, player=player
            ):
                continue
            guard = item.get("dedup_sk")
            if guard:
                # Apart from the transaction: the guard may already name a newer observation
                # (then it is kept). One left behind by a crash here is cleared by the next
                # store of that content (observations._guarded_observation).
                await observations.drop_guard(self._db, pk, str(guard), sk)
            return ObservationForgotten(subject=ref.subject, id=ref.id, deleted=True)
        raise Conflict("the observation kept changing while being forgotten; retry")

    # --- players -----------------------------------------------------------------------

    async def ban(self, name: str, reason: str, actor: Actor) -> BanChanged:
        """Take every memory of a player out of every prompt and recall, on every replica;
        NotFound for a player never met (nothing is created)."""
        return await self._ban(name, True, actor, _reason(reason, required=True))

    async def unban(self, name: str, actor: Actor, reason: str | None = None) -> BanChanged:
        """Lift a ban: the player's memories rejoin prompts and recall."""
        return await self._ban(name, False, actor, _reason(reason, required=False))

    async def _ban(self, name: str, banned: bool, actor: Actor, why: str | None) -> BanChanged:
        display = keys.clean_display_name(name)
        key = display.casefold()
        action = ModerationAction.BAN if banned else ModerationAction.UNBAN
        for _ in range(_ATTEMPTS):
            now = _now()
            item = await players.get_profile_item(self._db, key)
            if item is None:
                raise NotFound(f"no player named {display!r}")
            if bool(item.get("banned", False)) == banned:
                return _ban_state(item, changed=False)
            at = iso(now)
            if banned:
                assert why is not None
                after = {**item, "banned": True, "ban_reason": why, "banned_at": at}
                change = [
                    moderation.ban_update(item, reason=why, at=at, by=actor.name),
                    moderation.ban_entry(
                        key, str(item["name"]), reason=why, since=at, by=actor.name
                    ),
                ]
            else:
                after = {k: v for k, v in item.items() if k not in moderation.BAN_ATTRIBUTES}
                change = [moderation.unban_update(item), moderation.drop_ban_entry(key)]
            marker = Marker(
                item["pk"], keys.PROFILE_SK, moderation.version_of(item) + 1, banned=banned
            )
            if not await self._apply(change, marker, action, actor, why, now, player=key):
                continue
            return _ban_state(after, changed=True)
        raise Conflict("the player kept changing while being moderated; retry")

    async def erase_player(self, name: str) -> int:
        """forgetPlayer's share: the player's ban-list entry and their memories' queue
        entries (the flagged text) go with them; the log keeps what moderators did."""
        return await moderation.forget_player_entries(self._db, keys.player_key(name))

    # --- the one write of every change ---------------------------------------------------

    async def _apply(
        self,
        change: list[dict[str, Any]],
        marker: Marker,
        action: ModerationAction,
        actor: Actor,
        reason: str | None,
        now: datetime,
        *,
        ref: MemoryRef | None = None,
        player: str | None = None,
    ) -> bool:
        """Write ``change`` (its first item conditioned on the target as read) with the
        marker and the log entry; apply the marker here. False when the target changed."""
        time_id = keys.new_time_id(now.timestamp())
        ttl = int(now.timestamp()) + max(self._config.short_term_ttl, self._config.interaction_ttl)
        marker_item = moderation.marker_item(marker, time_id, ttl, self._config.tier_index_shards)
        entry = {
            "entry_id": time_id,
            "at": iso(now),
            "action": action.value,
            "actor": actor.name,
            "actor_role": actor.role,
            "reason": reason,
            "memory_kind": ref.kind.value if ref else None,
            "memory_subject": ref.subject if ref else None,
            "memory_id": ref.id if ref else None,
            "player": player,
        }
        try:
            await self._db.transact(
                [*change, moderation.put_marker(marker_item), moderation.audit_entry(entry)]
            )
        except TransactionCancelled as exc:
            if exc.failed(0):
                return False
            raise
        self._recall.observe(marker_item)
        target = f"{ref.kind.value} {ref.subject} {ref.id}" if ref else f"player {player}"
        logger.info(
            "moderation: %s %s by %s (%s)%s",
            action.value,
            target,
            actor.name,
            actor.role or "-",
            f": {reason}" if reason else "",
        )
        return True


def _reason(reason: str | None, *, required: bool) -> str | None:
    text = validation.text(reason, "reason", MAX_REASON_CHARS, required=required)
    return text.strip() or None if text is not None else None


def _flagged(entry: Mapping[str, Any], state: Mapping[str, Any]) -> FlaggedMemory:
    return FlaggedMemory(
        memory=_ref_of(str(entry["memory_pk"]), str(entry["memory_sk"])),
        player=entry.get("player"),
        flag=str(entry["flag"]),
        flag_reasons=[str(r) for r in entry.get("flag_reasons") or []],
        text=str(entry.get("text", "")),
        timestamp=datetime.fromisoformat(str(entry["timestamp"])),
        hidden=bool(state.get("hidden", False)),
    )
