"""The Starlette application: /graphql, /healthz and /readyz, resources owned by the lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from qai_graph.api.auth import Authenticator
from qai_graph.api.events import InProcessEventBus
from qai_graph.api.limits import BodySizeLimit, ConnectionSlots
from qai_graph.api.schema import build_schema
from qai_graph.api.view import KEEP_ALIVE_S, QaiGraphQL
from qai_graph.config import MemoryConfig
from qai_graph.memory.service import MemoryService
from qai_graph.store.embedded import EmbeddedDynamo
from qai_graph.web import graphiql_page, web_routes

logger = logging.getLogger("qai_graph.api")


def uses_embedded_store(config: MemoryConfig) -> bool:
    """No endpoint and not AWS: run the local emulator."""
    return config.dynamodb_endpoint is None and not config.use_aws


async def open_service(config: MemoryConfig, stack: AsyncExitStack) -> MemoryService:
    """Start the embedded store if needed, then an initialised service; ``stack`` closes both."""
    endpoint = config.dynamodb_endpoint
    if uses_embedded_store(config):
        store = EmbeddedDynamo(
            config.data_dir,
            snapshot_interval_s=config.snapshot_interval_s,
            region=config.dynamodb_region,
        )
        endpoint = await store.astart()
        # Registered first so it runs last: the service closes, then the store snapshots.
        stack.push_async_callback(store.astop)
    service = MemoryService(config, endpoint=endpoint)
    await service.initialize()
    stack.push_async_callback(service.close)
    return service


async def healthz(request: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The table answers within the store timeout; 503 otherwise (load balancers stop
    sending traffic, and a probe never hangs on botocore's retries)."""
    service: MemoryService | None = getattr(request.app.state, "service", None)
    if service is not None:
        try:
            async with asyncio.timeout(service.config.dynamodb_timeout_s):
                if await service.ready():
                    return JSONResponse({"status": "ready"})
        except TimeoutError:
            logger.warning("readiness check timed out")
    return JSONResponse({"status": "unavailable"}, status_code=503)


def create_app(
    config: MemoryConfig,
    *,
    service: MemoryService | None = None,
    graphiql: bool | None = None,
    keep_alive_s: float = KEEP_ALIVE_S,
    allowed_origins: Sequence[str] = (),
) -> Starlette:
    """The ASGI app. A given ``service`` is used as is (its owner initialises and closes it).

    GraphiQL is served at GET /graphql when ``graphiql`` (else ``config.graphiql``) is
    true; by default only in development mode (no API keys) and not against AWS
    (``use_aws``). API keys, limits and introspection come from ``config``. WebSocket
    clients get a keep-alive message (``ping`` on graphql-transport-ws, ``ka`` on
    graphql-ws) every ``keep_alive_s`` seconds.
    Browser pages on ``allowed_origins`` (``"*"``: any) may call it over HTTP (CORS) and
    open subscriptions; other origins' WebSocket handshakes are refused.
    """
    if graphiql is None:
        graphiql = config.graphiql
    show_ide = (config.development_mode and not config.use_aws) if graphiql is None else graphiql
    view = QaiGraphQL(
        build_schema(config),
        authenticator=Authenticator(config.api_key_roles),
        connection_slots=ConnectionSlots(config.max_connections_per_key),
        deadline_s=config.dynamodb_timeout_s,
        graphql_ide="graphiql" if show_ide else None,
        keep_alive=True,
        keep_alive_interval=keep_alive_s,
        allowed_origins=allowed_origins,
        max_subscriptions_per_connection=config.max_subscriptions_per_connection,
    )
    view.ide_page = graphiql_page  # served from the package: no CDN
    middleware = [Middleware(BodySizeLimit, max_bytes=config.max_body_bytes)]
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
            memory = service if service is not None else await open_service(config, stack)
            bus = InProcessEventBus(memory.events)
            await bus.start()
            # Closing the streams first lets open subscriptions complete cleanly.
            stack.push_async_callback(bus.stop)
            app.state.service = memory
            app.state.bus = bus
            logger.info("qai-graph ready on table %s", config.dynamodb_table_name)
            yield
            logger.info("qai-graph shutting down")

    return Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *web_routes(graphiql=show_ide, pages=config.pages_enabled),
        ],
        # CORS outermost, so a refused body still carries the CORS headers a browser needs.
        middleware=(cors if allowed_origins else []) + middleware,
        lifespan=lifespan,
    )
