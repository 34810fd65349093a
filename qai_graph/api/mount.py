"""The GraphQL face as the composition root mounts it: one view, at ``/graphql``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from starlette.routing import BaseRoute, Route, WebSocketRoute

from qai_graph.api.auth import Authenticator
from qai_graph.api.limits import ConnectionSlots
from qai_graph.api.metrics import Metrics
from qai_graph.api.preauth import PreAuthSlots
from qai_graph.api.schema import build_schema
from qai_graph.api.view import QaiGraphQL
from qai_graph.config import MemoryConfig


def graphql_view(
    config: MemoryConfig,
    metrics: Metrics,
    *,
    show_ide: bool,
    keep_alive_s: float,
    allowed_origins: Sequence[str],
) -> QaiGraphQL:
    """The view behind ``/graphql``: keys, connection limits, the IDE when ``show_ide``."""
    return QaiGraphQL(
        build_schema(config, extensions=[metrics.extension()]),
        authenticator=Authenticator(config.api_key_roles, config.api_key_names),
        connection_slots=ConnectionSlots(config.max_connections_per_key),
        preauth=PreAuthSlots(
            config.ws_max_unauthenticated, config.ws_max_unauthenticated_per_address
        ),
        connection_init_wait_timeout=timedelta(seconds=config.ws_init_timeout_s),
        graphql_ide="graphiql" if show_ide else None,
        keep_alive=True,
        keep_alive_interval=keep_alive_s,
        allowed_origins=allowed_origins,
        max_subscriptions_per_connection=config.max_subscriptions_per_connection,
    )


def graphql_routes(view: QaiGraphQL) -> list[BaseRoute]:
    """HTTP and WebSocket on one path; the view answers other methods (405 JSON, Allow)."""
    return [Route("/graphql", view), WebSocketRoute("/graphql", view)]
