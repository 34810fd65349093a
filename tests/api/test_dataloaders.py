"""DynamoDB requests per query, counted with botocore event hooks on the service's client."""

from __future__ import annotations

import asyncio

from tests.support.api_harness import RequestLog, RunningApp
from tests.support.operations import RECORD, STORE_OBSERVATION, record_input

DASHBOARD = """
query Dashboard {
  players(first: 50) {
    edges { node {
      name
      interactions(first: 5) { edges { node { id message } } pageInfo { hasNextPage } }
      observations(first: 5) { edges { node { id content } } pageInfo { hasNextPage } }
    } }
  }
}
"""


def _player_partitions(log: RequestLog) -> list[str]:
    """The player partitions read by Queries on the table itself (not an index)."""
    read = []
    for call in log.calls:
        if call.operation != "Query" or "IndexName" in call.params:
            continue
        values = call.params.get("ExpressionAttributeValues", {}).values()
        read += [v["S"] for v in values if v.get("S", "").startswith("PLAYER#")]
    return read


async def _seed_players(api: RunningApp, count: int) -> None:
    async def one(i: int) -> None:
        await api.client.data(RECORD, record_input(f"viewer{i:02d}", "hello"))
        if i % 5 == 0:
            await api.client.data(
                STORE_OBSERVATION,
                {
                    "input": {
                        "subject": f"PLAYER#viewer{i:02d}",
                        "content": f"likes puzzle {i}",
                        "category": "PREFERENCE",
                    }
                },
            )

    for start in range(0, count, 10):
        await asyncio.gather(*(one(i) for i in range(start, min(start + 10, count))))


async def test_dashboard_reads_each_player_partition_once_in_two_waves(api: RunningApp) -> None:
    await _seed_players(api, 50)
    # Formation of the seeded chat runs in the background: finished first.
    await api.service.form_pending()
    log = RequestLog(api.service)
    data = await api.client.data(DASHBOARD)
    players = [e["node"] for e in data["players"]["edges"]]
    assert len(players) == 50
    assert all(len(p["interactions"]["edges"]) == 1 for p in players)
    assert sum(len(p["observations"]["edges"]) for p in players) == 10
    assert set(log.operations()) == {"Query"}
    partitions = _player_partitions(log)
    assert len(partitions) == 50
    assert len(set(partitions)) == 50
    assert log.waves() <= 2
    print(f"dashboard: {len(log.calls)} requests in {log.waves()} waves")


async def test_player_context_is_one_query(api: RunningApp) -> None:
    await api.client.data(RECORD, record_input("Kai", "hi"))
    log = RequestLog(api.service)
    await api.client.data(
        'query { playerContext(name: "kai") { profile { name } recentInteractions { id }'
        " observations { id } summary } }"
    )
    assert log.operations() == ["Query"]


async def test_the_players_of_a_list_of_interactions_are_one_batch_get(api: RunningApp) -> None:
    for message in ["one", "two", "three"]:
        await api.client.data(RECORD, record_input("Lu", message))
    log = RequestLog(api.service)
    data = await api.client.data(
        'query { playerContext(name: "Lu") { recentInteractions { player { name } } } }'
    )
    players = [i["player"]["name"] for i in data["playerContext"]["recentInteractions"]]
    assert players == ["Lu", "Lu", "Lu"]
    assert log.operations() == ["Query", "BatchGetItem"]


async def test_a_page_of_players_needs_no_reads_for_interaction_players(api: RunningApp) -> None:
    await api.client.data(RECORD, record_input("Oz", "hi"))
    log = RequestLog(api.service)
    await api.client.data(
        "query { players(first: 5) { edges { node { interactions(first: 3)"
        " { edges { node { player { name } } } } } } } }"
    )
    assert "BatchGetItem" not in log.operations()
    assert "GetItem" not in log.operations()
