"""The per-request GraphQL context: the service, the event bus, loaders and a request id."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from qai_graph.api.auth import Principal
from qai_graph.api.loaders import Loaders
from qai_graph.memory.events.bus import EventBus
from qai_graph.memory.service import MemoryService

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def request_id_from(headers: Any) -> str:
    """The caller's request id if it is safe to log, else a new one."""
    given = headers.get(REQUEST_ID_HEADER)
    if isinstance(given, str) and _SAFE_REQUEST_ID.match(given):
        return given
    return uuid.uuid4().hex


@dataclass
class GraphQLContext:
    """What every resolver can reach; built per HTTP request or per WebSocket connection."""

    request: Request | WebSocket
    response: Response | WebSocket
    service: MemoryService
    bus: EventBus
    request_id: str
    loaders: Loaders
    connection_params: dict[str, Any] = field(default_factory=dict)
    principal: Principal | None = None  # who is calling; None on a WebSocket before its init
    holds_slot: bool = False  # a WebSocket holding one of its key's connection slots

    @property
    def is_websocket(self) -> bool:
        """True for a WebSocket connection (whose context outlives any one operation)."""
        return isinstance(self.request, WebSocket)

    @property
    def operation_timeout_s(self) -> float:
        """Each operation's deadline (read by the executor, ``api/deadline.py``)."""
        return self.service.config.operation_timeout_s

    @property
    def store_call_budget_s(self) -> float:
        """The budget of each DynamoDB call within an operation (``api/deadline.py``)."""
        return self.service.config.dynamodb_timeout_s

    def renew_loaders(self) -> Loaders:
        """Start with empty loader caches (each subscription event reads fresh data)."""
        self.loaders = Loaders(self.service)
        return self.loaders
