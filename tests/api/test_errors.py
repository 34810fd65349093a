"""Expected failures carry extensions.code; GraphQL's own errors stay; the rest is masked."""

from __future__ import annotations

import logging
import re

import pytest

from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.service import MemoryService
from qai_graph.models import EvolutionState
from tests.support.api_harness import ConfigFactory, RunningApp, serve
from tests.support.operations import RECORD, record_input

MISSING_ID = "0000000000000-000000000000"


async def test_not_found(api: RunningApp) -> None:
    error = await api.client.error(
        f'mutation {{ reinforceObservation(subject: "PLAYER#ghost", id: "{MISSING_ID}") {{ id }} }}'
    )
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["path"] == ["reinforceObservation"]
    error = await api.client.error(
        'mutation { updatePlayer(name: "ghost", input: {playStyle: "explorer"}) { name } }'
    )
    assert error["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "operation",
    [
        'mutation { recordInteraction(input: {player: "bad#name", message: "x"}) { replayed } }',
        'mutation { storeObservation(input: {subject: "PLAYER#Al", content: "c",'
        " category: EVENT, confidence: 1.5}) { id } }",
        '{ player(name: "Al") { interactions(after: "not-a-cursor") { edges { cursor } } } }',
        "{ players(first: 1000) { edges { cursor } } }",
        "{ systemPrompt(gameState: [1, 2]) }",
    ],
)
async def test_invalid_input_changes_nothing(api: RunningApp, operation: str) -> None:
    await api.client.data(RECORD, record_input("Al", "hi"))
    before = await api.client.data("{ evolution { totalInteractions } }")
    error = await api.client.error(operation)
    assert error["extensions"]["code"] == "INVALID_INPUT", error
    after = await api.client.data("{ evolution { totalInteractions } }")
    assert after == before
    assert (await api.client.data('{ observations(subject: "PLAYER#Al") { nodes { id } } }')) == {
        "observations": {"nodes": []}
    }


async def test_conflict_on_a_reused_idempotency_key(api: RunningApp) -> None:
    await api.client.data(RECORD, record_input("Bea", "first", idempotencyKey="k-1"))
    error = await api.client.error(RECORD, record_input("Bea", "other", idempotencyKey="k-1"))
    assert error["extensions"]["code"] == "CONFLICT"


async def test_graphql_errors_keep_their_message_and_get_a_code(api: RunningApp) -> None:
    body = await api.client.execute("{ evolution { nope } }")
    assert body["data"] is None
    assert "Cannot query field 'nope' on type 'Evolution'" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    body = await api.client.execute("{ evolution { stage }")
    assert body["errors"][0]["message"].startswith("Syntax Error")
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    body = await api.client.execute("query Q($n: Int!) { players(first: $n) { nodes { name } } }")
    assert body["errors"][0]["message"].startswith("Variable '$n'")
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


class BrokenService(MemoryService):
    """A service with a bug in one read."""

    async def get_evolution_state(self) -> EvolutionState:
        raise RuntimeError("secret table detail")


async def test_unexpected_errors_are_masked_and_logged_with_a_request_id(
    make_config: ConfigFactory, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config()
    async with BrokenService(config) as service, serve(config, service=service) as api:
        caplog.set_level(logging.INFO, logger="qai_graph.api")
        error = await api.client.error("{ evolution { stage } }")
    assert "secret" not in str(error)
    match = re.fullmatch(r"Internal error; request id (\w+)", error["message"])
    assert match, error
    assert error["extensions"] == {"code": "INTERNAL", "requestId": match.group(1)}
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "secret table detail" in str(logged[0].exc_info[1])


async def test_store_unavailable(make_config: ConfigFactory) -> None:
    store = EmbeddedDynamo(None)
    endpoint = await store.astart()
    config = make_config(
        dynamodb_endpoint=endpoint, dynamodb_max_attempts=1, dynamodb_timeout_s=1.0
    )
    try:
        async with serve(config) as api:
            await api.client.data(RECORD, record_input("Cal", "hi"))
            await store.astop()
            error = await api.client.error('{ player(name: "Cal") { name } }')
            ready = await api.client.http.get("/readyz")
    finally:
        await store.astop()
    assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert ready.status_code == 503
