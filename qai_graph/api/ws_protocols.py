"""Both WebSocket subprotocols, robust against what clients actually send.

Mixins for the handlers in ``view.py`` (which add keys, pings and operation limits):

- **graphql-transport-ws**: a frame that is not an object with a string ``type``
  (``[1,2]``, ``"x"``), or a ``subscribe`` whose payload is not
  ``{query: string, variables?: object, operationName?: string, extensions?: object}``
  (``payload.query: 5``), closes the socket with 4400 as the protocol says. Strawberry
  indexes such frames blindly: TypeError, a traceback and a socket dropped without a
  close frame (its KeyError guard covers missing keys only).
- **graphql-ws (legacy, subscriptions-transport-ws)**: queries and mutations run
  (Strawberry's handler calls ``schema.subscribe``, which refuses them with
  InvalidOperationTypeError -> INTERNAL; upstream strawberry-graphql/strawberry#1638
  fixed this for graphql-transport-ws only); a malformed message gets an ``error``
  (with its id) or a ``connection_error`` instead of silence or a traceback
  (upstream #1625), and the socket stays usable.
- **Both**: a socket that has not been acknowledged within the init timeout is closed
  (4408), and its pre-auth slot (``preauth.py``) is given back at acknowledgement.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.types.execution import PreExecutionError

from qai_graph.api.errors import BAD_REQUEST
from qai_graph.api.preauth import release_ticket

CLOSE_BAD_REQUEST = 4400
CLOSE_INIT_TIMEOUT = 4408
_LEGACY_TYPES = frozenset({"connection_init", "connection_terminate", "start", "stop"})


def operation_problem(message: dict[str, Any]) -> str | None:
    """What is wrong with a ``subscribe``/``start`` message, or None."""
    if not isinstance(message.get("id"), str) or not message["id"]:
        return "the message needs a non-empty string 'id'"
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "'payload' must be an object"
    if not isinstance(payload.get("query"), str):
        return "'payload.query' must be a string"
    for key, kind, shape in (
        ("variables", dict, "an object"),
        ("operationName", str, "a string"),
        ("extensions", dict, "an object"),
    ):
        if payload.get(key) is not None and not isinstance(payload[key], kind):
            return f"'payload.{key}' must be {shape} or null"
    return None


class TransportWSGuard:
    """graphql-transport-ws: malformed frames close with 4400; pre-auth slot released."""

    context: Any
    connection_acknowledged: bool

    async def handle_message(self, message: Any) -> None:
        """Check the frame's shape before Strawberry indexes it."""
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.handle_invalid_message(  # type: ignore[attr-defined]
                "messages must be JSON objects with a string 'type'"
            )
            return
        if message["type"] == "subscribe":
            problem = operation_problem(message)
            if problem is not None:
                await self.handle_invalid_message(f"invalid subscribe: {problem}")  # type: ignore[attr-defined]
                return
        await super().handle_message(message)  # type: ignore[misc]

    async def handle_connection_init(self, message: Any) -> None:
        """Strawberry's init; once acknowledged the socket is no longer pre-auth."""
        await super().handle_connection_init(message)  # type: ignore[misc]
        if self.connection_acknowledged:
            release_ticket(self.context)


class LegacyWSGuard:
    """Legacy graphql-ws: every operation type, answers to malformed messages, init timeout."""

    context: Any
    view: Any
    schema: Any
    root_value: Any
    websocket: Any
    connection_acknowledged: bool
    subscriptions: dict[str, Any]
    tasks: dict[str, asyncio.Task[None]]

    async def handle(self) -> None:
        """Strawberry's loop, with the init timeout legacy graphql-ws lacks upstream."""
        timer = asyncio.create_task(self._init_deadline())
        try:
            await super().handle()  # type: ignore[misc]
        finally:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer

    async def _init_deadline(self) -> None:
        await asyncio.sleep(self.view.connection_init_wait_timeout.total_seconds())
        if not self.connection_acknowledged:
            with contextlib.suppress(Exception):
                await self.websocket.close(CLOSE_INIT_TIMEOUT, "Connection initialisation timeout")

    async def _refuse(self, op_id: object, problem: str) -> None:
        error = {"message": problem, "extensions": {"code": BAD_REQUEST}}
        if isinstance(op_id, str) and op_id:
            await self.send_message({"type": "error", "id": op_id, "payload": error})  # type: ignore[attr-defined]
        else:
            await self.send_message({"type": "connection_error", "payload": error})  # type: ignore[attr-defined]

    async def handle_message(self, message: Any) -> None:
        """Answer malformed messages instead of ignoring them or raising."""
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._refuse(None, "messages must be JSON objects with a string 'type'")
            return
        kind = message["type"]
        if kind not in _LEGACY_TYPES:
            await self._refuse(message.get("id"), f"unknown message type {kind[:40]!r}")
            return
        if kind == "start":
            problem = operation_problem(message)
            if problem is not None:
                await self._refuse(message.get("id"), f"invalid start: {problem}")
                return
        if kind == "stop" and not isinstance(message.get("id"), str):
            await self._refuse(None, "invalid stop: the message needs a string 'id'")
            return
        await super().handle_message(message)  # type: ignore[misc]

    async def handle_connection_init(self, message: Any) -> None:
        """Strawberry's init; once acknowledged the socket is no longer pre-auth."""
        await super().handle_connection_init(message)  # type: ignore[misc]
        if self.connection_acknowledged:
            release_ticket(self.context)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        """Strawberry's, but through ``schema.stream``: queries and mutations run too."""
        try:
            result_source = await self.schema.stream(
                query=query,
                variable_values=variables,
                operation_name=operation_name,
                context_value=self.context,
                root_value=self.root_value,
            )
            self.subscriptions[operation_id] = result_source
            first = True
            async for result in result_source:
                if first and isinstance(result, PreExecutionError):
                    assert result.errors
                    payload = result.errors[0].formatted
                    refusal = {"type": "error", "id": operation_id, "payload": payload}
                    await self.send_message(refusal)  # type: ignore[attr-defined]
                    return
                await self.send_data_message(result, operation_id)  # type: ignore[attr-defined]
                first = False
            await self.send_message({"type": "complete", "id": operation_id})  # type: ignore[attr-defined]
        except asyncio.CancelledError:
            await self.send_message({"type": "complete", "id": operation_id})  # type: ignore[attr-defined]
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)
