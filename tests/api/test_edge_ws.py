"""The API's WebSocket edge (issue 9): both subprotocols, malformed frames, deadlines,
and sockets that never authenticate."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from qai_graph.models import Channel
from tests.support.api_harness import (
    LEGACY_WS,
    TRANSPORT_WS,
    ConfigFactory,
    RunningApp,
    WSClient,
    serve,
    ws_client,
)
from tests.support.operations import RECORD, record_input


def timeout_codes(message: dict[str, Any]) -> list[str]:
    """The codes of a result's or an error message's errors (both subprotocols)."""
    payload = message["payload"]
    if isinstance(payload, dict) and "errors" in payload:
        payload = payload["errors"]
    errors = payload if isinstance(payload, list) else [payload]
    return [e.get("extensions", {}).get("code") for e in errors]


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    traced = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not traced, [r.getMessage() for r in traced]


async def test_legacy_graphql_ws_runs_queries_and_mutations(
    api: RunningApp, no_tracebacks: None
) -> None:
    async with ws_client(api.ws_url, LEGACY_WS) as client:
        op = await client.subscribe(RECORD, record_input("Lee", "hi"))
        data = await client.next_data()
        assert data["recordInteraction"]["player"]["totalInteractions"] == 1
        assert (await client.receive(5)) == {"type": "complete", "id": op}
        await client.subscribe("{ evolution { totalInteractions } }")
        assert (await client.next_data())["evolution"]["totalInteractions"] == 1


@pytest.mark.parametrize(
    ("message", "answer_type"),
    [
        ({"type": "start", "id": "1"}, "error"),  # no payload
        ({"type": "start", "id": "1", "payload": {"query": 5}}, "error"),
        ({"type": "start", "id": "1", "payload": []}, "error"),
        ([1, 2], "connection_error"),
        ("x", "connection_error"),
        ({"type": "nope", "id": "1"}, "error"),
    ],
)
async def test_legacy_malformed_messages_get_an_answer(
    api: RunningApp, message: Any, answer_type: str, no_tracebacks: None
) -> None:
    async with ws_client(api.ws_url, LEGACY_WS) as client:
        await client.ws.send(json.dumps(message))
        answer = await client.receive(5)
        assert answer["type"] == answer_type, answer
        assert answer["payload"]["extensions"]["code"] == "BAD_REQUEST"
        await client.subscribe("{ evolution { stage } }")  # the socket is still usable
        assert (await client.next_data())["evolution"]["stage"] == 1


@pytest.mark.parametrize(
    "frame",
    [
        "[1,2]",
        '"x"',
        '{"a":' * 3000 + "1" + "}" * 3000,
        json.dumps({"type": "subscribe", "id": "1", "payload": {"query": 5}}),
        json.dumps({"type": "subscribe", "id": "1"}),
        json.dumps({"type": "subscribe", "id": 1, "payload": {"query": "{ evolution { stage } }"}}),
    ],
)
async def test_transport_ws_malformed_frames_close_with_4400(
    api: RunningApp, frame: str, no_tracebacks: None
) -> None:
    async with ws_client(api.ws_url, TRANSPORT_WS) as client:
        await client.ws.send(frame)
        with pytest.raises(ConnectionClosed):
            await client.receive(5)
        assert client.ws.close_code == 4400


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_sockets_without_init_are_closed_after_the_timeout(
    make_config: ConfigFactory, protocol: str
) -> None:
    async with (
        serve(make_config(ws_init_timeout_s=0.5)) as api,
        connect(api.ws_url, subprotocols=[protocol]) as ws,  # type: ignore[list-item]
    ):
        with pytest.raises(ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 10)  # legacy may send nothing first
        assert ws.close_code == 4408


async def test_unauthenticated_sockets_are_capped_per_address(
    make_config: ConfigFactory,
) -> None:
    config = make_config(ws_max_unauthenticated_per_address=2, ws_max_unauthenticated=50)
    async with serve(config) as api:
        url = api.ws_url
        async with (
            connect(url, subprotocols=[TRANSPORT_WS]) as first,  # type: ignore[list-item]
            connect(url, subprotocols=[LEGACY_WS]),  # type: ignore[list-item]
        ):
            with pytest.raises(InvalidStatus):
                async with connect(url, subprotocols=[TRANSPORT_WS]):  # type: ignore[list-item]
                    pass
            # Authenticating gives the slot back at once.
            client = WSClient(first, TRANSPORT_WS)
            await client.init()
            async with ws_client(url) as third:
                await third.subscribe("{ evolution { stage } }")
                assert (await third.next_data())["evolution"]["stage"] == 1
    config = make_config(ws_max_unauthenticated_per_address=50, ws_max_unauthenticated=1)
    async with serve(config) as api, connect(api.ws_url, subprotocols=[LEGACY_WS]):  # type: ignore[list-item]
        with pytest.raises(InvalidStatus):
            async with connect(api.ws_url, subprotocols=[LEGACY_WS]):  # type: ignore[list-item]
                pass


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_websocket_operations_have_the_deadline(
    make_config: ConfigFactory, protocol: str
) -> None:
    async with serve(make_config(operation_timeout_s=0.5)) as api:
        # Set-up through the service: the 0.5 s deadline is for the operations under test
        # (a fresh app's first write can take longer than that on a busy machine).
        await api.service.store_interaction("Al", Channel.TWITCH, "hi", "ok")

        async def slow(request: object, **_: object) -> None:
            await asyncio.sleep(2.0)

        events = api.service.store.client.meta.events
        async with ws_client(api.ws_url, protocol) as client:
            events.register("before-send.dynamodb", slow)
            try:
                await client.subscribe('{ player(name: "Al") { name } }')
                message = await client.receive(15)
                assert message["type"] in ("next", "data"), message
                assert message["payload"]["errors"][0]["extensions"]["code"] == "TIMEOUT"
                await client.subscribe("subscription { evolutionUpdated { stage } }")
                message = await client.receive(15)
                while message["type"] == "complete":  # the query's
                    message = await client.receive(15)
                assert timeout_codes(message) == ["TIMEOUT"], message
            finally:
                events.unregister("before-send.dynamodb", slow)
