"""The HTTP surface: health, readiness, GraphiQL, request ids."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from tests.support.api_harness import ConfigFactory, RunningApp, serve, ws_client


async def test_healthz_says_the_process_is_up(api: RunningApp) -> None:
    response = await api.client.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_follows_the_table(api: RunningApp) -> None:
    assert (await api.client.http.get("/readyz")).status_code == 200
    await api.service.store.client.delete_table(TableName=api.service.store.table_name)
    response = await api.client.http.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


async def test_graphiql_is_served_to_browsers(api: RunningApp) -> None:
    response = await api.client.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "graphiql" in response.text.lower()


async def test_graphiql_can_be_turned_off(make_config: ConfigFactory) -> None:
    async with serve(make_config(), graphiql=False) as running:
        response = await running.client.http.get("/graphql", headers={"Accept": "text/html"})
        assert response.status_code != 200 or "graphiql" not in response.text.lower()


async def test_request_id_is_echoed(api: RunningApp) -> None:
    response = await api.client.http.post(
        "/graphql",
        json={"query": "{ evolution { stage } }"},
        headers={"X-Request-ID": "bot-123"},
    )
    assert response.headers["x-request-id"] == "bot-123"
    assert response.json()["data"]["evolution"]["stage"] == 1


async def test_browser_origins_must_be_allowed(make_config: ConfigFactory) -> None:
    overlay = "https://overlay.example"
    async with serve(make_config()) as api:
        with pytest.raises(InvalidStatus):
            async with ws_client(api.ws_url, origin=overlay):
                pass
    async with serve(make_config(), allowed_origins=[overlay]) as api:
        async with ws_client(api.ws_url, origin=overlay) as client:
            await client.subscribe("{ evolution { stage } }")
            assert (await client.next_data())["evolution"] == {"stage": 1}
        preflight = await api.client.http.options(
            "/graphql",
            headers={
                "Origin": overlay,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.headers["access-control-allow-origin"] == overlay
