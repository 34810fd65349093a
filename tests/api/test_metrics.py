"""/metrics: Prometheus text that parses, counts what was sent, and is protected by keys."""

from __future__ import annotations

from collections import Counter

import httpx
from prometheus_client.parser import text_string_to_metric_families

from qai_graph.api.auth import hash_key
from tests.support.api_harness import ConfigFactory, RequestLog, RunningApp, serve, ws_client
from tests.support.operations import RECORD, record_input

EVOLUTION = "query Evo { evolution { stage totalInteractions } }"
STAGE_CHANGED = "subscription Stages { evolutionStageChanged { stage } }"


async def scrape(
    api: RunningApp, key: str | None = None
) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of /metrics, parsed by prometheus_client's own parser."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = await api.client.http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_operation_counters_match_the_requests_sent(api: RunningApp) -> None:
    log = RequestLog(api.service)
    before = await scrape(api)
    for _ in range(3):
        await api.client.data(EVOLUTION)
    for i in range(2):
        await api.client.data(RECORD, record_input(f"viewer{i}", "hello"))
    bad = await api.client.error(RECORD, record_input("bad#name", "hello"))
    assert bad["extensions"]["code"] == "INVALID_INPUT"
    await api.client.error("query Broken { noSuchField }")
    await api.client.data("{ evolution { stage } }")
    after = await scrape(api)

    def sent(operation: str, kind: str, code: str) -> float:
        labels = {"operation": operation, "type": kind, "code": code}
        name = "qai_graph_graphql_operations_total"
        return value(after, name, **labels) - value(before, name, **labels)

    assert sent("Evo", "query", "OK") == 3
    assert sent("Record", "mutation", "OK") == 2
    assert sent("Record", "mutation", "INVALID_INPUT") == 1
    assert sent("Broken", "query", "GRAPHQL_VALIDATION_FAILED") == 1
    assert sent("evolution", "query", "OK") == 1  # anonymous: named by its root field
    histogram = "qai_graph_graphql_operation_seconds_count"
    assert value(after, histogram, operation="Evo", type="query") == 3

    # DynamoDB requests: the metrics count exactly what the client sent.
    by_api = Counter(log.operations())
    assert by_api
    for api_name, count in by_api.items():
        counted = sum(
            v - value(before, name, **dict(labels))
            for (name, labels), v in after.items()
            if name == "qai_graph_dynamodb_requests_total" and ("api", api_name) in labels
        )
        assert counted == count, (api_name, counted, count)


async def test_sockets_subscriptions_and_events_are_counted(make_config: ConfigFactory) -> None:
    config = make_config(evolution_stage_2_interactions=2)
    async with serve(config) as api, ws_client(api.ws_url) as client:
        await client.subscribe(STAGE_CHANGED)
        await api.wait_for_subscribers(1)
        samples = await scrape(api)
        assert value(samples, "qai_graph_websockets_open") == 1
        assert value(samples, "qai_graph_subscriptions_open") == 1
        for i in range(2):
            await api.client.data(RECORD, record_input(f"fan{i}", "go"))
        assert (await client.next_data())["evolutionStageChanged"]["stage"] == 2
        samples = await scrape(api)
        assert value(samples, "qai_graph_events_published_total", kind="stage_changed") == 1
        assert value(samples, "qai_graph_events_delivered_total", kind="stage_changed") == 1
    # (the app is closed here; the gauges went back with the socket)


async def test_metrics_need_the_metrics_key_or_an_admin_key(make_config: ConfigFactory) -> None:
    keys = {"admin": "admin-key", "reader": "reader-key"}
    config = make_config(
        api_keys=",".join(f"{role}:{hash_key(key)}" for role, key in keys.items()),
        metrics_key=hash_key("scraper-key"),
    )
    async with serve(config) as api:
        http: httpx.AsyncClient = api.client.http
        for key in (None, "reader-key", "wrong"):
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            response = await http.get("/metrics", headers=headers)
            assert response.status_code == 401, key
        for key in ("scraper-key", "admin-key"):
            samples = await scrape(api, key)
            assert ("qai_graph_websockets_open", frozenset()) in samples
