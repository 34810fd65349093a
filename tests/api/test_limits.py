"""Limits: each refused with a clear code, and nothing written."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from qai_graph.app import create_app
from qai_graph.cli.serving import uvicorn_options
from tests.support.api_harness import (
    LEGACY_WS,
    TRANSPORT_WS,
    ConfigFactory,
    RunningApp,
    serve,
    ws_client,
)
from tests.support.helpers import readme_operation, scan_all
from tests.support.operations import RECORD, record_input


async def assert_nothing_written(api: RunningApp, before: int) -> None:
    assert len(await scan_all(api.service)) == before


async def refused(api: RunningApp, query: str, variables: Any = None) -> dict[str, Any]:
    """The one error of ``query``, checking it wrote nothing."""
    before = len(await scan_all(api.service))
    error = await api.client.error(query, variables)
    await assert_nothing_written(api, before)
    return error


def aliased_records(count: int) -> str:
    fields = " ".join(
        f'a{i}: recordInteraction(input: {{player: "Al", message: "m{i}"}}) {{ replayed }}'
        for i in range(count)
    )
    return f"mutation {{ {fields} }}"


async def test_query_depth(make_config: ConfigFactory) -> None:
    async with serve(make_config(max_query_depth=4)) as api:
        deep = '{ player(name: "Al") { interactions { edges { node { player { name } } } } } }'
        error = await refused(api, deep)
        assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
        await api.client.data('{ player(name: "Al") { interactions { nodes { id } } } }')


async def test_aliases(make_config: ConfigFactory) -> None:
    async with serve(make_config(max_aliases=3)) as api:
        error = await refused(api, aliased_records(4))
        assert error["extensions"]["code"] == "TOO_MANY_ALIASES"
        await api.client.data(aliased_records(3))


async def test_tokens(make_config: ConfigFactory) -> None:
    async with serve(make_config(max_tokens=100)) as api:
        error = await refused(api, aliased_records(8))
        assert error["extensions"]["code"] == "TOO_MANY_TOKENS"


async def test_the_default_limits_allow_the_readme_dashboard(api: RunningApp) -> None:
    await api.client.data(RECORD, record_input("Al", "hi"))
    dashboard = readme_operation("Dashboard")
    data = await api.client.data(dashboard)
    assert data["players"]["edges"][0]["node"]["name"] == "Al"


@pytest.mark.parametrize(
    "query",
    [
        "{ players(first: 101) { nodes { name } } }",
        '{ observations(subject: "GENERAL", first: 101) { nodes { id } } }',
        '{ player(name: "Al") { interactions(first: 101) { nodes { id } } } }',
        '{ player(name: "Al") { observations(first: 101) { nodes { id } } } }',
        "{ players(first: 0) { nodes { name } } }",
    ],
)
async def test_first_is_at_most_100(api: RunningApp, query: str) -> None:
    await api.client.data(RECORD, record_input("Al", "hi"))
    error = await refused(api, query)
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "first"}, error


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("message", {"message": "m" * 2001}),
        ("qai_response", {"qaiResponse": "r" * 4001}),
        ("player", {"player": "p" * 200}),
    ],
)
async def test_long_interaction_text_is_refused(
    api: RunningApp, field: str, overrides: dict[str, Any]
) -> None:
    variables = {"input": {"player": "Al", "message": "hi", **overrides}}
    error = await refused(api, RECORD, variables)
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"].get("field", "").replace("_", "").lower() in (
        field.replace("_", "").lower(),
        "name",
    ), error


async def test_long_observation_content_is_refused(api: RunningApp) -> None:
    query = (
        "mutation S($c: String!) { storeObservation(input: "
        '{subject: "GENERAL", content: $c, category: EVENT}) { id } }'
    )
    error = await refused(api, query, {"c": "c" * 1001})
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "content"}


async def test_request_body_size(make_config: ConfigFactory) -> None:
    async with serve(make_config(max_body_bytes=2048)) as api:
        before = len(await scan_all(api.service))
        big = {"query": RECORD, "variables": record_input("Al", "x" * 4000)}
        response = await api.client.http.post("/graphql", json=big)
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked upload
            body = json.dumps(big).encode()
            for start in range(0, len(body), 512):
                yield body[start : start + 512]

        response = await api.client.http.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        await assert_nothing_written(api, before)
        await api.client.data(RECORD, record_input("Al", "small"))


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_subscriptions_per_connection(make_config: ConfigFactory, protocol: str) -> None:
    query = "subscription { evolutionStageChanged { stage } }"
    config = make_config(max_subscriptions_per_connection=2)
    async with serve(config) as api, ws_client(api.ws_url, protocol) as client:
        await client.subscribe(query)
        await client.subscribe(query)
        await api.wait_for_subscribers(2)
        await client.subscribe(query)
        message = await client.receive(5)
        assert message["type"] == "error" and message["id"] == "3"
        payload = message["payload"]
        error = payload[0] if isinstance(payload, list) else payload
        assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        assert api.bus.subscriber_count == 2


async def test_connections_per_key(make_config: ConfigFactory) -> None:
    async with serve(make_config(max_connections_per_key=2)) as api:
        async with (
            ws_client(api.ws_url),
            ws_client(api.ws_url),
            connect(api.ws_url, subprotocols=[TRANSPORT_WS]) as third,  # type: ignore[list-item]
        ):
            await third.send(json.dumps({"type": "connection_init", "payload": {}}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(third.recv(), 5)
            assert third.close_code == 4429
            assert "TOO_MANY_CONNECTIONS" in (third.close_reason or "")
        # Closed connections give their slots back.
        for _ in range(3):
            async with ws_client(api.ws_url) as client:
                await client.subscribe("{ evolution { stage } }")
                assert (await client.next_data())["evolution"]["stage"] == 1


async def test_websocket_messages_are_bounded_by_the_server(make_config: ConfigFactory) -> None:
    config = make_config(max_body_bytes=2048)
    app = create_app(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **uvicorn_options(config)))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not task.done()
            await asyncio.sleep(0.01)
        url = f"ws://127.0.0.1:{sock.getsockname()[1]}/graphql"
        async with ws_client(url) as client:
            await client.subscribe("{ evolution { stage } }", {"pad": "x" * 4000})
            with pytest.raises(ConnectionClosed):
                await client.receive(5)
            assert client.ws.close_code == 1009  # message too big
        async with httpx.AsyncClient() as http:
            ok = await http.post(
                url.replace("ws://", "http://"), json={"query": "{ evolution { stage } }"}
            )
            assert ok.status_code == 200
    finally:
        server.should_exit = True
        await task
        sock.close()
