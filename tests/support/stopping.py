"""Stops that cannot hang the suite: a teardown that waits past its bound fails with the
stack of every task still running, instead of holding a CI worker until its time runs
out (twice a full run sat idle for minutes in an async fixture's teardown)."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable

STOP_WITHIN_S = 60.0


async def stopped(step: Awaitable[object], what: str, within: float = STOP_WITHIN_S) -> None:
    """Await ``step``; past ``within`` seconds print every task's stack and fail."""
    try:
        await asyncio.wait_for(step, within)
    except TimeoutError:
        stacks = io.StringIO()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.print_stack(file=stacks)
        sys.stderr.write(f"{what} did not stop within {within:g} s; tasks:\n{stacks.getvalue()}")
        raise AssertionError(f"{what} did not stop within {within:g} s (tasks on stderr)") from None
