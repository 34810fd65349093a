"""The schema: built on demand (nothing at import time) and exported as SDL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import SchemaExtension, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionContext

from qai_graph.api.context import GraphQLContext
from qai_graph.api.cost import OperationChecks
from qai_graph.api.deadline import DeadlineExecutor
from qai_graph.api.errors import ErrorCodes, log_errors
from qai_graph.api.limits import ExtensionFactory, limit_extensions
from qai_graph.api.mutations import Mutation
from qai_graph.api.queries import Query
from qai_graph.api.subscriptions import Subscription
from qai_graph.api.tracing import tracing_extensions
from qai_graph.config import MemoryConfig


class QaiSchema(Schema):
    """The Strawberry schema, logging errors with the request id instead of every trace."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        """Log unexpected errors with their traceback; expected ones in a line."""
        log_errors(errors, execution_context)


class FreshLoaders(SchemaExtension):
    """Gives each operation on a WebSocket new loaders: the connection outlives them."""

    def on_operation(self) -> Iterator[None]:
        """Renew the loaders of a WebSocket context before the operation runs."""
        context = self.execution_context.context
        if isinstance(context, GraphQLContext) and context.is_websocket:
            context.renew_loaders()
        yield


DOCUMENT_CACHE_SIZE = 256


def build_schema(
    config: MemoryConfig | None = None, *, extensions: Sequence[ExtensionFactory] = ()
) -> QaiSchema:
    """Build QAI's GraphQL schema; with ``config``, its limits and introspection setting.

    ``extensions`` run outermost (first), e.g. the app's metrics, so they time everything.
    """
    limits = limit_extensions(config) if config is not None else []
    tracing = tracing_extensions(config) if config is not None else []
    hide_schema = config is not None and not config.introspection_enabled
    checks = [lambda: OperationChecks(max_cost=config.max_query_cost)] if config else []
    return QaiSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # The bot sends the same few documents all day: validate each once (a bounded
        # cache, so unique query texts cannot grow memory). No ParserCache: it raises
        # parse errors outside the token limiter's reach, losing TOO_MANY_TOKENS.
        # OperationChecks must come after the cache: it reads the validation's result.
        extensions=[
            *extensions,
            *tracing,
            FreshLoaders,
            lambda: ErrorCodes(hide_suggestions=hide_schema),
            *limits,
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            *checks,
        ],
        # With introspection off, "Did you mean ...?" would leak field names (ErrorCodes
        # removes the suggestions of arguments, enum values, types and input fields).
        config=StrawberryConfig(disable_field_suggestions=hide_schema),
        # Every execution (an HTTP or WebSocket operation, a subscription event) has
        # the operation deadline; each subscription event its own memo (api/execution.py).
        execution_context_class=DeadlineExecutor,
    )


def export_schema() -> str:
    """The schema in SDL, as committed in ``schema.graphql``."""
    return build_schema().as_str().rstrip("\n") + "\n"
