"""The API's HTTP edge (issue 9): each request the probers sent, answered by the spec."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from tests.support.api_harness import ConfigFactory, RunningApp, serve
from tests.support.helpers import readme_operation
from tests.support.operations import RECORD, record_input

GQL_RESPONSE = "application/graphql-response+json"
NESTED_COST = (
    "{ players(first: 100) { nodes { interactions(first: 100) { nodes { "
    "player { interactions(first: 100) { nodes { id } } } } } } } }"
)


def only_error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


async def raw_exchange(api: RunningApp, requests: list[bytes]) -> list[bytes]:
    """Send HTTP/1.1 requests on one keep-alive connection; the raw answers."""
    host, port = api.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    answers = []
    try:
        for request in requests:
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            answers.append(head + await asyncio.wait_for(reader.readexactly(length), 10))
    finally:
        writer.close()
    return answers


def post(body: bytes) -> bytes:
    return (
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


@pytest.mark.parametrize("body", [b'"str"', b"123", b"null", b"true", b"[1]"])
async def test_a_json_body_that_is_not_an_object_is_a_coded_400(
    api: RunningApp, body: bytes
) -> None:
    valid = post(json.dumps({"query": "{ evolution { stage } }"}).encode())
    refused, after = await raw_exchange(api, [post(body), valid])  # one connection
    assert refused.startswith(b"HTTP/1.1 400"), refused
    error = json.loads(refused.split(b"\r\n\r\n", 1)[1])["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert after.startswith(b"HTTP/1.1 200") and b'"stage":1' in after  # still usable


async def test_deeply_nested_variables_are_a_coded_400(api: RunningApp) -> None:
    nested = "[" * 5000 + "]" * 5000
    body = f'{{"query": "{{ evolution {{ stage }} }}", "variables": {{"v": {nested}}}}}'
    refused, after = await raw_exchange(
        api, [post(body.encode()), post(b'{"query": "{ evolution { stage } }"}')]
    )
    assert refused.startswith(b"HTTP/1.1 400"), refused[:200]
    assert b"BAD_REQUEST" in refused
    assert after.startswith(b"HTTP/1.1 200")


async def test_a_deeply_nested_literal_is_a_request_error(api: RunningApp) -> None:
    query = "{ systemPrompt(gameState: " + "[" * 1500 + "]" * 1500 + ") }"
    response = await api.client.http.post("/graphql", json={"query": query})
    assert response.status_code < 500
    error = only_error(response)
    assert error["extensions"]["code"] in ("GRAPHQL_PARSE_FAILED", "TOO_MANY_TOKENS"), error


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_subscription_over_http_is_a_request_error(
    api: RunningApp, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    query = "subscription { evolutionStageChanged { stage } }"
    if method == "GET":
        response = await api.client.http.get("/graphql", params={"query": query})
    else:
        response = await api.client.http.post("/graphql", json={"query": query})
    assert response.status_code == 400
    error = only_error(response)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "WebSocket" in error["message"]
    assert not [r for r in caplog.records if r.exc_info]  # no traceback


async def test_a_mutation_over_get_is_405_with_allow_post(api: RunningApp) -> None:
    query = "mutation { runConsolidation { memoriesPruned } }"
    response = await api.client.http.get("/graphql", params={"query": query})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert only_error(response)["extensions"]["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        ("text/plain", b"{ evolution { stage } }", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("application/x-www-form-urlencoded", b"query=x", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("application/json", b"{not json", 400, "BAD_REQUEST"),
        ("application/json", b"{}", 400, "BAD_REQUEST"),
        ("application/json", b'{"query": 5}', 400, "BAD_REQUEST"),
        ("application/json", b'{"query": "{ a }", "variables": [1]}', 400, "BAD_REQUEST"),
    ],
)
async def test_every_refused_body_is_json_with_a_code(
    api: RunningApp, content_type: str, body: bytes, status: int, code: str
) -> None:
    response = await api.client.http.post(
        "/graphql", content=body, headers={"content-type": content_type}
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert only_error(response)["extensions"]["code"] == code


async def test_other_methods_are_405_json(api: RunningApp) -> None:
    response = await api.client.http.put("/graphql", json={"query": "{ evolution { stage } }"})
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert only_error(response)["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_graphql_response_json_gets_the_specs_statuses(api: RunningApp) -> None:
    accept = {"accept": GQL_RESPONSE}
    ok = await api.client.http.post(
        "/graphql", json={"query": "{ evolution { stage } }"}, headers=accept
    )
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith(GQL_RESPONSE)
    for query, code in [
        ("{ evolution { stage }", "GRAPHQL_PARSE_FAILED"),
        ("{ evolution { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query Q($n: Int!) { players(first: $n) { nodes { name } } }", "BAD_USER_INPUT"),
    ]:
        response = await api.client.http.post("/graphql", json={"query": query}, headers=accept)
        assert response.status_code == 400, (query, response.text)
        assert "data" not in response.json()
        assert only_error(response)["extensions"]["code"] == code
        legacy = await api.client.http.post("/graphql", json={"query": query})
        assert legacy.status_code == 200 and legacy.json()["data"] is None
        assert legacy.headers["content-type"].startswith("application/json")


async def test_several_operations_need_an_operation_name(api: RunningApp) -> None:
    query = "query A { evolution { stage } } mutation B { runConsolidation { memoriesPruned } }"
    body = await api.client.execute(query)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    response = await api.client.http.post("/graphql", json={"query": query, "operationName": "A"})
    assert response.json() == {"data": {"evolution": {"stage": 1}}}


async def test_the_depth_limit_is_exact(make_config: ConfigFactory) -> None:
    async with serve(make_config(max_query_depth=3)) as api:
        four_levels = '{ player(name: "Al") { interactions { nodes { id } } } }'
        error = await api.client.error(four_levels)
        assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
        await api.client.data("{ players { nodes { name } } }")  # three levels


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"qaiResponse": "r" * 4001}, "qaiResponse"),
        ({"idempotencyKey": "k" * 1000}, "idempotencyKey"),
        ({"player": "p" * 200}, "player"),
    ],
)
async def test_error_fields_use_graphql_names(
    api: RunningApp, overrides: dict[str, Any], field: str
) -> None:
    error = await api.client.error(
        RECORD, {"input": {"player": "Al", "message": "hi", **overrides}}
    )
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": field}, error


@pytest.mark.parametrize(
    "query",
    [
        "{ players(frist: 1) { nodes { name } } }",  # argument
        '{ observations(subject: "GENERAL", tier: SHORT_TREM) { nodes { id } } }',  # enum
        "query Q($c: Chanel) { evolution { stage } }",  # type
        'mutation { recordInteraction(input: {player: "A", mesage: "m"}) { replayed } }',
        "{ evolution { stag } }",  # field
    ],
)
async def test_no_suggestions_with_introspection_off(
    make_config: ConfigFactory, query: str
) -> None:
    async with serve(make_config(enable_introspection=False)) as api:
        body = await api.client.execute(query)
    assert body["errors"], body
    for error in body["errors"]:
        assert "Did you mean" not in error["message"], error
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error


async def test_client_errors_are_logged_at_debug(
    api: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="qai_graph.api")
    await api.client.error(RECORD, {"input": {"player": "bad#name", "message": "x"}})
    await api.client.execute("{ evolution { nope } }")
    mine = [r for r in caplog.records if r.name == "qai_graph.api" and "request" in r.message]
    assert mine and all(r.levelno == logging.DEBUG for r in mine), mine


async def test_the_cost_limit_refuses_before_anything_runs(api: RunningApp) -> None:
    await api.client.data(RECORD, record_input("Al", "hi"))
    assert await api.client.data(readme_operation("Dashboard"))  # cost 550
    response = await api.client.http.post(
        "/graphql", json={"query": NESTED_COST}, headers={"accept": GQL_RESPONSE}
    )
    assert response.status_code == 400
    error = only_error(response)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] == 100 + 100 * 100 + 100 * 100 * 100
    assert error["extensions"]["maxCost"] == 20_000
    # Through variables and fragments too.
    query = (
        "query Q($n: Int!) { players(first: $n) { ...P } } "
        "fragment P on PlayerConnection { nodes { interactions(first: $n) { nodes { id } } } }"
    )
    body = await api.client.execute(query, {"n": 100})
    assert not body.get("errors"), body  # 100 + 10,000
    big = await api.client.execute(query.replace("...P", "a: nodes { name } ...P ...P"), {"n": 100})
    assert big["errors"][0]["extensions"]["cost"] == 100 * (1 + 2 * 100)


async def test_a_slow_operation_answers_timeout_not_store_unavailable(
    make_config: ConfigFactory,
) -> None:
    async with serve(make_config(operation_timeout_s=0.5)) as api:
        await api.client.data(RECORD, record_input("Al", "hi"))

        async def slow(request: object, **_: object) -> None:
            await asyncio.sleep(1.0)

        events = api.service.store.client.meta.events
        events.register("before-send.dynamodb", slow)
        try:
            error = await api.client.error('{ player(name: "Al") { name } }')
        finally:
            events.unregister("before-send.dynamodb", slow)
        assert error["extensions"]["code"] == "TIMEOUT", error
        assert await api.client.data('{ player(name: "Al") { name } }')
