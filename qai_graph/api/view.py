"""The Strawberry ASGI view: who is calling, per-request context, WebSocket guards.

HTTP: the ``Authorization`` header is checked before the body is parsed (401
UNAUTHENTICATED); the spec's statuses and bodies come from ``http_spec.py``, the
operation deadline from ``deadline.py``. WebSocket: a handshake takes a pre-auth slot
(``preauth.py``), ``connection_init`` must carry a key (closed with 4401 otherwise),
each key holds a bounded number of connections (4429), and each connection a bounded
number of operations (an ``error`` with TOO_MANY_SUBSCRIPTIONS); malformed frames are
answered as each subprotocol says (``ws_protocols.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema.base import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    ConnectionInitMessage as LegacyInitMessage,
)
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage
from strawberry.types.unset import UNSET

from qai_graph.api.auth import Authenticator
from qai_graph.api.context import REQUEST_ID_HEADER, GraphQLContext, request_id_from
from qai_graph.api.errors import LimitExceeded, Unauthenticated, error_body
from qai_graph.api.http_spec import GraphQLOverHTTP
from qai_graph.api.limits import TOO_MANY_CONNECTIONS, TOO_MANY_SUBSCRIPTIONS, ConnectionSlots
from qai_graph.api.loaders import Loaders
from qai_graph.api.preauth import PreAuthGate
from qai_graph.api.ws_protocols import LegacyWSGuard, TransportWSGuard
from qai_graph.errors import MemoryError_

logger = logging.getLogger("qai_graph.api")

KEEP_ALIVE_S = 15.0
"""Under the idle timeouts of common proxies and load balancers (often 60 s)."""

CLOSE_UNAUTHENTICATED = 4401
CLOSE_TOO_MANY_CONNECTIONS = 4429


def _coded(error: MemoryError_) -> dict[str, Any]:
    return {"message": error.message, "extensions": {"code": error.code}}


def _close_code(error: MemoryError_) -> int:
    return (
        CLOSE_UNAUTHENTICATED if isinstance(error, Unauthenticated) else CLOSE_TOO_MANY_CONNECTIONS
    )


class PingingTransportWSHandler(
    TransportWSGuard, BaseGraphQLTransportWSHandler[GraphQLContext, None]
):
    """graphql-transport-ws with server pings, key checks and operation limits."""

    _ping_task: asyncio.Task[None] | None = None
    view: QaiGraphQL

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Admit the key (or close), acknowledge, then ping every keep-alive interval."""
        payload = message.get("payload", {})
        if isinstance(payload, dict) and not self.connection_init_received:
            refusal = self.view.admit(self.context, payload)
            if refusal is not None:
                self.connection_init_received = True
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                await self.websocket.close(
                    _close_code(refusal), f"{refusal.code}: {refusal.message}"[:120]
                )
                return
        await super().handle_connection_init(message)
        interval = self.view.keep_alive_interval
        if self.connection_acknowledged and self._ping_task is None and interval:
            self._ping_task = asyncio.create_task(self._ping(interval))

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Refuse an operation over the connection's limit with a coded error."""
        limit = self.view.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):
            error = LimitExceeded(
                TOO_MANY_SUBSCRIPTIONS, f"at most {limit} operations per connection"
            )
            refusal: Any = {"id": message["id"], "type": "error", "payload": [_coded(error)]}
            await self.send_message(refusal)
            return
        await super().handle_subscribe(message)

    async def _ping(self, interval: float) -> None:
        # The protocol's ping: clients answer pong; a dead peer fails the send.
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        """Stop pinging, end the operations, give the key's connection slot back."""
        if self._ping_task is not None:
            self._ping_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ping_task
        try:
            await super().shutdown()
        finally:
            self.view.release(self.context)


class GuardedLegacyWSHandler(LegacyWSGuard, BaseGraphQLWSHandler[GraphQLContext, None]):
    """Legacy graphql-ws with the same key checks and operation limits."""

    view: QaiGraphQL

    async def handle_connection_init(self, message: LegacyInitMessage) -> None:
        """Admit the key (``connection_error`` and close otherwise), then acknowledge."""
        payload = message.get("payload")
        if (payload is None or isinstance(payload, dict)) and not self.connection_acknowledged:
            refusal = self.view.admit(self.context, payload or {})
            if refusal is not None:
                await self.send_message({"type": "connection_error", "payload": _coded(refusal)})
                await self.websocket.close(_close_code(refusal), refusal.code)
                return
        await super().handle_connection_init(message)

    async def handle_start(self, message: StartMessage) -> None:
        """Refuse an operation over the connection's limit with a coded error."""
        limit = self.view.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.tasks
            and len(self.tasks) >= limit
        ):
            error = LimitExceeded(
                TOO_MANY_SUBSCRIPTIONS, f"at most {limit} operations per connection"
            )
            refusal: Any = {"type": "error", "id": message["id"], "payload": _coded(error)}
            await self.send_message(refusal)
            return
        await super().handle_start(message)

    async def cleanup(self) -> None:
        """End the operations and give the key's connection slot back."""
        try:
            await super().cleanup()
        finally:
            self.view.release(self.context)


class QaiGraphQL(GraphQLOverHTTP, PreAuthGate, GraphQL[GraphQLContext, None]):
    """Serves /graphql over HTTP, graphql-transport-ws and graphql-ws."""

    graphql_transport_ws_handler_class = PingingTransportWSHandler
    graphql_ws_handler_class = GuardedLegacyWSHandler

    def __init__(
        self,
        schema: BaseSchema,
        *,
        authenticator: Authenticator,
        connection_slots: ConnectionSlots,
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self.authenticator = authenticator
        self.connection_slots = connection_slots

    async def run(  # type: ignore[override]
        self,
        request: Request | WebSocket,
        context: GraphQLContext | None = UNSET,
        root_value: None = UNSET,
    ) -> Response | WebSocket:
        """Check an HTTP caller's key before anything else (GraphiQL's page is static)."""
        if isinstance(request, Request) and not self._is_ide_page(request):
            principal = self.authenticator.authenticate(request.headers.get("authorization"))
            if principal is None:
                refusal = Unauthenticated("send an API key: Authorization: Bearer <key>")
                return JSONResponse(
                    error_body(refusal), status_code=401, headers={"WWW-Authenticate": "Bearer"}
                )
            request.state.principal = principal
        response: Response | WebSocket = await super().run(request, context, root_value)
        return response

    ide_page: Callable[[], Response] | None = None
    """GraphiQL's page, set by the composition root (qai_graph.web's, with no CDN)."""

    async def render_graphql_ide(self, request: Request) -> Response:
        """The composition root's IDE page, else Strawberry's (which loads from a CDN)."""
        if self.ide_page is not None:
            return self.ide_page()
        return await super().render_graphql_ide(request)

    def _is_ide_page(self, request: Request) -> bool:
        return bool(self.graphql_ide) and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        )

    def admit(self, context: GraphQLContext, params: dict[str, Any]) -> MemoryError_ | None:
        """Authenticate a WebSocket's ``connection_init`` and take a connection slot."""
        principal = self.authenticator.from_connection_params(params)
        if principal is None:
            return Unauthenticated('connection_init must carry {"Authorization": "Bearer <key>"}')
        if not self.connection_slots.acquire(principal.key_id):
            limit = self.connection_slots.limit
            return LimitExceeded(TOO_MANY_CONNECTIONS, f"at most {limit} connections per key")
        context.principal = principal
        context.holds_slot = True
        return None

    def release(self, context: GraphQLContext) -> None:
        """Give back the connection slot ``context`` holds, once."""
        if context.holds_slot and context.principal is not None:
            context.holds_slot = False
            self.connection_slots.release(context.principal.key_id)

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
            # HTTP callers were authenticated in run(); a WebSocket's at connection_init.
            principal=getattr(request.state, "principal", None),
        )
