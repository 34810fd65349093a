"""The store's per-call budget within one request: a face sets it around an operation, so
each DynamoDB call (botocore's retries included) must finish within it or the store is
unavailable (``STORE_UNAVAILABLE``). Unset, a direct MemoryService keeps botocore's own
per-attempt timeouts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from qai_graph.store.client import CALL_BUDGET_S


@contextmanager
def store_call_budget(seconds: float | None) -> Iterator[None]:
    """Within the block, every store call of this task has ``seconds`` (None: no budget)."""
    token = CALL_BUDGET_S.set(seconds)
    try:
        yield
    finally:
        CALL_BUDGET_S.reset(token)
