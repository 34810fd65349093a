"""Roles by API key over HTTP and WebSocket, development mode, forgetPlayer, api-key."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from qai_graph import cli
from qai_graph.api.auth import hash_key
from tests.support.api_harness import LEGACY_WS, TRANSPORT_WS, ConfigFactory, RunningApp, serve
from tests.support.helpers import scan_all
from tests.support.operations import RECORD, record_input

KEYS = {"reader": "reader-key-1", "writer": "writer-key-1", "admin": "admin-key-1"}
API_KEYS = ",".join(f"{role}:{hash_key(key)}" for role, key in KEYS.items())

WRITER_OPS = [
    RECORD,
    'mutation { storeObservation(input: {subject: "GENERAL", content: "c", category: EVENT})'
    " { id } }",
    'mutation { recordSolution(input: {player: "Al", patternId: "p", fidelity: 0.9, timeMs: 5})'
    " { stageAdvanced } }",
    'mutation { addSessionMessage(sessionId: "s", role: "user", content: "hi") { id } }',
]
ADMIN_OPS = [
    'mutation { updatePlayer(name: "Al", input: {playStyle: "x"}) { name } }',
    "mutation { runConsolidation { memoriesPruned } }",
    'mutation { forgetPlayer(name: "Al") { profileDeleted } }',
]


async def post(api: RunningApp, query: str, key: str | None, variables: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return await api.client.http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


def variables_for(query: str) -> dict[str, Any]:
    return record_input("Al", "hi") if query is RECORD else {}


@pytest.fixture
async def secured(make_config: ConfigFactory) -> Any:
    async with serve(make_config(api_keys=API_KEYS)) as api:
        yield api


async def item_count(api: RunningApp) -> int:
    return len(await scan_all(api.service))


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "Basic abc", KEYS["reader"]])
async def test_http_without_a_known_key_is_unauthenticated(
    secured: RunningApp, header: Any
) -> None:
    headers = {"Authorization": header} if header else {}
    response = await secured.client.http.post(
        "/graphql", json={"query": "{ evolution { stage } }"}, headers=headers
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("query", WRITER_OPS + ADMIN_OPS)
async def test_a_reader_may_not_write(secured: RunningApp, query: str) -> None:
    before = await item_count(secured)
    body = (await post(secured, query, KEYS["reader"], variables_for(query))).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert await item_count(secured) == before


@pytest.mark.parametrize("query", ADMIN_OPS)
async def test_a_writer_may_not_administer(secured: RunningApp, query: str) -> None:
    await post(secured, RECORD, KEYS["writer"], record_input("Al", "hi"))
    before = await item_count(secured)
    body = (await post(secured, query, KEYS["writer"])).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert await item_count(secured) == before


async def test_each_role_does_what_it_may(secured: RunningApp) -> None:
    read = (await post(secured, "{ evolution { stage } }", KEYS["reader"])).json()
    assert read["data"]["evolution"]["stage"] == 1
    for query in WRITER_OPS:
        body = (await post(secured, query, KEYS["writer"], variables_for(query))).json()
        assert not body.get("errors"), body
    for query in ADMIN_OPS:
        body = (await post(secured, query, KEYS["admin"])).json()
        assert not body.get("errors"), body


async def test_forget_player_removes_every_item_about_them(secured: RunningApp) -> None:
    admin = KEYS["admin"]
    for i in range(3):
        await post(secured, RECORD, admin, record_input("Gus", f"m{i}", idempotencyKey=f"g-{i}"))
    await post(secured, RECORD, admin, record_input("Other", "hi"))
    store = (
        'mutation { storeObservation(input: {subject: "PLAYER#Gus", content: "likes Bell pairs",'
        " category: BEHAVIORAL}) { id } }"
    )
    assert not (await post(secured, store, admin)).json().get("errors")
    forget = (
        'mutation { forgetPlayer(name: "GUS") { player profileDeleted interactionsDeleted '
        "observationsDeleted idempotencyRecordsDeleted otherItemsDeleted } }"
    )
    body = (await post(secured, forget, admin)).json()
    assert body["data"]["forgetPlayer"] == {
        "player": "gus",
        "profileDeleted": True,
        "interactionsDeleted": 3,
        "observationsDeleted": 1,
        "idempotencyRecordsDeleted": 3,
        "otherItemsDeleted": body["data"]["forgetPlayer"]["otherItemsDeleted"],
    }
    items = await scan_all(secured.service)
    assert not [i for i in items if i["pk"]["S"].casefold() == "player#gus"]
    assert [i for i in items if i["pk"]["S"] == "PLAYER#other"]
    gone = (await post(secured, '{ player(name: "Gus") { name } }', admin)).json()
    assert gone["data"]["player"] is None


async def _init(url: str, protocol: str, payload: dict[str, Any]) -> tuple[Any, Any]:
    """Open a socket, send connection_init with ``payload``; (socket, first reply or close)."""
    ws = await connect(url, subprotocols=[protocol])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    try:
        return ws, json.loads(await ws.recv())
    except ConnectionClosed as closed:
        return ws, closed


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize("payload", [{}, {"Authorization": "Bearer nope"}])
async def test_websocket_without_a_known_key_is_closed(
    secured: RunningApp, protocol: str, payload: dict[str, Any]
) -> None:
    ws, reply = await _init(secured.ws_url, protocol, payload)
    try:
        if protocol == LEGACY_WS:
            assert reply["type"] == "connection_error"
            assert reply["payload"]["extensions"]["code"] == "UNAUTHENTICATED"
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            assert ws.close_code == 4401
        else:
            assert isinstance(reply, ConnectionClosed)
            assert ws.close_code == 4401 and "UNAUTHENTICATED" in (ws.close_reason or "")
    finally:
        await ws.close()
    assert secured.bus.subscriber_count == 0


@pytest.mark.parametrize("field", ["Authorization", "authorization"])
async def test_websocket_with_a_key_subscribes_and_a_reader_may_not_write(
    secured: RunningApp, field: str
) -> None:
    ws, reply = await _init(secured.ws_url, TRANSPORT_WS, {field: f"Bearer {KEYS['reader']}"})
    try:
        assert reply["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": "subscription { evolutionUpdated { stage } }"},
                }
            )
        )
        assert json.loads(await ws.recv())["payload"]["data"]["evolutionUpdated"]["stage"] == 1
        await ws.send(
            json.dumps(
                {
                    "id": "2",
                    "type": "subscribe",
                    "payload": {
                        "query": "mutation { recordInteraction(input: "
                        '{player: "Al", message: "x"}) { replayed } }'
                    },
                }
            )
        )
        message = json.loads(await ws.recv())
        assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    finally:
        await ws.close()
    assert (await post(secured, '{ player(name: "Al") { name } }', KEYS["reader"])).json() == {
        "data": {"player": None}
    }


async def test_development_mode_is_open_to_everyone(api: RunningApp) -> None:
    data = await api.client.data(RECORD, record_input("Dev", "hi"))
    assert data["recordInteraction"]["player"]["totalInteractions"] == 1
    forgot = await api.client.data('mutation { forgetPlayer(name: "Dev") { profileDeleted } }')
    assert forgot["forgetPlayer"]["profileDeleted"] is True
    schema = await api.client.data("{ __schema { queryType { name } } }")
    assert schema["__schema"]["queryType"]["name"] == "Query"


async def test_introspection_and_graphiql_are_off_by_default_with_keys(
    secured: RunningApp, make_config: ConfigFactory
) -> None:
    page = await secured.client.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code in (401, 404) and "graphiql" not in page.text.lower()
    body = (await post(secured, "{ __schema { queryType { name } } }", KEYS["admin"])).json()
    assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    typo = (await post(secured, "{ evolutio { stage } }", KEYS["admin"])).json()
    assert "Did you mean" not in typo["errors"][0]["message"]
    config = make_config(api_keys=API_KEYS, enable_introspection=True, graphiql=True)
    async with serve(config) as open_api:
        body = (await post(open_api, "{ __schema { queryType { name } } }", KEYS["reader"])).json()
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"
        page = await open_api.client.http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_api_key_command_prints_a_key_and_its_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["api-key", "--role", "writer"]) == 0
    lines = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines()[:2])
    key, entry = lines["key"].strip(), lines["entry"].strip()
    assert entry == f"writer:{hash_key(key)}"
    assert cli.main(["api-key", "--role", "writer"]) == 0
    assert key not in capsys.readouterr().out  # random each time


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::"])
def test_development_mode_refuses_a_non_loopback_address(
    host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("QAI_MEMORY_API_KEYS", raising=False)
    assert cli.main(["serve", "--host", host]) != 0
    err = capsys.readouterr().err
    assert "QAI_MEMORY_API_KEYS" in err and "qai-graph api-key" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_addresses_are_loopback(host: str) -> None:
    assert cli.is_loopback(host)


def test_malformed_api_keys_stop_start_up(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QAI_MEMORY_API_KEYS", "root:abc")
    assert cli.main(["serve"]) == 2
    assert "QAI_MEMORY_API_KEYS" in capsys.readouterr().err


def test_strawberry_has_the_2026_websocket_fixes() -> None:
    from importlib.metadata import version

    installed = tuple(int(part) for part in version("strawberry-graphql").split(".")[:3])
    assert installed >= (0, 323, 2), installed
