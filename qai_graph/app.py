"""The composition root: the one place that wires the layers into a running service.

- :func:`open_service` / :func:`open_memory`: the service as ``qai-graph serve`` opens it;
  the only place that chooses between the embedded emulator (no endpoint, not AWS) and
  a DynamoDB endpoint.
- :func:`open_backup`: the table alone, for the data commands (``create-table``,
  ``export``, ``import``): the same store, no service start.
- :func:`create_app`: the Starlette application. It mounts the faces (GraphQL at
  /graphql, MCP at /mcp, the pages), adds /metrics, /healthz and /readyz, and owns every
  resource through its lifespan: the service, the event bus, the MCP session manager.

Faces never import each other or the store; they meet here. Each is imported by the
function that needs it, not by this module: the data commands (``open_backup``) load no
web stack, GraphQL, MCP or recall encoder (bench/RESULTS.md, "2026-12-04 late: CLI
start-up"; tests/unit/test_cli_startup.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING

from qai_graph.config import MemoryConfig
from qai_graph.failures import describe

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from qai_graph.memory.backup import Backup
    from qai_graph.memory.service import MemoryService

logger = logging.getLogger("qai_graph.api")
__all__ = ["create_app", "open_backup", "open_memory", "open_service", "uses_embedded_store"]

StoreTiming = Callable[[str, float], None]
"""Called with a phase of the embedded store (``"start"``) and the seconds it took."""


def uses_embedded_store(config: MemoryConfig) -> bool:
    """No endpoint and not AWS: run the local emulator."""
    return config.dynamodb_endpoint is None and not config.use_aws


async def start_store(
    config: MemoryConfig, stack: AsyncExitStack, store_timing: StoreTiming | None = None
) -> str | None:
    """The endpoint to use: the embedded store's (started; ``stack`` stops it) or config's."""
    if not uses_embedded_store(config):
        return config.dynamodb_endpoint
    from qai_graph.emulator.embedded import EmbeddedDynamo

    store = EmbeddedDynamo(
        config.data_dir,
        snapshot_interval_s=config.snapshot_interval_s,
        region=config.dynamodb_region,
        journal=config.journal,
    )
    started = time.perf_counter()
    endpoint = await store.astart()
    if store_timing is not None:
        store_timing("start", time.perf_counter() - started)
    # Registered first so it runs last: the service closes, then the store stops.
    stack.push_async_callback(store.astop)
    return endpoint


async def open_service(
    config: MemoryConfig, stack: AsyncExitStack, *, store_timing: StoreTiming | None = None
) -> MemoryService:
    """Start the embedded store if needed, then an initialised service; ``stack`` closes both."""
    from qai_graph.memory.service import MemoryService

    endpoint = await start_store(config, stack, store_timing)
    service = MemoryService(config, endpoint=endpoint)
    # Closed whether or not the start completes: a failed one (access denied, say) must
    # not leave the DynamoDB client's connections open behind its one-line message.
    stack.push_async_callback(service.close)
    await service.initialize()
    return service


async def open_backup(config: MemoryConfig, stack: AsyncExitStack) -> Backup:
    """Start the embedded store if needed, then open the table alone; ``stack`` closes
    both. No service start: no recall index build (a full-table Scan), no embedding
    model, no trust classifier; nothing is asked of the table yet."""
    from qai_graph.memory.backup import Backup

    endpoint = await start_store(config, stack)
    backup = Backup(config, endpoint)
    stack.push_async_callback(backup.close)
    await backup.open()
    return backup


@asynccontextmanager
async def open_memory(config: MemoryConfig | None = None) -> AsyncIterator[MemoryService]:
    """``async with open_memory() as memory:``: an initialised service, as ``qai-graph
    serve`` opens it (the embedded store started when no endpoint, stopped on exit)."""
    async with AsyncExitStack() as stack:
        yield await open_service(config or MemoryConfig(), stack)


Lifespan = Callable[["Starlette"], AbstractAsyncContextManager[None]]


def _noting_startup_failure(lifespan: Lifespan) -> Lifespan:
    """``lifespan``, with a start that fails in a way ``qai_graph.failures`` knows noted
    on ``app.state.startup_failure``, for the command to report in one line."""

    @asynccontextmanager
    async def noted(app: Starlette) -> AsyncIterator[None]:
        started = False
        try:
            async with lifespan(app):
                started = True
                yield
        except Exception as exc:
            if not started:
                app.state.startup_failure = describe(exc)
            raise

    return noted


class StartupFailureLine:
    """ASGI middleware: a noted startup failure reaches uvicorn without Starlette's
    traceback (``qai-graph serve`` prints its one line and exits with its status)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def quiet(message: Message) -> None:
            failed = message["type"] == "lifespan.startup.failed"
            if failed and getattr(scope["app"].state, "startup_failure", None) is not None:
                message = {"type": message["type"], "message": ""}
            await send(message)

        await self.app(scope, receive, quiet)


def _probes() -> list[Route]:
    """/healthz and /readyz."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def healthz(request: Request) -> JSONResponse:
        """The process is up."""
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        """The table answers within the store timeout; 503 otherwise (load balancers
        stop sending traffic, and a probe never hangs on botocore's retries)."""
        service: MemoryService | None = getattr(request.app.state, "service", None)
        if service is not None:
            try:
                async with asyncio.timeout(service.config.dynamodb_timeout_s):
                    if await service.ready():
                        return JSONResponse({"status": "ready"})
            except TimeoutError:
                logger.warning("readiness check timed out")
        return JSONResponse({"status": "unavailable"}, status_code=503)

    return [Route("/healthz", healthz), Route("/readyz", readyz)]


def create_app(
    config: MemoryConfig,
    *,
    service: MemoryService | None = None,
    graphiql: bool | None = None,
    keep_alive_s: float | None = None,
    allowed_origins: Sequence[str] = (),
) -> Starlette:
    """The ASGI app. A given ``service`` is used as is (its owner initialises and closes it).

    GraphiQL is served at GET /graphql when ``graphiql`` (else ``config.graphiql``) is
    true; by default only in development mode (no API keys) and not against AWS
    (``use_aws``). API keys, limits and introspection come from ``config``. WebSocket
    clients get a keep-alive message (``ping`` on graphql-transport-ws, ``ka`` on
    graphql-ws) every ``keep_alive_s`` seconds (None: ``api.view.KEEP_ALIVE_S``).
    Browser pages on ``allowed_origins`` (``"*"``: any) may call it over HTTP (CORS) and
    open subscriptions; other origins' WebSocket handshakes are refused.
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.routing import Route

    from qai_graph.api.limits import BodySizeLimit
    from qai_graph.api.metrics import Metrics, RequestTelemetry, metrics_endpoint
    from qai_graph.api.mount import graphql_routes, graphql_view
    from qai_graph.api.shutdown import OpenWebSockets, TrackWebSockets
    from qai_graph.api.view import KEEP_ALIVE_S
    from qai_graph.mcp.http import McpHttpApp
    from qai_graph.memory.events.replicas import make_event_bus
    from qai_graph.web import graphiql_page, web_routes

    if graphiql is None:
        graphiql = config.graphiql
    show_ide = (config.development_mode and not config.use_aws) if graphiql is None else graphiql
    metrics = Metrics()
    view = graphql_view(
        config,
        metrics,
        show_ide=show_ide,
        keep_alive_s=KEEP_ALIVE_S if keep_alive_s is None else keep_alive_s,
        allowed_origins=allowed_origins,
    )
    # /mcp: the MCP face, behind the same keys (qai_graph.security); its session manager
    # runs in the lifespan below, and its tools reach the service the lifespan opened.
    mcp_app = McpHttpApp(config, lambda: app.state.service)
    websockets = OpenWebSockets()  # closed with 1001 by a clean stop (api/shutdown.py)
    middleware = [
        Middleware(TrackWebSockets, sockets=websockets),
        Middleware(BodySizeLimit, max_bytes=config.max_body_bytes),
    ]
    telemetry = [Middleware(RequestTelemetry, metrics=metrics)]
    view.ide_page = graphiql_page  # served from the package: no CDN
    quiet_failure = [Middleware(StartupFailureLine)]  # innermost: next to the lifespan
    cors = [
        Middleware(
            CORSMiddleware,
            allow_origins=list(allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id"],
            expose_headers=["x-request-id"],
        )
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            memory = service
            if memory is None:
                memory = await open_service(config, stack, store_timing=metrics.store_timing)
            # Every DynamoDB call the service makes is counted (the recall index's too).
            stack.callback(memory.observe_store_calls(metrics.dynamodb_call))
            bus = make_event_bus(config, memory, counter=metrics, on_read=metrics.feed_read)
            metrics.subscriptions.set_function(lambda: bus.subscriber_count)
            await bus.start()
            # Closing the streams first lets open subscriptions complete cleanly.
            stack.push_async_callback(bus.stop)
            app.state.service = memory
            app.state.bus = bus
            app.state.metrics = metrics
            await stack.enter_async_context(mcp_app.run())  # stops before the service closes
            # What start-up built (the recall index, the embedding model, modules) lives
            # as long as the process: frozen, the collector's full passes skip it (else
            # each walks millions of objects while every request waits).
            gc.collect()
            gc.freeze()
            logger.info("qai-graph ready on table %s", config.dynamodb_table_name)
            yield
            logger.info("qai-graph shutting down")

    app = Starlette(
        routes=[
            *graphql_routes(view),
            *_probes(),
            Route("/mcp", mcp_app),
            Route("/metrics", metrics_endpoint(config, metrics), methods=["GET"]),
            *web_routes(graphiql=show_ide, pages=config.pages_enabled),
        ],
        # CORS outermost (after the request id), so a refused body still carries the
        # CORS headers a browser needs.
        middleware=telemetry + (cors if allowed_origins else []) + middleware + quiet_failure,
        lifespan=_noting_startup_failure(lifespan),
    )
    app.state.websockets = websockets
    return app
