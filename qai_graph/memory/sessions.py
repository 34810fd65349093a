"""Working memory: per-session conversation state, kept in the table.

Sessions live in the table so every replica and every restart sees them. Their expiry
slides: each write sets ``ttl`` to the last activity plus ``session_ttl``, so an active
session never dies mid-conversation (the seed counted from the session's start).

Each replica remembers the sessions it last read or wrote (and their versions), so the
bot loop's ``recordInteraction`` can append its exchange inside the interaction's own
transaction, right after the ``systemPrompt`` that read the session, without reading it
again. The version condition makes a stale copy (another replica wrote since) a
cancelled transaction and a retry that reads, never a lost message.
"""

from __future__ import annotations

import asyncio
import random
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from qai_graph.config import MemoryConfig
from qai_graph.errors import Conflict, InvalidInput
from qai_graph.models import SessionContext, SessionMessage
from qai_graph.store import keys, sessions
from qai_graph.store.client import DynamoClient

T = TypeVar("T")
ROLES = {"user", "assistant", "system"}
MAX_MESSAGE_CHARS = 4000
MAX_PENDING_QUESTIONS = 20
_WRITE_ATTEMPTS = 25
_EDITABLE = {"player", "current_topic", "pending_questions"}
RECENT_SESSIONS = 1024  # sessions whose last state a replica remembers (LRU)


def _now() -> datetime:
    return datetime.now(UTC)


def turns_of(session: SessionContext, before: datetime | None = None) -> list[tuple[str, str]]:
    """A session's chat turns as (speaker, text), oldest first (only those said before
    ``before`` when given). QAI's lines have the speaker ``QAI``."""
    return [
        ("QAI" if m.role == "assistant" else (m.speaker or session.player or "player"), m.content)
        for m in session.recent_messages
        if m.role in ("user", "assistant") and (before is None or m.timestamp < before)
    ]


class Unread:
    """Marks "no read was made" apart from a read that found no session (None)."""


UNREAD = Unread()


class WorkingMemory:
    """Sessions over the table, written with optimistic concurrency."""

    def __init__(self, db: DynamoClient, config: MemoryConfig) -> None:
        self._db = db
        self._config = config
        # session id -> (a copy of its state, its version), or None: read and absent.
        self._recent: OrderedDict[str, tuple[SessionContext, int] | None] = OrderedDict()

    async def get_session(self, session_id: str) -> SessionContext | None:
        """The live session, or None (read-only)."""
        found = await sessions.read(self._db, session_id, int(_now().timestamp()))
        self._remember(session_id, found)
        return found[0] if found else None

    def exchange_in_transaction(
        self, session_id: str, player: str, said: str, reply: str | None
    ) -> tuple[dict[str, Any], SessionContext, int] | None:
        """A transaction item appending an exchange to a session this replica read or
        wrote last, conditioned on that version; with the session and version it writes.
        None when the replica has no copy (the caller reads, then writes)."""
        if session_id not in self._recent:
            return None
        known = self._recent[session_id]
        now = _now()
        now_epoch = int(now.timestamp())
        if known is not None and (known[0].expires_at or 0) <= now_epoch:
            known = None  # expired since: replaced, as a new session would be
        if known is None:
            session = SessionContext(
                session_id=session_id, started_at=now, last_active_at=now, player=player
            )
            version = None
        else:
            session, version = _copy(known[0]), known[1]
        self._append_exchange(session, player, said, reply, now)
        session.last_active_at = now
        session.expires_at = now_epoch + self._config.session_ttl
        item, written = sessions.write_in_transaction(
            session, version, now_epoch, self._config.tier_index_shards
        )
        return item, session, written

    def cached_turns(self, session_id: str) -> list[tuple[str, str]]:
        """The remembered copy's turns (see ``turns_of``); no read ([] when this replica
        holds no copy)."""
        known = self._recent.get(session_id)
        return turns_of(known[0]) if known else []

    def remember(self, session_id: str, session: SessionContext, version: int) -> None:
        """Note a session state this replica wrote (its transaction succeeded)."""
        self._remember(session_id, (session, version))

    def forget_copy(self, session_id: str) -> None:
        """Drop the remembered state (a write found it stale)."""
        self._recent.pop(session_id, None)

    def _remember(self, session_id: str, found: tuple[SessionContext, int] | None) -> None:
        self._recent[session_id] = (_copy(found[0]), found[1]) if found else None
        self._recent.move_to_end(session_id)
        while len(self._recent) > RECENT_SESSIONS:
            self._recent.popitem(last=False)

    async def get_or_create_session(
        self, session_id: str, player: str | None = None
    ) -> SessionContext:
        """The session, created if absent; a given player is attached if none was."""
        display = keys.clean_display_name(player) if player else None

        def attach(session: SessionContext) -> tuple[SessionContext, None]:
            if display and not session.player:
                session.player = display
            return session, None

        session, _ = await self._mutate(session_id, attach, player=display)
        return session

    async def add_message(self, session_id: str, role: str, content: str) -> SessionContext:
        """Append a message; only the last ``session_max_messages`` are kept."""
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {sorted(ROLES)}", field="role")
        message = _checked_text(content, "content")

        def append(session: SessionContext) -> tuple[SessionContext, None]:
            session.recent_messages = self._trim(
                [
                    *session.recent_messages,
                    SessionMessage(role=role, content=message, timestamp=_now()),
                ]
            )
            return session, None

        session, _ = await self._mutate(session_id, append)
        return session

    async def add_exchange(
        self,
        session_id: str,
        player: str,
        said: str,
        reply: str | None,
        prefetched: tuple[SessionContext, int] | Unread | None = UNREAD,
    ) -> SessionContext:
        """Append a player's message and QAI's reply in one write; ``prefetched`` is a read
        of the session already made (the first attempt then writes without reading)."""
        now = _now()

        def append(session: SessionContext) -> tuple[SessionContext, None]:
            self._append_exchange(session, player, said, reply, now)
            return session, None

        session, _ = await self._mutate(session_id, append, player=player, prefetched=prefetched)
        return session

    def _append_exchange(
        self, session: SessionContext, player: str, said: str, reply: str | None, now: datetime
    ) -> None:
        new = [SessionMessage(role="user", content=said, timestamp=now, speaker=player)]
        if reply:
            new.append(SessionMessage(role="assistant", content=reply, timestamp=now))
        session.recent_messages = self._trim([*session.recent_messages, *new])
        if not session.player:
            session.player = player

    async def read_for_write(self, session_id: str) -> tuple[SessionContext, int] | None:
        """The live session and its version, for a later ``prefetched`` write."""
        found = await sessions.read(self._db, session_id, int(_now().timestamp()))
        self._remember(session_id, found)
        return found

    async def update_session(self, session_id: str, **fields: Any) -> SessionContext:
        """Set session fields: player, current_topic, pending_questions."""
        unknown = set(fields) - _EDITABLE
        if unknown:
            raise InvalidInput(f"cannot update session fields {sorted(unknown)}", field="fields")
        if fields.get("player"):
            fields["player"] = keys.clean_display_name(fields["player"])
        if "pending_questions" in fields:
            fields["pending_questions"] = [
                _checked_text(q, "pending_questions") for q in fields["pending_questions"] or []
            ][:MAX_PENDING_QUESTIONS]

        def apply(session: SessionContext) -> tuple[SessionContext, None]:
            for name, value in fields.items():
                setattr(session, name, value)
            return session, None

        session, _ = await self._mutate(session_id, apply)
        return session

    async def add_pending_question(self, session_id: str, question: str) -> SessionContext:
        """Queue a question QAI wants to ask (first in, first out)."""
        text = _checked_text(question, "question")

        def push(session: SessionContext) -> tuple[SessionContext, None]:
            session.pending_questions = [*session.pending_questions, text][-MAX_PENDING_QUESTIONS:]
            return session, None

        session, _ = await self._mutate(session_id, push)
        return session

    async def pop_pending_question(self, session_id: str) -> str | None:
        """Take the oldest pending question, or None; never creates a session."""
        if await self.get_session(session_id) is None:
            return None

        def pop(session: SessionContext) -> tuple[SessionContext, str | None]:
            if not session.pending_questions:
                return session, None
            first, *rest = session.pending_questions
            session.pending_questions = rest
            return session, first

        _, question = await self._mutate(session_id, pop)
        return question

    def _trim(self, messages: list[SessionMessage]) -> list[SessionMessage]:
        return messages[-self._config.session_max_messages :]

    async def _mutate(
        self,
        session_id: str,
        change: Callable[[SessionContext], tuple[SessionContext, T]],
        player: str | None = None,
        prefetched: tuple[SessionContext, int] | Unread | None = UNREAD,
    ) -> tuple[SessionContext, T]:
        """Read, change, write back; a lost race re-reads and re-applies the change."""
        keys.check_id(session_id, "session_id")
        for attempt in range(_WRITE_ATTEMPTS):
            if attempt:
                # Jittered backoff: many chat messages into one session at once would
                # otherwise retry in lockstep and keep colliding.
                await asyncio.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))
            now = _now()
            now_epoch = int(now.timestamp())
            if attempt == 0 and not isinstance(prefetched, Unread):
                # The version condition below makes a stale prefetch a lost race, no more.
                found = prefetched
            else:
                found = await sessions.read(self._db, session_id, now_epoch)
            if found:
                session, version = found[0], found[1]
            else:
                session = SessionContext(
                    session_id=session_id, started_at=now, last_active_at=now, player=player
                )
                version = None
            session, result = change(session)
            session.last_active_at = now
            session.expires_at = now_epoch + self._config.session_ttl
            if await sessions.write(
                self._db, session, version, now_epoch, self._config.tier_index_shards
            ):
                self._remember(session_id, (session, 1 if version is None else version + 1))
                return session, result
        self.forget_copy(session_id)
        raise Conflict(f"session {session_id!r} is being changed too often; retry")


def _copy(session: SessionContext) -> SessionContext:
    """A copy that changes to the original cannot reach: this module only reassigns a
    session's fields and lists (never edits a message), so fresh lists suffice, at a
    fraction of a deep copy's cost."""
    return session.model_copy(
        update={
            "recent_messages": list(session.recent_messages),
            "pending_questions": list(session.pending_questions),
        }
    )


def _checked_text(text: str, field: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(f"{field} is longer than {MAX_MESSAGE_CHARS} characters", field=field)
    return text
