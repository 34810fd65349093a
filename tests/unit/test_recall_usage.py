"""Recall usage, pure: deduplicated and bounded in memory, and never failing its caller."""

from __future__ import annotations

from typing import Any

from qai_graph.memory.recall.usage import RecallUsage


class _Broken:
    """A client whose every request fails."""

    def __getattr__(self, name: str) -> Any:
        raise ConnectionError("the table is gone")


def test_noting_outside_an_event_loop_never_raises() -> None:
    usage = RecallUsage(_Broken())  # type: ignore[arg-type]
    usage.note([("PLAYER#a", "OBSERVATION#1")])  # no running loop: the task cannot start
    assert usage.pending == 1


async def test_keys_are_deduplicated_and_the_queue_is_bounded() -> None:
    usage = RecallUsage(_Broken(), window_s=3600, max_pending=2)  # type: ignore[arg-type]
    usage.note([("P", "O#1"), ("P", "O#1"), ("P", "O#2"), ("P", "O#3")])
    assert usage.pending == 2 and usage.dropped == 1
    usage.note([("P", "O#1")])  # known keys are still counted when the queue is full
    assert usage.dropped == 1


async def test_a_failing_flush_is_logged_and_dropped() -> None:
    usage = RecallUsage(_Broken(), window_s=3600)  # type: ignore[arg-type]
    usage.note([("P", "O#1")])
    await usage.drain()  # cuts the hour-long wait short, then flushes: it fails quietly
    assert usage.failed == 1 and usage.pending == 0 and usage.written == 0
