"""MCP over Streamable HTTP at ``/mcp``: the API's keys in front of the SDK's session manager.

The session manager runs stateless with JSON responses: every POST carries one JSON-RPC
message and gets its answer in the body, so any replica behind a load balancer can answer
any request (no sticky sessions; all state is in the table, as for /graphql). The owning
app must run ``run()`` in its lifespan.

Auth is the GraphQL face's, from ``qai_graph.security``: ``Authorization: Bearer <key>``;
with keys configured, no or an unknown key gets 401 before the SDK sees the request. The
key's Principal rides in the ASGI scope to ``guard.ToolGuard``, which lets a reader call
only the read tools. ``tools/list`` lists all six tools to every role (writer tools say
so in their annotations: ``readOnlyHint`` false), so one client configuration works
with any key and a refused call explains itself with ``FORBIDDEN``.
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager

from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Receive, Scope, Send

from qai_graph.config import MemoryConfig
from qai_graph.mcp.guard import PRINCIPAL_SCOPE_KEY
from qai_graph.mcp.server import ServiceProvider, build_server
from qai_graph.security import Authenticator

_LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
_LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


def transport_security(config: MemoryConfig) -> TransportSecuritySettings:
    """In development mode (no keys, loopback only) a web page must not reach /mcp through
    DNS rebinding, so Host and Origin must be loopback; with keys, the key is the guard
    and any Host may be served."""
    if config.development_mode:
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=_LOOPBACK_HOSTS,
            allowed_origins=_LOOPBACK_ORIGINS,
        )
    return TransportSecuritySettings(enable_dns_rebinding_protection=False)


class McpHttpApp:
    """The ASGI app mounted at /mcp."""

    def __init__(self, config: MemoryConfig, service: ServiceProvider) -> None:
        self._auth = Authenticator(config.api_key_roles)
        self.server = build_server(service, deadline_s=config.operation_timeout_s)
        # Builds the session manager (the returned Starlette app is not used: we mount
        # the manager ourselves, behind our auth, in the API's own app).
        self.server.streamable_http_app(
            stateless_http=True,
            json_response=True,
            max_request_body_size=config.max_body_bytes,
            transport_security=transport_security(config),
        )

    def run(self) -> AbstractAsyncContextManager[None]:
        """The session manager's lifetime; enter it in the app's lifespan."""
        return self.server.session_manager.run()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Authenticate, then hand the request to the SDK."""
        if scope["type"] != "http":  # pragma: no cover - Route only sends http here
            return
        authorization = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), None
        )
        principal = self._auth.authenticate(authorization)
        if principal is None:
            await _unauthenticated(send)
            return
        scope = {**scope, PRINCIPAL_SCOPE_KEY: principal}
        await self.server.session_manager.handle_request(scope, receive, send)


async def _unauthenticated(send: Send) -> None:
    body = json.dumps(
        {
            "error": {
                "code": "UNAUTHENTICATED",
                "message": "send an API key: Authorization: Bearer <key>",
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b'Bearer realm="qai-graph"'),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
