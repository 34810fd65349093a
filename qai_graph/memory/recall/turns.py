"""The turns around a recalled interaction (``Memory.context``), as the asker may see them.

Neighbours come from the index's threads (``search.threads``): the nearest turns before
and after in the same conversation, by pointer. A turn the asker may not be shown
(hidden, flagged or private and not their own, a banned player's, expired) is skipped as
if it had not been said: never shown, and not counted in the positions. Recall checks
each shown turn against the table again (``may_see``, in the same batch read as the
memories); the prompt takes them from the index, as it takes its memories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from qai_graph.memory.recall.search.doc import Doc
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.models import ContextTurn

MAX_TURNS = 3  # on each side, at most
WALK = 12  # turns looked at on each side at most (withheld ones are skipped)


def shown(index: MemoryIndex, doc: Doc, asker: str | None, now: float) -> bool:
    """Whether ``asker`` may be shown an indexed memory (as ``MemoryIndex.visible``)."""
    if doc.hidden or doc.ttl <= now or (doc.player is not None and doc.player in index.banned):
        return False
    return not doc.restricted or (doc.player is not None and doc.player == asker)


def around(
    index: MemoryIndex, doc: Doc, asker: str | None, now: float, before: int, after: int
) -> list[tuple[int, Doc]]:
    """Up to ``before`` and ``after`` turns the asker may see around an indexed turn, as
    (position, doc): -1 the nearest before, 1 the nearest after; nearest first."""
    slot = index.slots.get((doc.pk, doc.sk))
    if slot is None or doc.thread is None:
        return []
    found: list[tuple[int, Doc]] = []
    sides = ((-1, before, index.threads.previous), (1, after, index.threads.following))
    for sign, wanted, step in sides:
        current, taken = slot, 0
        for _ in range(WALK):
            if taken >= min(wanted, MAX_TURNS):
                break
            current = step(current)
            neighbour = index.docs[current] if current >= 0 else None
            if neighbour is None:
                break
            if shown(index, neighbour, asker, now):
                taken += 1
                found.append((sign * taken, neighbour))
    return found


def from_doc(position: int, doc: Doc) -> ContextTurn:
    """A turn as the index keeps it (QAI's reply cut as the index keeps it)."""
    return ContextTurn(
        position=position, interaction_id=doc.ident, player=doc.display or doc.player or "",
        message=doc.text, response=doc.response, channel=doc.channel, flag=doc.flag,
        private=doc.private,
        timestamp=datetime.fromtimestamp(doc.timestamp, UTC) if doc.timestamp else None,
    )  # fmt: skip


def from_item(position: int, item: Mapping[str, Any]) -> ContextTurn:
    """A turn as the table has it."""
    said = item.get("timestamp")
    return ContextTurn(
        position=position, interaction_id=str(item.get("interaction_id", "")),
        player=str(item.get("player", "")), message=str(item.get("message", "")),
        response=item.get("qai_response") or None, channel=item.get("channel"),
        flag=item.get("flag") or None, private=bool(item.get("private", False)),
        timestamp=datetime.fromisoformat(said) if isinstance(said, str) and said else None,
    )  # fmt: skip


def renumbered(turns: Sequence[ContextTurn]) -> list[ContextTurn]:
    """Turns in time order, positions counted again among those kept (a turn the table
    withheld leaves no gap that would say it exists)."""
    before = sorted((t for t in turns if t.position < 0), key=lambda t: t.position, reverse=True)
    after = sorted((t for t in turns if t.position > 0), key=lambda t: t.position)
    kept = [t.model_copy(update={"position": -n}) for n, t in enumerate(before, start=1)]
    kept.reverse()
    return kept + [t.model_copy(update={"position": n}) for n, t in enumerate(after, start=1)]
