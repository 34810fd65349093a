"""GraphQL over HTTP as the spec says it (graphql.github.io/graphql-over-http).

A mixin for the Strawberry ASGI view. What it changes, and why:

- **Media types.** A client accepting ``application/graphql-response+json`` gets it, and
  a request error (the document does not parse or validate, a variable does not
  coerce, a limit refused it) answers 400 without a ``data`` entry, as the spec says.
  Everyone else (``application/json``, ``*/*``, no Accept) keeps the old behaviour:
  200 with ``data: null``.
- **Every error is JSON with a code**: Strawberry answers its request errors in plain
  text (``HTTPException`` -> ``PlainTextResponse``); here they are
  ``{"errors": [{"message", "extensions": {"code"}}]}`` with the same status.
- **Bodies**: only ``application/json`` POST bodies (415 ``UNSUPPORTED_MEDIA_TYPE``
  otherwise); the body must be a JSON object (Strawberry raises AttributeError -> 500
  on ``"str"``, ``123``, ``null``, ``true``); JSON nested deeper than ``MAX_JSON_DEPTH``
  is refused before parsing (Python's parser raises RecursionError -> 500).
- **Operation types**: a mutation over GET is 405 with ``Allow: POST``; a subscription
  over HTTP is 400 ``BAD_REQUEST`` pointing at the WebSocket (Strawberry allows
  subscriptions over GET and POST for its multipart transport, which is off here, and
  then executes them as queries: INTERNAL).
Upstream: Strawberry answers its HTTP errors in plain text (strawberry-graphql/strawberry
PR #4037 only fixed their Content-Type) and its status is always 200 (issue #2813);
fixed here, in this project's view layer, until Strawberry does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from qai_graph.api.cost import QUERY_TOO_COSTLY
from qai_graph.api.errors import (
    BAD_REQUEST,
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    INTERNAL,
)
from qai_graph.api.limits import (
    INTROSPECTION_DISABLED,
    QUERY_TOO_DEEP,
    TOO_MANY_ALIASES,
    TOO_MANY_TOKENS,
)

logger = logging.getLogger("qai_graph.api")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
NOT_FOUND = "NOT_FOUND"
MAX_JSON_DEPTH = 64
"""Deeper JSON is refused: no GraphQL request of this API nests anywhere near it."""

REQUEST_ERROR_CODES = frozenset(
    {
        GRAPHQL_PARSE_FAILED,
        GRAPHQL_VALIDATION_FAILED,
        BAD_USER_INPUT,
        BAD_REQUEST,
        QUERY_TOO_COSTLY,
        QUERY_TOO_DEEP,
        TOO_MANY_ALIASES,
        TOO_MANY_TOKENS,
        INTROSPECTION_DISABLED,
        "INVALID_INPUT",  # a custom scalar refusing a variable, before execution
    }
)
"""Codes of errors raised before execution starts: the spec's request errors."""

_STATUS_CODES = {
    400: BAD_REQUEST,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    415: UNSUPPORTED_MEDIA_TYPE,
}


class RequestError(HTTPException):
    """A request refused before any GraphQL runs: a status, a code and headers."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status, message)
        self.code = code
        self.headers = dict(headers or {})


def accepts_graphql_response(accept: str | None) -> bool:
    """True when the client prefers ``application/graphql-response+json`` (RFC 9110 q)."""
    best: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best[media.strip().lower()] = max(quality, best.get(media.strip().lower(), 0.0))
    wanted = best.get(GRAPHQL_RESPONSE_JSON, 0.0)
    return wanted > 0 and wanted >= best.get(JSON, 0.0)


def json_too_deep(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``text`` nests arrays/objects deeper than ``limit`` (strings skipped)."""
    data = text.encode() if isinstance(text, str) else text
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # the common case: not even that many brackets
    depth, in_string, escaped = 0, False, False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def is_request_error(result: ExecutionResult) -> bool:
    """No data, and every error is one the spec calls a request error."""
    errors = result.errors or []
    return (
        result.data is None
        and bool(errors)
        and all(
            e.path is None and (e.extensions or {}).get("code") in REQUEST_ERROR_CODES
            for e in errors
        )
    )


def _error_json(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class GraphQLOverHTTP:
    """Mixin for ``strawberry.asgi.GraphQL``: the spec's statuses, media types and bodies."""

    schema: Any

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP: answer every refusal as JSON with a code; WebSocket as Strawberry does."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)  # type: ignore[misc]
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = self.error_response(request, exc)
        except Exception:
            # A bug: JSON for the client, the traceback for the operator.
            logger.exception("unexpected error answering %s %s", request.method, request.url.path)
            response = self.error_response(request, HTTPException(500, "Internal error"))
        await response(scope, receive, send)

    def error_response(self, request: Request, error: HTTPException) -> Response:
        """A request refused before GraphQL ran, as JSON with a code."""
        code = getattr(error, "code", None) or _STATUS_CODES.get(error.status_code, INTERNAL)
        headers = dict(getattr(error, "headers", {}) or {})
        if error.status_code == 405 and "allow" not in {k.lower() for k in headers}:
            headers["Allow"] = "GET, POST"
        media = (
            GRAPHQL_RESPONSE_JSON
            if accepts_graphql_response(request.headers.get("accept"))
            else JSON
        )
        return JSONResponse(
            _error_json(code, error.reason),
            status_code=error.status_code,
            headers=headers,
            media_type=media,
        )

    def decode_json(self, data: str | bytes) -> object:
        """JSON, refusing a nesting Python's recursive parser cannot take (both transports)."""
        if json_too_deep(data):
            raise json.JSONDecodeError(f"JSON nested deeper than {MAX_JSON_DEPTH}", "", 0)
        return json.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        """A JSON request parameter or body; 400 BAD_REQUEST when it is not JSON."""
        try:
            return self.decode_json(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RequestError(400, BAD_REQUEST, f"the body is not valid JSON: {exc}") from exc

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """The GraphQL request of a GET (query string) or an ``application/json`` POST."""
        if request.method == "GET":
            data: Any = self.parse_query_params(request.query_params)  # type: ignore[attr-defined]
        else:
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != JSON:
                raise RequestError(
                    415,
                    UNSUPPORTED_MEDIA_TYPE,
                    "send the GraphQL request as a JSON body: Content-Type: application/json",
                )
            data = self.parse_json(await request.get_body())
        if not isinstance(data, dict):
            raise RequestError(
                400, BAD_REQUEST, "the request must be a JSON object with a 'query' string"
            )
        checks = (("query", str), ("operationName", str), ("variables", dict), ("extensions", dict))
        for key, kind in checks:
            value = data.get(key)
            if value is not None and not isinstance(value, kind):
                shape = "a string" if kind is str else "an object"
                raise RequestError(400, BAD_REQUEST, f"'{key}' must be {shape} or null")
        return GraphQLRequestData(
            query=data.get("query"),
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol="http",
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Run a query (GET, POST) or a mutation (POST); subscriptions need a WebSocket."""
        method = request_adapter.method
        allowed = {OperationType.QUERY} | ({OperationType.MUTATION} if method == "POST" else set())
        try:
            return await self.schema.execute(  # type: ignore[no-any-return]
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type == OperationType.MUTATION:
                raise RequestError(
                    405, METHOD_NOT_ALLOWED, "send mutations with POST", {"Allow": "POST"}
                ) from exc
            raise RequestError(
                400,
                BAD_REQUEST,
                "subscriptions are served over WebSocket at this URL "
                "(graphql-transport-ws or graphql-ws), not over HTTP",
            ) from exc
        except CannotGetOperationTypeError as exc:
            raise RequestError(400, BAD_REQUEST, exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise RequestError(400, BAD_REQUEST, "the request has no GraphQL query") from exc

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The body; under graphql-response+json a request error has no ``data`` and is 400."""
        body = process_result(result)
        if accepts_graphql_response(request.headers.get("accept")):
            request.state.graphql_media_type = GRAPHQL_RESPONSE_JSON
            if is_request_error(result):
                body.pop("data", None)
                request.state.graphql_status = 400
        return body

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry's run, then the status and media type chosen in process_result."""
        response = await super().run(request, context, root_value)  # type: ignore[misc]
        if isinstance(request, Request) and isinstance(response, Response):
            media = getattr(request.state, "graphql_media_type", None)
            if media is not None and response.media_type == JSON:
                response.headers["content-type"] = f"{media}; charset=utf-8"
            status = getattr(request.state, "graphql_status", None)
            if status is not None:
                response.status_code = status
        return response
