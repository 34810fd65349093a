"""The Strawberry ASGI view: per-request context, and keep-alives on both WS protocols."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from qai_graph.api.context import REQUEST_ID_HEADER, GraphQLContext, request_id_from
from qai_graph.api.loaders import Loaders

KEEP_ALIVE_S = 15.0
"""Under the idle timeouts of common proxies and load balancers (often 60 s)."""


class PingingTransportWSHandler(BaseGraphQLTransportWSHandler[GraphQLContext, None]):
    """graphql-transport-ws with server pings, so idle overlay connections stay open."""

    _ping_task: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Acknowledge, then ping every keep-alive interval."""
        await super().handle_connection_init(message)
        interval = self.view.keep_alive_interval
        if self.connection_acknowledged and self._ping_task is None and interval:
            self._ping_task = asyncio.create_task(self._ping(interval))

    async def _ping(self, interval: float) -> None:
        # The protocol's ping: clients answer pong; a dead peer fails the send.
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        """Stop pinging, then end the operations."""
        if self._ping_task is not None:
            self._ping_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ping_task
        await super().shutdown()


class QaiGraphQL(GraphQL[GraphQLContext, None]):
    """Serves /graphql over HTTP, graphql-transport-ws and graphql-ws."""

    graphql_transport_ws_handler_class = PingingTransportWSHandler

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GraphQLContext:
        """A fresh context (and loaders) for each HTTP request or WebSocket connection."""
        state: Any = request.app.state
        request_id = request_id_from(request.headers)
        if isinstance(response, Response):
            response.headers[REQUEST_ID_HEADER] = request_id
        return GraphQLContext(
            request=request,
            response=response,
            service=state.service,
            bus=state.bus,
            request_id=request_id,
            loaders=Loaders(state.service),
        )
