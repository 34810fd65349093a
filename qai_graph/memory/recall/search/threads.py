"""Conversations in the recall index: each thread's turns in time order, and each turn's
neighbours, kept as slot pointers (never a copy of their text).

A thread is the session an interaction was said in. A line without a session threads
with its channel's lines of the same UTC day, and follows the line before it only when
that one is at most ``CHANNEL_GAP_S`` older: chat without a session is one room, where a
line said long after another answers nothing. Only interactions have a thread.

Invariants: ``previous[s]`` and ``following[s]`` are slots of the same thread, or -1
(none, or too far apart in a channel thread); a thread's members are in (time, sort
key) order unless it is marked dirty (a turn arrived older than its last one, as in
the build's table scan, which is in no time order); ``settle`` sorts and relinks the
dirty threads, and every read of the links settles first. Appending in time order, the
live case, is O(1); the build settles each thread once.
"""

from __future__ import annotations

from array import array
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from qai_graph.memory.recall.search.columns import Grow
from qai_graph.memory.recall.search.doc import Doc

CHANNEL_GAP_S = 600.0
CHANNEL_MARK = "#"  # starts a channel thread's key; no session id can hold a '#'
I32 = npt.NDArray[np.int32]


def thread_key(session: str | None, channel: str | None, at: float) -> str:
    """The thread of an interaction: its session, else its channel's day."""
    if session:
        return session
    return f"{CHANNEL_MARK}{channel or ''}@{int(at // 86400)}"


class Threads:
    """Every thread's members, and each slot's previous and following turn."""

    def __init__(self, docs: list[Doc | None]) -> None:
        self._docs = docs  # the index's own list (slot -> doc)
        self._members: dict[str, array[int]] = {}
        self._dirty: set[str] = set()
        self._previous = Grow(np.int32, -1)
        self._following = Grow(np.int32, -1)
        self._channel = Grow(np.bool_, False)  # a channel thread's turn, not a session's

    def __len__(self) -> int:
        return len(self._members)

    def add(self, slot: int, doc: Doc) -> None:
        """Place a new slot's turn in its thread."""
        self._previous.ensure(slot + 1)
        self._following.ensure(slot + 1)
        self._channel.ensure(slot + 1)
        key = doc.thread
        if key is None:
            return
        self._channel.data[slot] = key.startswith(CHANNEL_MARK)
        members = self._members.get(key)
        if members is None:
            self._members[key] = array("I", [slot])
            return
        if key not in self._dirty:
            last = members[-1]
            if self._order(last) <= self._order(slot):
                members.append(slot)
                self._link(key, last, slot)
                return
            self._dirty.add(key)  # older than the thread's last: sorted when read
        members.append(slot)

    def remove(self, slot: int, doc: Doc) -> None:
        """Take a slot's turn out of its thread; its neighbours become each other's."""
        key = doc.thread
        members = self._members.get(key) if key is not None else None
        if key is None or members is None:
            return
        try:
            at = members.index(slot)  # a C scan; a thread is one conversation
        except ValueError:
            return
        before = members[at - 1] if at else -1
        del members[at]
        after = members[at] if at < len(members) else -1
        self._previous.data[slot] = self._following.data[slot] = -1
        if not members:
            del self._members[key]
            self._dirty.discard(key)
        elif key not in self._dirty:
            if before >= 0:
                self._following.data[before] = -1
            if after >= 0:
                self._previous.data[after] = -1
            if before >= 0 and after >= 0:
                self._link(key, before, after)

    def settle(self) -> None:
        """Sort the threads that took a turn out of order, and relink them."""
        for key in self._dirty:
            ordered = sorted(self._members[key], key=self._order)
            self._members[key] = array("I", ordered)
            self._previous.data[ordered[0]] = -1
            self._following.data[ordered[-1]] = -1
            for a, b in pairwise(ordered):
                self._link(key, a, b)
        self._dirty.clear()

    def links(self, size: int) -> tuple[I32, I32]:
        """Each slot's previous and following turn (-1: none), for ``size`` slots."""
        self.settle()
        return self._previous.data[:size], self._following.data[:size]

    def in_channel(self, size: int) -> npt.NDArray[np.bool_]:
        """Whether each slot's turn is in a channel thread (no session), for ``size`` slots."""
        return self._channel.data[:size]

    def previous(self, slot: int) -> int:
        """The turn before a slot's in its thread, or -1."""
        self.settle()
        return int(self._previous.data[slot]) if slot < len(self._previous.data) else -1

    def following(self, slot: int) -> int:
        """The turn after a slot's in its thread, or -1."""
        self.settle()
        return int(self._following.data[slot]) if slot < len(self._following.data) else -1

    def memory_bytes(self) -> int:
        """Bytes of the link columns and the members' arrays."""
        members = sum(4 * len(m) for m in self._members.values())
        columns = (
            self._previous.data.nbytes + self._following.data.nbytes + self._channel.data.nbytes
        )
        return columns + members

    def _order(self, slot: int) -> tuple[float, str]:
        doc = self._docs[slot]
        return (doc.timestamp, doc.sk) if doc is not None else (0.0, "")

    def _link(self, key: str, before: int, after: int) -> None:
        """Make two consecutive members of a thread each other's neighbours (a channel
        thread's only when close enough in time)."""
        first, second = self._docs[before], self._docs[after]
        close = (
            not key.startswith(CHANNEL_MARK)
            or first is None
            or second is None
            or second.timestamp - first.timestamp <= CHANNEL_GAP_S
        )
        self._following.data[before] = after if close else -1
        self._previous.data[after] = before if close else -1
