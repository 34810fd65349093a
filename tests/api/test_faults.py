"""DynamoDB faults: throttling is retried by botocore, an outage fails fast with
STORE_UNAVAILABLE and heals by itself, and no acknowledged write is lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.support.api_harness import ConfigFactory, RunningApp, serve, ws_client
from tests.support.faults import ErrorInjector, TcpProxy, dynamodb_error, throttling
from tests.support.helpers import scan_all
from tests.support.operations import RECORD, record_input

EVOLUTION = "{ evolution { totalInteractions uniquePlayersMet } }"


async def _totals(api: RunningApp) -> dict[str, int]:
    data = await api.client.data(EVOLUTION)
    totals: dict[str, int] = data["evolution"]
    return totals


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
async def test_throttling_is_retried_by_botocore(
    make_config: ConfigFactory, mode: str, code: str
) -> None:
    # Adaptive mode's client-side rate limiter can hold a request for seconds after a
    # throttle; a generous deadline keeps this test about the retries alone.
    config = make_config(dynamodb_retry_mode=mode, dynamodb_max_attempts=4, dynamodb_timeout_s=20.0)
    async with serve(config) as api:
        throttle = dynamodb_error(code, "slow down")
        attempts = {"n": 0}

        def first_two_writes(operation: str, _: int) -> object:
            if operation != "TransactWriteItems":
                return None
            attempts["n"] += 1
            return throttle if attempts["n"] <= 2 else None

        injector = ErrorInjector(api.service, first_two_writes)  # type: ignore[arg-type]
        started = time.monotonic()
        data = await api.client.data(RECORD, record_input("Tia", "hi", idempotencyKey="t-1"))
        took = time.monotonic() - started
        injector.remove()
    print(f"{mode} {code}: recorded after 2 throttles in {took:.2f} s")
    assert injector.injected == {"TransactWriteItems": 2}
    assert attempts["n"] > 2  # botocore tried again after the throttles, and got through
    assert data["recordInteraction"]["player"]["totalInteractions"] == 1
    assert data["recordInteraction"]["replayed"] is False


async def test_without_retries_a_throttle_is_store_unavailable_and_writes_nothing(
    make_config: ConfigFactory,
) -> None:
    async with serve(make_config(dynamodb_max_attempts=1)) as api:
        injector = ErrorInjector(
            api.service, lambda op, _: throttling() if op == "TransactWriteItems" else None
        )
        error = await api.client.error(RECORD, record_input("Uma", "hi", idempotencyKey="u-1"))
        injector.remove()
        assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert await _totals(api) == {"totalInteractions": 0, "uniquePlayersMet": 0}
        # The bot's retry with the same key, once DynamoDB is back, records it once.
        data = await api.client.data(RECORD, record_input("Uma", "hi", idempotencyKey="u-1"))
        assert data["recordInteraction"]["replayed"] is False
        assert await _totals(api) == {"totalInteractions": 1, "uniquePlayersMet": 1}


async def test_a_transaction_cancelled_by_throttling_is_store_unavailable(
    make_config: ConfigFactory,
) -> None:
    cancelled = dynamodb_error(
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons",
        CancellationReasons=[{"Code": "ThrottlingError"}, {"Code": "None"}, {"Code": "None"}],
    )
    async with serve(make_config(dynamodb_max_attempts=1)) as api:
        injector = ErrorInjector(
            api.service, lambda op, _: cancelled if op == "TransactWriteItems" else None
        )
        error = await api.client.error(RECORD, record_input("Vi", "hi", idempotencyKey="v-1"))
        injector.remove()
        assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
        assert await _totals(api) == {"totalInteractions": 0, "uniquePlayersMet": 0}


@pytest.fixture
async def proxy(dynamo_endpoint: str, request: pytest.FixtureRequest) -> AsyncIterator[TcpProxy]:
    """A loopback proxy in front of the test's DynamoDB (``refuse`` when parametrised so)."""
    tcp = TcpProxy(dynamo_endpoint, refuse=getattr(request, "param", "blackhole") == "refuse")
    await tcp.start()
    try:
        yield tcp
    finally:
        await tcp.stop()


TIMEOUT_S = 1.0
SLACK_S = 0.75  # scheduling and the HTTP round trip on a loaded CI machine


@pytest.mark.parametrize("proxy", ["blackhole", "refuse"], indirect=True)
async def test_an_outage_fails_fast_heals_by_itself_and_loses_no_acknowledged_write(
    make_config: ConfigFactory, proxy: TcpProxy, record_property: pytest.RecordProperty
) -> None:
    config = make_config(
        dynamodb_endpoint=proxy.url, dynamodb_timeout_s=TIMEOUT_S, dynamodb_max_attempts=3
    )
    acknowledged: set[str] = set()
    async with serve(config) as api:
        for i in range(3):
            await api.client.data(RECORD, record_input("Wes", f"m{i}", idempotencyKey=f"w-{i}"))
            acknowledged.add(f"w-{i}")
        async with ws_client(api.ws_url) as overlay:
            await overlay.subscribe(
                "subscription { evolutionUpdated(minIntervalMs: 100) { totalInteractions } }"
            )
            first = await overlay.next_data()
            assert first["evolutionUpdated"]["totalInteractions"] == 3

            proxy.cut()
            failures: list[float] = []
            for i in range(3, 6):  # writes during the outage: the bot will retry them
                started = time.monotonic()
                body = await api.client.execute(
                    RECORD, record_input("Wes", f"m{i}", idempotencyKey=f"w-{i}")
                )
                failures.append(time.monotonic() - started)
                assert body["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE", body
            started = time.monotonic()
            read = await api.client.error('{ player(name: "Wes") { totalInteractions } }')
            failures.append(time.monotonic() - started)
            assert read["extensions"]["code"] == "STORE_UNAVAILABLE"
            started = time.monotonic()
            ready = await api.client.http.get("/readyz")
            failures.append(time.monotonic() - started)
            assert ready.status_code == 503
            assert max(failures) < TIMEOUT_S + SLACK_S, failures

            proxy.restore()
            restored = time.monotonic()
            deadline = restored + 10
            while (await api.client.http.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, "did not recover within 10 s"
                await asyncio.sleep(0.05)
            recovered_after = time.monotonic() - restored

            for i in range(3, 6):  # the bot's retries, same keys
                await api.client.data(RECORD, record_input("Wes", f"m{i}", idempotencyKey=f"w-{i}"))
                acknowledged.add(f"w-{i}")
            # The overlay's subscription stayed open through the outage and moves on.
            update = await overlay.next_data(within=5)
            while update["evolutionUpdated"]["totalInteractions"] < 6:
                update = await overlay.next_data(within=5)
            assert update["evolutionUpdated"]["totalInteractions"] == 6

        totals = await _totals(api)
        player = await api.client.data('{ player(name: "Wes") { totalInteractions } }')
        items = await scan_all(api.service)
    stored = [i for i in items if i["sk"]["S"].startswith("INTERACTION#")]
    assert totals["totalInteractions"] == len(acknowledged) == len(stored) == 6
    assert player["player"]["totalInteractions"] == 6
    record_property("time_to_error_s", round(max(failures), 3))
    record_property("time_to_recover_s", round(recovered_after, 3))
    print(f"outage: time to error {max(failures):.3f} s, recovered {recovered_after:.3f} s")


async def test_consolidation_outlives_the_operation_deadline(make_config) -> None:  # type: ignore[no-untyped-def]
    """A slow store fails ordinary operations at the deadline, but not runConsolidation,
    whose length is the table's size; each of its requests keeps its own timeout."""
    import time as clock

    from tests.support.api_harness import serve

    async with serve(make_config(dynamodb_timeout_s=1.0, operation_timeout_s=1.0)) as running:
        await running.client.data("{ evolution { stage } }")  # the table exists

        async def slow(request: object, **_: object) -> None:
            await asyncio.sleep(0.15)

        events = running.service.store.client.meta.events
        events.register("before-send.dynamodb", slow)
        try:
            started = clock.monotonic()
            data = await running.client.data("mutation { runConsolidation { memoriesPruned } }")
            took = clock.monotonic() - started
        finally:
            events.unregister("before-send.dynamodb", slow)
    assert data["runConsolidation"]["memoriesPruned"] == 0
    assert took > 1.0  # longer than the deadline that ordinary operations get
