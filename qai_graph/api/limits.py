"""The API's limits, each refused with its own code before anything runs.

| limit | where | code |
| --- | --- | --- |
| query depth | Strawberry's QueryDepthLimiter | QUERY_TOO_DEEP |
| aliases | Strawberry's MaxAliasesLimiter | TOO_MANY_ALIASES |
| tokens | Strawberry's MaxTokensLimiter | TOO_MANY_TOKENS |
| introspection (when off) | Strawberry's DisableIntrospection | INTROSPECTION_DISABLED |
| HTTP body size | ``BodySizeLimit`` (ASGI) | PAYLOAD_TOO_LARGE (HTTP 413) |
| subscriptions per connection | the WebSocket handlers (view.py) | TOO_MANY_SUBSCRIPTIONS |
| connections per key | ``ConnectionSlots`` | TOO_MANY_CONNECTIONS |
| query cost | ``OperationChecks`` (cost.py) | QUERY_TOO_COSTLY |
| operation deadline | ``DeadlineExecutor`` (deadline.py) | TIMEOUT |
| sockets before ``connection_init`` | ``PreAuthSlots`` (preauth.py) | closed 4429 / 4408 |

``first`` (at most 100) and text lengths are input checks: INVALID_INPUT naming the field.
Strawberry's extensions are given to the schema as factories, so every operation gets a
fresh extension: an instance shared between concurrent requests would share its state.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLError, ValidationContext
from graphql.validation import ASTValidationRule
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from qai_graph.config import MemoryConfig

QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
TOO_MANY_CONNECTIONS = "TOO_MANY_CONNECTIONS"

ExtensionFactory = Callable[[], SchemaExtension]
_DRAIN_FACTOR = 16


def with_code(error: GraphQLError, code: str) -> GraphQLError:
    """``error`` with ``extensions.code`` set (in place; GraphQL errors are mutable)."""
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


class _CodingContext:
    """A ValidationContext whose reported errors get a code; everything else passes through."""

    def __init__(self, context: ValidationContext, code: str) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(with_code(error, self._code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _coded_rule(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    class Coded(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_CodingContext(context, code))

    Coded.__name__ = f"Coded{rule.__name__}"
    return Coded


def coded_rules(template: AddValidationRules, code: str) -> ExtensionFactory:
    """A factory of fresh extensions running ``template``'s rules, their errors coded.

    The template is only read for its rule classes (stateless; graphql-core makes a rule
    instance per validation), never used on a request itself.
    """
    rules = [_coded_rule(rule, code) for rule in template.validation_rules]
    return lambda: AddValidationRules(rules)


class CodedMaxTokensLimiter(MaxTokensLimiter):
    """MaxTokensLimiter whose refusal carries TOO_MANY_TOKENS."""

    def on_parse(self) -> Iterator[None]:
        """After parsing, code the parser's "more than N tokens" error."""
        yield
        marker = f"more than {self.max_token_count} tokens"
        for error in self.execution_context.pre_execution_errors or []:
            if marker in error.message:
                with_code(error, TOO_MANY_TOKENS)


def limit_extensions(config: MemoryConfig) -> list[ExtensionFactory]:
    """Factories of the limit extensions the configuration asks for."""
    factories: list[ExtensionFactory] = [
        # Strawberry counts the root fields as depth 0: N levels of fields are depth N - 1.
        coded_rules(QueryDepthLimiter(max_depth=config.max_query_depth - 1), QUERY_TOO_DEEP),
        coded_rules(MaxAliasesLimiter(max_alias_count=config.max_aliases), TOO_MANY_ALIASES),
        lambda: CodedMaxTokensLimiter(max_token_count=config.max_tokens),
    ]
    if not config.introspection_enabled:
        factories.append(coded_rules(DisableIntrospection(), INTROSPECTION_DISABLED))
    return factories


class BodySizeLimit:
    """ASGI middleware: an HTTP body over ``max_bytes`` gets 413 before any GraphQL runs.

    The body is read here (it is small by construction) and handed on unchanged, so a
    chunked upload without Content-Length is bounded too.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; let the app see it
            chunk = message.get("body", b"")
            size += len(chunk)
            more = message.get("more_body", False)
            if size > self.max_bytes:
                # Drain (and drop) a bounded rest first, so the client reads our answer.
                while more and size <= _DRAIN_FACTOR * self.max_bytes:
                    message = await receive()
                    size += len(message.get("body", b""))
                    more = message.get("more_body", False)
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not more:
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        message = f"the request body is larger than {self.max_bytes} bytes"
        payload = {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": PAYLOAD_TOO_LARGE}}],
        }
        body = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class ConnectionSlots:
    """Open WebSocket connections per API key, at most ``limit`` each (one event loop)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: Counter[str] = Counter()

    def acquire(self, key_id: str) -> bool:
        """Take a slot for ``key_id``; False when it already holds ``limit``."""
        if self._open[key_id] >= self.limit:
            return False
        self._open[key_id] += 1
        return True

    def release(self, key_id: str) -> None:
        """Give a slot back."""
        self._open[key_id] -= 1
        if self._open[key_id] <= 0:
            del self._open[key_id]

    def open_count(self, key_id: str) -> int:
        """Connections ``key_id`` holds now."""
        return self._open[key_id]
