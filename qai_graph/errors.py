"""The domain errors of QAI's memory.

    MemoryError_ (base; ``code`` is the stable code clients see)
     ├── InvalidInput       bad input: nothing was written          INVALID_INPUT
     ├── NotFound           the thing does not exist (or expired)   NOT_FOUND
     ├── Conflict           a write lost to a concurrent one, or an
     │                      idempotency key reused with other data  CONFLICT
     └── StoreUnavailable   DynamoDB did not answer in time         STORE_UNAVAILABLE

The store maps DynamoDB errors onto these; the API maps these onto GraphQL errors.
"""

from __future__ import annotations


class MemoryError_(Exception):
    """Base of every expected failure; ``code`` is stable and machine-readable."""

    code = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(MemoryError_):
    """The caller's input is not acceptable; nothing was written."""

    code = "INVALID_INPUT"


class NotFound(MemoryError_):
    """The item does not exist, or has expired."""

    code = "NOT_FOUND"


class Conflict(MemoryError_):
    """The write conflicts with the stored state (e.g. an idempotency key reused)."""

    code = "CONFLICT"


class StoreUnavailable(MemoryError_):
    """DynamoDB could not be reached or kept failing."""

    code = "STORE_UNAVAILABLE"
