"""How failures reach clients.

- A domain error (``qai_graph.errors.MemoryError_``) keeps its message and gets a stable
  ``extensions.code`` (``NOT_FOUND``, ``INVALID_INPUT``, ``CONFLICT``,
  ``STORE_UNAVAILABLE``) and, when known, ``extensions.field`` named as in the schema
  (``qaiResponse``, ``idempotencyKey``, ``player``), not as the Python parameter.
- The API's own refusals (``Unauthenticated``, ``Forbidden``, ``LimitExceeded``) are
  domain errors too, with codes ``UNAUTHENTICATED``, ``FORBIDDEN`` and one code per limit.
- GraphQL's own errors keep their message and get a code: ``GRAPHQL_PARSE_FAILED``
  (syntax), ``GRAPHQL_VALIDATION_FAILED`` (validation), ``BAD_USER_INPUT`` (a variable
  that does not coerce), ``BAD_REQUEST`` (no such operation, several operations and no
  ``operationName``, a document nested too deeply); a limit's own code wins. With
  introspection off, no message suggests a name ("Did you mean ...?").
- Anything else is a bug or an outage we did not expect: the client sees only
  "Internal error; request id <id>" (code ``INTERNAL``), and the log has the traceback
  under the same id. Expected errors are logged at DEBUG: a bad request is the
  client's business, not the operator's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionContext, PreExecutionError

from qai_graph.errors import MemoryError_

logger = logging.getLogger("qai_graph.api")

INTERNAL = "INTERNAL"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
BAD_REQUEST = "BAD_REQUEST"

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
_REQUEST_ERRORS = (RecursionError, CannotGetOperationTypeError, InvalidOperationTypeError)

# ``field`` as the schema names it: the domain names a player ``name`` wherever it checks
# one, while these fields take it as ``player`` (or inside a ``subject``).
_NAME_ARGUMENT = {
    "recordInteraction": "player",
    "recordSolution": "player",
    "systemPrompt": "player",
    "recall": "player",
    "storeObservation": "subject",
    "observations": "subject",
    "reinforceObservation": "subject",
    "promoteObservation": "subject",
    "hideMemory": "subject",
    "unhideMemory": "subject",
    "releaseMemory": "subject",
    "forgetObservation": "subject",
}
_FIELD_ALIASES = {"updates": "input"}


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


class OperationTimeout(MemoryError_):
    """The operation's deadline passed; its work was cancelled (see deadline.py)."""

    code = "TIMEOUT"


def error_body(error: MemoryError_) -> dict[str, Any]:
    """A GraphQL-over-HTTP body for a refusal made before any GraphQL ran."""
    return {
        "data": None,
        "errors": [{"message": error.message, "extensions": {"code": error.code}}],
    }


def is_unexpected(error: GraphQLError) -> bool:
    """True for an exception raised while resolving that is neither ours nor GraphQL's."""
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, MemoryError_, *_REQUEST_ERRORS)):
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
            logger.debug("request %s: %s", request_id, error.message)


def schema_field_name(field: str, root_field: object) -> str:
    """A domain error's ``field`` as the schema spells it for the failing root field."""
    if field == "name" and isinstance(root_field, str) and root_field in _NAME_ARGUMENT:
        return _NAME_ARGUMENT[root_field]
    field = _FIELD_ALIASES.get(field, field)
    head, *rest = field.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def graphql_code(error: GraphQLError, pre_execution: bool) -> str | None:
    """The code of an error GraphQL itself raised (None: leave it uncoded)."""
    if isinstance(error, GraphQLSyntaxError):
        return GRAPHQL_PARSE_FAILED
    if isinstance(error.original_error, _REQUEST_ERRORS):
        return BAD_REQUEST
    original = error.original_error
    if error.path is not None or not (original is None or isinstance(original, GraphQLError)):
        return None
    if pre_execution:
        return GRAPHQL_VALIDATION_FAILED
    # Before execution starts graphql-core coerces the variables, or finds no operation.
    return BAD_USER_INPUT if error.message.startswith("Variable '$") else BAD_REQUEST


def client_error(
    error: GraphQLError,
    request_id: str,
    *,
    pre_execution: bool = False,
    hide_suggestions: bool = False,
) -> GraphQLError:
    """The error as the client should see it."""
    original = error.original_error
    if isinstance(original, MemoryError_):
        extensions: dict[str, Any] = {**(error.extensions or {}), "code": original.code}
        if original.field:
            root = error.path[0] if error.path else None
            extensions["field"] = schema_field_name(original.field, root)
        return _copy(error, original.message, extensions, original)
    if isinstance(original, RecursionError):
        message = "the request is nested too deeply"
        return _copy(error, message, {"code": BAD_REQUEST}, None)
    if is_unexpected(error):
        message = f"Internal error; request id {request_id}"
        return _copy(error, message, {"code": INTERNAL, "requestId": request_id}, None)
    extensions = dict(error.extensions or {})
    message = _SUGGESTION.sub("", error.message) if hide_suggestions else error.message
    if "code" not in extensions:
        code = graphql_code(error, pre_execution)
        if code is not None:
            extensions["code"] = code
    if extensions == (error.extensions or {}) and message == error.message:
        return error
    return _copy(error, message, extensions, original)


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

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        super().__init__()
        self.hide_suggestions = hide_suggestions

    def _process(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            request_id = request_id_of(self.execution_context)
            pre_execution = isinstance(result, PreExecutionError)
            result.errors = [  # type: ignore[attr-defined]
                client_error(
                    e,
                    request_id,
                    pre_execution=pre_execution,
                    hide_suggestions=self.hide_suggestions,
                )
                for e in errors
            ]

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
