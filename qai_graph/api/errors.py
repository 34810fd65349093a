"""How failures reach clients.

- A domain error (``qai_graph.errors.MemoryError_``) keeps its message and gets a stable
  ``extensions.code`` (``NOT_FOUND``, ``INVALID_INPUT``, ``CONFLICT``,
  ``STORE_UNAVAILABLE``) and, when known, ``extensions.field``.
- The API's own refusals (``Unauthenticated``, ``Forbidden``, ``LimitExceeded``) are
  domain errors too, with codes ``UNAUTHENTICATED``, ``FORBIDDEN`` and one code per limit.
- GraphQL's own errors (syntax, validation, variable coercion) stay as GraphQL reports
  them; those raised by a limit (depth, aliases, tokens, introspection) carry its code.
- Anything else is a bug or an outage we did not expect: the client sees only
  "Internal error; request id <id>" (code ``INTERNAL``), and the log has the traceback
  under the same id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionContext

from qai_graph.errors import MemoryError_

logger = logging.getLogger("qai_graph.api")

INTERNAL = "INTERNAL"


class Unauthenticated(MemoryError_):
    """No API key, or not a known one."""

    code = "UNAUTHENTICATED"


class Forbidden(MemoryError_):
    """A known key whose role does not allow the operation; nothing ran."""

    code = "FORBIDDEN"


class LimitExceeded(MemoryError_):
    """A request over one of the API's limits; nothing ran. ``code`` names the limit."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def error_body(error: MemoryError_) -> dict[str, Any]:
    """A GraphQL-over-HTTP body for a refusal made before any GraphQL ran."""
    return {
        "data": None,
        "errors": [{"message": error.message, "extensions": {"code": error.code}}],
    }


def is_unexpected(error: GraphQLError) -> bool:
    """True for an exception raised while resolving that is neither ours nor GraphQL's."""
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, MemoryError_)):
        return False
    # A custom scalar's parse error in a variable is the client's mistake, as GraphQL says.
    return not (error.path is None and error.message.startswith("Variable '$"))


def request_id_of(execution_context: ExecutionContext | None) -> str:
    """The request id in the GraphQL context, or "-" outside a request."""
    context = getattr(execution_context, "context", None)
    return str(getattr(context, "request_id", "-"))


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Log unexpected errors with their traceback and request id; expected ones briefly."""
    request_id = request_id_of(execution_context)
    for error in errors:
        if is_unexpected(error):
            logger.error(
                "request %s: unexpected error at %s",
                request_id,
                error.path,
                exc_info=error.original_error,
            )
        else:
            logger.info("request %s: %s", request_id, error.message)


def client_error(error: GraphQLError, request_id: str) -> GraphQLError:
    """The error as the client should see it."""
    original = error.original_error
    if isinstance(original, MemoryError_):
        extensions: dict[str, Any] = {**(error.extensions or {}), "code": original.code}
        if original.field:
            extensions["field"] = original.field
        return _copy(error, original.message, extensions, original)
    if is_unexpected(error):
        message = f"Internal error; request id {request_id}"
        return _copy(error, message, {"code": INTERNAL, "requestId": request_id}, None)
    return error


def _copy(
    error: GraphQLError,
    message: str,
    extensions: dict[str, Any],
    original: Exception | None,
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    """Adds ``extensions.code`` to expected errors and masks unexpected ones."""

    def _process(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            request_id = request_id_of(self.execution_context)
            result.errors = [client_error(e, request_id) for e in errors]  # type: ignore[attr-defined]

    def on_operation(self) -> Iterator[None]:
        """Rewrite the errors of a query or mutation result."""
        self._streamed = False
        yield
        if self._streamed:
            return  # each streamed result was rewritten as it was sent
        result = self.execution_context.result
        self._process(result)
        self._process(getattr(result, "initial_result", None))

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Rewrite the errors of each subscription (or streamed) result."""
        self._streamed = True
        self._process(result)
        yield None
