"""The loop's two calls to QAI's memory: before the model (systemPrompt) and after it
(recordInteraction), over the GraphQL API (the deployed path) or in-process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from qai_graph.errors import Conflict
from qai_graph.memory.service import MemoryService

SYSTEM_PROMPT = """
query SystemPrompt($player: String!, $message: String, $sessionId: ID) {
  systemPrompt(player: $player, message: $message, sessionId: $sessionId)
}"""

RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { replayed player { totalInteractions } }
}"""


@dataclass(frozen=True)
class Recorded:
    """What recording one exchange did. ``replayed``: the message id was recorded before
    (a retry, or a redelivered message answered again): nothing was counted twice."""

    replayed: bool
    player_total_interactions: int | None


# A redelivered message is answered again, differently (memory moved on), and the store
# refuses its id with other data (CONFLICT): the first answer's record stands.
ALREADY_RECORDED = Recorded(replayed=True, player_total_interactions=None)


class ChatMemory(Protocol):
    """What the loop needs from QAI's memory."""

    async def system_prompt(self, player: str, message: str, session_id: str) -> str:
        """The memory-filled system prompt for answering ``message``."""
        ...

    async def record(
        self, player: str, message: str, response: str, session_id: str, message_id: str
    ) -> Recorded:
        """Record the exchange once per ``message_id``."""
        ...


class MemoryApiError(RuntimeError):
    """The memory API answered with an error; ``code`` is its extensions.code."""

    def __init__(self, message: str, code: str | None) -> None:
        super().__init__(message)
        self.code = code


class GraphQLMemory:
    """The GraphQL API over HTTP (``POST /graphql``), with an optional API key."""

    def __init__(self, url: str, api_key: str | None = None, timeout_s: float = 10.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._url = url
        self._http = httpx.AsyncClient(headers=headers, timeout=timeout_s)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def _data(
        self, query: str, variables: dict[str, Any], *, attempts: int = 1
    ) -> dict[str, Any]:
        for attempt in range(attempts):
            try:
                response = await self._http.post(
                    self._url, json={"query": query, "variables": variables}
                )
                break
            except httpx.TransportError:
                if attempt + 1 == attempts:
                    raise
        body = response.json() if response.content else {}
        if response.status_code != 200 or body.get("errors"):
            errors = body.get("errors") or [{"message": f"HTTP {response.status_code}"}]
            code = (errors[0].get("extensions") or {}).get("code")
            raise MemoryApiError("; ".join(str(e.get("message")) for e in errors), code)
        data: dict[str, Any] = body["data"]
        return data

    async def system_prompt(self, player: str, message: str, session_id: str) -> str:
        """systemPrompt(player, message, sessionId)."""
        variables = {"player": player, "message": message, "sessionId": session_id}
        return str((await self._data(SYSTEM_PROMPT, variables))["systemPrompt"])

    async def record(
        self, player: str, message: str, response: str, session_id: str, message_id: str
    ) -> Recorded:
        """recordInteraction with the chat message id as idempotency key."""
        payload = {
            "player": player,
            "message": message,
            "qaiResponse": response,
            "channel": "TWITCH",
            "sessionId": session_id,
            "idempotencyKey": message_id,
        }
        try:
            # Sent again after a transport error: the same key and data replay safely.
            done = (await self._data(RECORD, {"input": payload}, attempts=2))["recordInteraction"]
        except MemoryApiError as exc:
            if exc.code == "CONFLICT":
                return ALREADY_RECORDED
            raise
        return Recorded(bool(done["replayed"]), int(done["player"]["totalInteractions"]))


class InProcessMemory:
    """A MemoryService in this process (no API between the loop and the table)."""

    def __init__(self, service: MemoryService) -> None:
        self._service = service

    async def system_prompt(self, player: str, message: str, session_id: str) -> str:
        """build_system_prompt with the message."""
        return await self._service.build_system_prompt(
            player=player, session_id=session_id, game_state=None, message=message
        )

    async def record(
        self, player: str, message: str, response: str, session_id: str, message_id: str
    ) -> Recorded:
        """record_interaction with the chat message id as idempotency key."""
        try:
            done = await self._service.record_interaction(
                player,
                "twitch",
                message,
                qai_response=response,
                session_id=session_id,
                idempotency_key=message_id,
            )
        except Conflict:
            return ALREADY_RECORDED
        return Recorded(done.replayed, done.player.total_interactions)
