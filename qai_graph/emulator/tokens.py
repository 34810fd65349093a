"""Client request tokens: TransactWriteItems applied once per token, as DynamoDB does.

DynamoDB remembers a TransactWriteItems' ``ClientRequestToken`` for 10 minutes: a repeat
with the same parameters succeeds without applying anything again, a repeat with other
parameters fails with IdempotentParameterMismatchException. botocore relies on this when
it retries after a read timeout or a dropped connection (the first attempt may have been
applied). moto ignores the token; :data:`TOKENS` and patch 6
(:mod:`.moto_fixes.transactions`) add it.

Times are wall-clock seconds, so the window holds across a restart: the guard stamps
each request's time into its journal record, replay applies a record at that time
(:meth:`RequestTokens.at`), and a snapshot carries the live tokens (:meth:`export`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException

WINDOW_S = 600.0  # DynamoDB's idempotency window
# Bounded memory (~200 bytes a token): past this many tokens in the window the oldest
# are forgotten first; botocore's retries come seconds after the first attempt.
MAX_TOKENS = 100_000


class IdempotentParameterMismatch(DynamodbException):
    """DynamoDB's answer to a known token sent with other parameters (HTTP 400)."""

    code = 400

    def __init__(self) -> None:
        super().__init__(
            ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException",
            "The request uses the same client token as a previous, but non-identical request.",
        )


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


def digest(params: dict[str, Any]) -> str:
    """A hash of a request's parameters, the token itself excluded (key order ignored)."""
    rest = {key: value for key, value in params.items() if key != "ClientRequestToken"}
    text = json.dumps(rest, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class RequestTokens:
    """token -> (parameters' digest, wall time first applied), oldest first."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._pinned: float | None = None

    def now(self) -> float:
        """The time of the request being handled (pinned by the guard or by replay)."""
        return self._pinned if self._pinned is not None else time.time()

    @contextlib.contextmanager
    def at(self, when: float) -> Iterator[None]:
        """Handle the requests inside at wall time ``when`` (one at a time: the guard's lock)."""
        self._pinned = when
        try:
            yield
        finally:
            self._pinned = None

    def _expire(self, now: float) -> None:
        while self._seen:
            _, (_, first) = next(iter(self._seen.items()))
            if first > now - WINDOW_S and len(self._seen) <= MAX_TOKENS:
                return
            self._seen.popitem(last=False)

    def is_repeat(self, token: str, params_digest: str) -> bool:
        """Whether ``token`` was applied in the window; raises on other parameters."""
        self._expire(self.now())
        known = self._seen.get(token)
        if known is None:
            return False
        if known[0] != params_digest:
            raise IdempotentParameterMismatch()
        return True

    def remember(self, token: str, params_digest: str) -> None:
        """``token`` was just applied with these parameters."""
        self._seen[token] = (params_digest, self.now())
        self._expire(self.now())

    def export(self) -> list[list[Any]]:
        """The tokens still in the window, as JSON for a snapshot."""
        self._expire(time.time())
        return [[token, seen, first] for token, (seen, first) in self._seen.items()]

    def load(self, saved: list[list[Any]]) -> None:
        """Restore :meth:`export`'s list (expired ones are dropped at the next request)."""
        self._seen = OrderedDict((str(t), (str(d), float(f))) for t, d, f in saved)

    def __len__(self) -> int:
        return len(self._seen)


TOKENS = RequestTokens()
"""The emulator's tokens (one store per process)."""
