"""How a backfill run forms its lines: inline, right after each write, or by a worker.

- **Inline** (the local observer, formation waited for): each line is formed before its
  transaction is written (memory/formation/inline.py), and what it taught QAI is written
  in that transaction beside the line's marker, so the line and its formation commit
  together or not at all; no pending item. Two lines of one player saying the same thing
  reinforce one observation, in one transaction or across them (the player's
  observations are held while their lines are written). A line whose forming failed (an
  embedding error) falls back to the next way.
- **Right after each write** (a model backend, formation waited for): the line's pending
  item is written in its transaction, and each transaction's lines are formed in one
  batch right after it, while the other lanes write.
- **By the worker** (``form=False``): the pending items are left to this replica's
  worker, a server's, or the next consolidation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from qai_graph.errors import Conflict, StoreUnavailable
from qai_graph.memory.backfill.plan import Planned
from qai_graph.memory.formation import Formation
from qai_graph.store.formation import PendingExchange

logger = logging.getLogger(__name__)


class LineForming:
    """One run's formation of its lines (module docstring)."""

    def __init__(self, formation: Formation, *, form: bool) -> None:
        self._formation = formation
        waited = form and formation.enabled
        self._inline = formation.inline() if waited else None
        self._after_write = waited and self._inline is None
        self._to_form: list[PendingExchange] = []

    @property
    def inline(self) -> bool:
        """Lines are formed in their own transactions."""
        return self._inline is not None

    # --- inline ----------------------------------------------------------------------

    async def read(self, lines: Sequence[Planned]) -> None:
        """Form in memory the lines not read yet: each line's ``sentences``."""
        if self._inline is None:
            return
        todo = [x for x in lines if x.pending is not None and not x.observed]
        if not todo:
            return
        for x in todo:
            x.observed = True
        try:
            said = await self._inline.sentences([x.pending for x in todo if x.pending])
        except Exception:
            # Their pending items are written instead; formation forms them later.
            logger.exception("backfill: forming %d lines inline failed", len(todo))
            return
        for x, sentences in zip(todo, said, strict=True):
            x.sentences = sentences

    async def prepare(self, lines: Iterable[Planned]) -> None:
        """Read the observations of the players whose lines teach something."""
        if self._inline is not None:
            await self._inline.prepare(x.line.key for x in lines if x.sentences)

    def items(self, lines: Sequence[Planned]) -> list[tuple[str, list[dict[str, Any]]]]:
        """Apply the lines' sentences (in order); each player's transaction items."""
        if self._inline is None:
            return []
        teaching = [x for x in lines if x.sentences]
        for x in teaching:
            assert x.pending is not None and x.sentences is not None
            self._inline.apply(x.pending, x.sentences)
        return [
            (key, self._inline.items(key)) for key in dict.fromkeys(x.line.key for x in teaching)
        ]

    def failed(self, lines: Iterable[Planned], *, forget: bool) -> None:
        """The transaction did not go through: its changes are forgotten; ``forget``:
        the players' observations too (changed meanwhile: read again)."""
        if self._inline is not None:
            player_keys = {x.line.key for x in lines}
            self._inline.rollback(player_keys)
            if forget:
                self._inline.forget(player_keys)

    def done_with(self, player_keys: Iterable[str]) -> None:
        """No more lines of these players: let their observations go."""
        if self._inline is not None:
            self._inline.forget(player_keys)

    # --- after a commit --------------------------------------------------------------

    def committed(self, lines: Sequence[Planned]) -> None:
        """The lines' transaction went through: record what was formed inline, queue
        the pending ones."""
        formed = [x for x in lines if x.sentences is not None]
        if self._inline is not None and formed:
            self._inline.committed({x.line.key for x in formed}, len(formed))
        for x in lines:
            if x.pending is not None and x.queued:
                if self._after_write:
                    self._to_form.append(x.pending)
                else:
                    self._formation.submitted(x.pending)  # this replica's worker

    async def form_written(self) -> None:
        """Form what the lanes wrote as pending so far, in one batch, while the other
        lanes write (the worker's small idle-time batches would wait behind every
        transaction)."""
        if not self._to_form:
            return
        batch, self._to_form = self._to_form, []
        try:
            await self._formation.form(batch)
        except (StoreUnavailable, Conflict) as exc:
            # Their pending items stay in the table: the final drain forms them.
            logger.warning(
                "backfill: forming %d lines failed (%s); left for the drain", len(batch), exc
            )
