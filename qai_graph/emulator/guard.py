"""StoreGuard: the WSGI middleware in front of moto that makes each write atomic and durable.

Moto updates items in place without locks, so two concurrent UpdateItem calls can lose
an increment, and a snapshot could read a half-applied transaction. DynamoDB applies
each write atomically; running requests one at a time restores that (moto is bound by
the GIL anyway, so little throughput is lost).

With a journal, a write that succeeded is appended to it while the lock is held (so the
journal's order is the order writes were applied), and its answer waits, outside the
lock, until the record is on disk. A failed write (a condition not met, a validation
error) changed nothing and is not journaled. Reads wait for nothing.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from qai_graph.emulator.journal import Journal
from qai_graph.emulator.moto_fixes import generation
from qai_graph.emulator.tokens import TOKENS
from qai_graph.emulator.wire import region_of

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# Operations that never change data; anything else (PartiQL, restores, tags, operations
# moto adds later) counts as a write: a needless journal record is cheap, a missed one
# is not.
_READ_PREFIXES = ("Get", "BatchGet", "TransactGet", "Query", "Scan", "Describe", "List")


def may_write(target: str) -> bool:
    """Whether the ``X-Amz-Target`` operation may change data."""
    if target.startswith("DynamoDBStreams"):
        return False
    return not target.rpartition(".")[2].startswith(_READ_PREFIXES)


class StoreGuard:
    """One request at a time; successful writes journaled (if any) and noted as dirty."""

    def __init__(self, app: WsgiApp, journal: Journal | None = None, seq: int = 0) -> None:
        self._app = app
        self.journal = journal
        self.lock = threading.Lock()
        self.dirty = False
        self.closed = False  # set once stopping: a later write could not be kept
        self.failed = False  # the journal could not be written: refuse everything
        self._seq = seq  # the last journal record applied (without a journal: restored)

    @property
    def seq(self) -> int:
        """The last journal record applied to the store."""
        return self.journal.seq if self.journal is not None else self._seq

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        body = _buffer_body(environ)  # outside the lock, so a slow client can't stall others
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        status: list[str] = []

        def capture(code: str, headers: Any, *args: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *args)

        seq = 0
        with self.lock:
            if self.closed or self.failed:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"the embedded DynamoDB is shutting down"]
            # The request's wall time, journaled with it: replay then judges a client
            # request token's 10-minute window at the same time (see .tokens).
            now = time.time()
            with TOKENS.at(now):
                result = self._app(environ, capture)
                try:
                    answer = b"".join(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()
            if may_write(target):
                self.dirty = True
                generation.note_write()
                if self.journal is not None and status and status[0].startswith("200"):
                    seq = self._append(environ, target, body, now)
        if seq:
            self._wait(seq)
        return [answer]

    def _append(self, environ: dict[str, Any], target: str, body: bytes, at: float) -> int:
        assert self.journal is not None
        region = region_of(environ.get("HTTP_AUTHORIZATION", ""))
        try:
            return self.journal.append(region, target.rpartition(".")[2], body.decode(), at)
        except OSError:
            # The write is applied in memory but cannot be kept: stop acknowledging
            # anything rather than answer for data a restart would not have.
            self.failed = True
            logger.exception("journal append failed; the emulator refuses further requests")
            raise

    def _wait(self, seq: int) -> None:
        assert self.journal is not None
        try:
            self.journal.wait_durable(seq)
        except OSError:
            self.failed = True
            logger.exception("journal fsync failed; the emulator refuses further requests")
            raise


def _buffer_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body
