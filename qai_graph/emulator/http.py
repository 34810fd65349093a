"""The emulator's HTTP server: uvicorn in a thread of its own, moto's WSGI app behind a2wsgi.

Why not werkzeug's development server (what moto's own server uses): it answers every
request with ``Connection: close`` and starts a thread per connection, so each DynamoDB
call paid a TCP connect, an accept and a thread start on top of moto's work; a GetItem
took ~6.5 ms on this project's 2-core machine, ~4 ms with keep-alive (bench/RESULTS.md,
"The embedded store's HTTP server"). uvicorn parses HTTP in C (httptools) and keeps
connections open; a2wsgi runs the WSGI app in a bounded thread pool.

The WSGI app (``StoreGuard`` in front of moto) is unchanged: requests still run one at a
time under its lock, and a write's answer still waits for its journal record's fsync.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

import uvicorn
from a2wsgi import WSGIMiddleware

from qai_graph.emulator.guard import WsgiApp

logger = logging.getLogger(__name__)

# Threads running WSGI calls. Moto runs one request at a time (the guard's lock), but a
# write's answer waits for its fsync outside the lock, and those waits are what a group
# commit shares: more threads than concurrent clients would never be used.
WORKERS = 32
# An idle client connection is kept this long (aiohttp keeps its own for 15 s and
# reconnects after; botocore retries a request whose connection was closed under it).
KEEP_ALIVE_S = 30
# In-flight requests are given this long to finish when the emulator stops.
GRACEFUL_S = 10
_START_TIMEOUT_S = 30


class HttpServer:
    """Serves a WSGI app on ``host:port`` (0 picks a free port) until ``shutdown``."""

    def __init__(self, app: WsgiApp, host: str, port: int, backlog: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.create_server((host, port), family=family, backlog=backlog)
        config = uvicorn.Config(
            WSGIMiddleware(app, workers=WORKERS),  # type: ignore[arg-type]
            log_config=None,  # the process's logging is already set up
            access_log=False,  # a line per request: nobody reads them
            lifespan="off",
            ws="none",
            backlog=backlog,
            timeout_keep_alive=KEEP_ALIVE_S,
            timeout_graceful_shutdown=GRACEFUL_S,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="serve", daemon=True)
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        """The port listened on."""
        port: int = self._socket.getsockname()[1]
        return port

    def start(self) -> None:
        """Start serving; returns once the server accepts requests."""
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator's HTTP server did not start: {self._error!r}")
            time.sleep(0.01)

    def _run(self) -> None:
        try:
            # Off the main thread uvicorn leaves signals alone: the emulator's main
            # thread owns them and calls shutdown().
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # reported by start(), or logged at shutdown
            self._error = exc
            raise

    def shutdown(self) -> None:
        """Stop accepting, let in-flight requests finish (bounded), close the socket."""
        self._server.should_exit = True
        self._thread.join(GRACEFUL_S + 5)
        if self._thread.is_alive():
            logger.warning("the emulator's HTTP server did not stop in %d s", GRACEFUL_S + 5)
        with contextlib.suppress(OSError):
            self._socket.close()
