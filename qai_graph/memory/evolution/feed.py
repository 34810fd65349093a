"""Evolution events across replicas, with the table as the source of truth.

A replica hears its own mutations at once (the in-process :class:`EventHub`); what the
other replicas did it reads from the table. While this replica has subscribers, an
:class:`EvolutionFeed` reads the evolution partition (the one strongly consistent Query
the ``evolution`` query makes) with an adaptive pause: ``active_interval_s`` (0.2 s) after
a read that saw evolution move or a local evolution event, then twice the last pause
after each read that saw nothing new, up to ``idle_interval_s``
(``QAI_MEMORY_EVENT_POLL_INTERVAL_S``, 3 s). So while counters move (chat traffic on any
replica) another replica's advance reaches this one's subscribers within about
``active_interval_s``; the first change after a quiet spell within ``idle_interval_s``
plus one Query; and an idle replica costs one request per ``idle_interval_s`` (the
promise is <= 1 request/s; docs/operations.md). Without subscribers it reads nothing.

Exactly once: the stored stage only grows, so a feed that remembers the last stage it
published (:class:`StageGate`) publishes each advance once, whichever path saw it
first (this replica's own mutation or a read), and drops the other. Subscribers on this
replica therefore get one event per advance, as with a single process. A read that
jumps two stages publishes both. The throttle of ``evolutionUpdated`` is per subscriber
(in the resolver), so it holds whatever the source.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable

from qai_graph.config import MemoryConfig
from qai_graph.memory.events.hub import EventKind, MemoryEvent
from qai_graph.memory.evolution.rules import build_state
from qai_graph.models import EvolutionState

logger = logging.getLogger(__name__)

ACTIVE_INTERVAL_S = 0.2
"""How often a replica with subscribers reads evolution while counters are moving."""
BACKOFF = 2.0
"""Each read that saw nothing new multiplies the pause by this, up to the idle interval."""


def next_pause(pause: float, moved: bool, active: float, idle: float) -> float:
    """The pause before the next read: ``active`` after a change, else ``pause`` grown
    by :data:`BACKOFF`, never beyond ``idle`` (0.2, 0.4, 0.8, 1.6, 3, 3, ... s)."""
    return active if moved else min(max(pause, active) * BACKOFF, idle)


Progress = tuple[int, int, int]


def progress_of(state: EvolutionState) -> Progress:
    """How far evolution had got (every part only grows)."""
    return (state.stage, state.total_interactions, state.total_solutions_observed)


class StageGate:
    """Merges local events and table reads so each stage advance is published once."""

    def __init__(self, config: MemoryConfig) -> None:
        self._config = config
        self.stage: int | None = None  # the last stage published; None before a baseline
        self.progress: Progress | None = None

    def reset(self) -> None:
        """Forget what was published (nobody listens; the next read is a new baseline)."""
        self.stage = None
        self.progress = None

    def local(self, event: MemoryEvent) -> MemoryEvent | None:
        """This replica's own event, or None when a read already published it."""
        state = event.evolution
        if state is None:
            return event  # not an evolution event: local only, passed through
        if event.kind is EventKind.STAGE_CHANGED:
            if self.stage is not None and state.stage <= self.stage:
                return None
            self.stage = state.stage
        self._moved(state)
        return event

    def observed(self, state: EvolutionState) -> list[MemoryEvent]:
        """Events a table read implies: one per stage advanced past the last published,
        then the new progress if it moved. The first read is a baseline: no events."""
        if self.stage is None:
            self.stage = state.stage
            self._moved(state)
            return []
        events = [
            MemoryEvent(EventKind.STAGE_CHANGED, evolution=self._at_stage(state, stage))
            for stage in range(self.stage + 1, state.stage + 1)
        ]
        self.stage = max(self.stage, state.stage)
        if self._moved(state):
            events.append(MemoryEvent(EventKind.EVOLUTION_UPDATED, evolution=state))
        return events

    def _moved(self, state: EvolutionState) -> bool:
        now = progress_of(state)
        if self.progress is not None and now <= self.progress:
            return False
        self.progress = now
        return True

    def _at_stage(self, state: EvolutionState, stage: int) -> EvolutionState:
        if stage == state.stage:
            return state
        # A read that skipped a stage: the skipped one's event carries the counts read.
        return build_state(
            stage,
            state.total_interactions,
            state.total_solutions_observed,
            state.unique_players_met,
            self._config,
            state.stage_changed_at,
        )


class EvolutionFeed:
    """Reads evolution while someone listens and publishes what other replicas did."""

    def __init__(
        self,
        config: MemoryConfig,
        read: Callable[[], Awaitable[EvolutionState]],
        publish: Callable[[MemoryEvent], None],
        *,
        idle_interval_s: float | None = None,
        active_interval_s: float = ACTIVE_INTERVAL_S,
        on_read: Callable[[bool], None] | None = None,
    ) -> None:
        self.gate = StageGate(config)
        self._read = read
        self._publish = publish
        self._idle = (
            idle_interval_s if idle_interval_s is not None else config.event_poll_interval_s
        )
        self._active = min(active_interval_s, self._idle)
        self._on_read = on_read
        self._task: asyncio.Task[None] | None = None
        self._pause = self._active
        self._nudge = asyncio.Event()  # a local evolution event: shorten the pause now

    @property
    def running(self) -> bool:
        """True while the feed reads the table."""
        return self._task is not None

    def local(self, event: MemoryEvent) -> None:
        """Publish this replica's own event unless a read already did."""
        if self._task is None:
            # Nobody listens: nothing to merge, and no baseline to move (a later
            # subscriber must not get an advance that happened before it came).
            self._publish(event)
            return
        passed = self.gate.local(event)
        if passed is not None:
            if passed.evolution is not None:
                # Counters move here, so probably on the other replicas too: read soon.
                self._pause = self._active
                self._nudge.set()
            self._publish(passed)

    def start(self) -> None:
        """Begin reading (call from the event loop)."""
        if self._task is None:
            self._pause = self._idle  # after the baseline, nothing moved yet: idle pace
            # A fresh context: the reader outlives the subscription that started it, and
            # its log lines belong to no request.
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self._run(), context=contextvars.Context())

    def halt(self) -> asyncio.Task[None] | None:
        """Stop reading now and forget the baseline; returns the cancelled task."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
        self.gate.reset()
        return task

    async def stop(self) -> None:
        """Stop reading and wait until the reader has ended."""
        task = self.halt()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                state = await self._read()
            except Exception as exc:
                # The store is down or slow: keep trying at the idle pace, log once a minute.
                if failures % max(1, int(60 / self._idle)) == 0:
                    logger.warning("evolution feed could not read the table: %s", exc)
                failures += 1
                self._note(False)
                await asyncio.sleep(self._idle)
                continue
            failures = 0
            self._note(True)
            events = self.gate.observed(state)
            for event in events:
                self._publish(event)
            self._pause = next_pause(self._pause, bool(events), self._active, self._idle)
            await self._rest(self._pause)

    async def _rest(self, pause: float) -> None:
        """Sleep ``pause``, or until a local event shortens it to the active interval."""
        started = _now()
        self._nudge.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._nudge.wait(), pause)
        left = started + self._active - _now()
        if left > 0:  # woken early: still at most one read per active interval
            await asyncio.sleep(left)

    def _note(self, ok: bool) -> None:
        if self._on_read is not None:
            self._on_read(ok)


def _now() -> float:
    return asyncio.get_running_loop().time()
