"""Recall usage: which observations recall returns, counted for consolidation.

Consolidation drops the least valuable observations first, and "never recalled" is one
of the signs (issue 20). Each time recall answers with observations (``recall``,
``playerContext``, the prompt's memories and its player context), their keys are noted
here; a flush writes ``recall_count`` += n and ``last_recalled`` on each item
(``store.observations.note_recalled``).

- Off the request path: ``note`` only adds to a dict; a task of its own flushes after
  ``window_s``, then ends when nothing is pending (no task lingers on an idle replica).
- Batched and deduplicated per replica: an observation recalled ten times in a window is
  one UpdateItem adding 10.
- Bounded: at most ``max_pending`` distinct keys wait; beyond that new ones are dropped
  (counted in ``dropped``). A usage count is a hint, not a memory: losing some under
  overload, or at a crash, costs a slightly worse choice of what to trim.
- Never fails a request: ``note`` cannot raise, and a failed flush is logged and dropped.

Writes go through the recall index's own client (background traffic, as its poll), so
they are part of no request's DynamoDB calls. ``drain`` (from ``RecallIndex.stop``)
writes what is pending before the service closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from qai_graph.store.client import DynamoClient
from qai_graph.store.observations import note_recalled

logger = logging.getLogger(__name__)

WINDOW_S = 1.0  # how long recalls are gathered before one flush
MAX_PENDING = 10_000  # distinct observations waiting for a flush
DRAIN_TIMEOUT_S = 2.0  # what a shutdown waits for the last flush

Key = tuple[str, str]


class RecallUsage:
    """Counts recalls of observations and writes them in batches, in the background."""

    def __init__(
        self, db: DynamoClient, *, window_s: float = WINDOW_S, max_pending: int = MAX_PENDING
    ) -> None:
        self._db = db
        self._window_s = window_s
        self._max_pending = max_pending
        self._pending: dict[Key, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._waiting = False  # the task sleeps (cancelling it loses nothing)
        self.dropped = 0  # keys refused because the queue was full
        self.written = 0  # items updated by flushes
        self.failed = 0  # flushes that failed (their counts are lost)

    @property
    def pending(self) -> int:
        """Distinct observations waiting for a flush."""
        return len(self._pending)

    def note(self, keys: Iterable[Key]) -> None:
        """Count one recall of each observation key; returns at once, never raises."""
        try:
            for key in keys:
                if key in self._pending:
                    self._pending[key] += 1
                elif len(self._pending) < self._max_pending:
                    self._pending[key] = 1
                else:
                    self.dropped += 1
            if self._pending and (self._task is None or self._task.done()):
                self._task = asyncio.get_running_loop().create_task(
                    self._run(), name="recall-usage-flush"
                )
        except Exception:  # a usage count must never cost the request its answer
            logger.debug("recall usage not noted", exc_info=True)

    async def _run(self) -> None:
        while self._pending:
            self._waiting = True
            try:
                await asyncio.sleep(self._window_s)
            finally:
                self._waiting = False
            await self.flush()

    async def flush(self) -> int:
        """Write what is pending now; returns how many items were updated."""
        batch, self._pending = self._pending, {}
        if not batch:
            return 0
        try:
            done = await note_recalled(self._db, batch, datetime.now(UTC))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.failed += 1
            logger.warning("recall usage of %d observations not written: %r", len(batch), exc)
            return 0
        self.written += done
        return done

    async def drain(self) -> None:
        """Write what is pending now: a waiting flush is cut short, one under way is let
        finish (each bounded by DRAIN_TIMEOUT_S)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            if self._waiting:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, DRAIN_TIMEOUT_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), DRAIN_TIMEOUT_S)
