"""DynamoDB requests per operation: exact counts and waves, seen by botocore event hooks.

Counts are deterministic (times are not; those are in bench/). "All concurrent" means
every request started before any of them finished.
"""

from __future__ import annotations

import asyncio
import uuid

from qai_graph.memory.service import MemoryService
from tests.support.api_harness import Call, ConfigFactory, RequestLog, RunningApp, serve
from tests.support.operations import RECORD, STORE_OBSERVATION, record_input

PLAYER_CONTEXT = """
query { playerContext(name: "Ada") {
  profile { name totalInteractions } recentInteractions { id message }
  observations { id content } summary known
} }
"""
SYSTEM_PROMPT = 'query { systemPrompt(player: "Ada", sessionId: "stream-1") }'
DASHBOARD_PAGE = """
query {
  players(first: 50) {
    edges { node {
      name lastSeen totalInteractions summary
      interactions(first: 5) { edges { node { id message qaiResponse timestamp } } }
      observations(first: 5) { edges { node { id content confidence memoryTier } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def all_concurrent(calls: list[Call]) -> bool:
    """Every request started before the first one finished."""
    return max(c.start for c in calls) < min(c.end for c in calls)


async def _known(api: RunningApp, name: str = "Ada") -> None:
    await api.client.data(RECORD, record_input(name, "hello", sessionId="stream-1"))
    await api.client.data(
        STORE_OBSERVATION,
        {"input": {"subject": f"PLAYER#{name}", "content": "asks why", "category": "BEHAVIORAL"}},
    )
    await api.service.form_pending()  # formation's worker must not write while requests are counted


async def test_player_context_is_one_query(api: RunningApp) -> None:
    await _known(api)
    log = RequestLog(api.service)
    data = await api.client.data(PLAYER_CONTEXT)
    assert data["playerContext"]["known"]
    assert log.operations() == ["Query"]


async def test_system_prompt_is_three_concurrent_reads(api: RunningApp) -> None:
    await _known(api)
    log = RequestLog(api.service)
    await api.client.data(SYSTEM_PROMPT)
    # evolution (one Query of its partition), the player's context, the session
    assert sorted(log.operations()) == ["GetItem", "Query", "Query"]
    assert all_concurrent(log.calls)


async def test_record_interaction_of_a_known_player_is_three_concurrent_requests(
    api: RunningApp,
) -> None:
    await _known(api)
    log = RequestLog(api.service)
    data = await api.client.data(RECORD, record_input("ada", "what is a qubit?"))
    assert data["recordInteraction"]["player"]["totalInteractions"] == 2
    assert data["recordInteraction"]["evolution"]["totalInteractions"] == 2
    # the transaction, evolution's partition, the profile: all in one wave
    assert sorted(log.operations()) == ["GetItem", "Query", "TransactWriteItems"]
    assert all_concurrent(log.calls)


async def test_record_interaction_in_a_session_new_to_the_replica_reads_then_writes_it(
    api: RunningApp,
) -> None:
    await _known(api)
    log = RequestLog(api.service)
    other = record_input("Ada", "and a gate?", sessionId="stream-2")  # never read here
    await api.client.data(RECORD, other)
    assert sorted(log.operations()) == [
        "GetItem",
        "GetItem",
        "PutItem",
        "Query",
        "TransactWriteItems",
    ]
    first_wave = [c for c in log.calls if c.operation != "PutItem"]
    assert all_concurrent(first_wave)
    assert log.waves() == 2  # the session's conditional put needs its read


async def test_the_bot_loops_record_after_its_prompt_writes_the_session_in_the_transaction(
    api: RunningApp,
) -> None:
    await _known(api)
    await api.client.data(SYSTEM_PROMPT)  # the loop: the prompt read the session ...
    log = RequestLog(api.service)
    await api.client.data(RECORD, record_input("Ada", "and a gate?", sessionId="stream-1"))
    # ... so its exchange joins the interaction's transaction: one wave, no session read
    assert sorted(log.operations()) == ["GetItem", "Query", "TransactWriteItems"]
    assert all_concurrent(log.calls)
    session = await api.service.get_session_context("stream-1")
    assert session is not None
    assert [m.content for m in session.recent_messages][-1] == "and a gate?"


async def test_a_session_changed_by_another_replica_is_read_again_not_overwritten(
    api: RunningApp,
) -> None:
    await _known(api)
    await api.client.data(SYSTEM_PROMPT)
    # Another replica (another service on the same table) appends to the session.
    async with MemoryService(api.service.config) as other:
        await other.add_session_message("stream-1", "user", "from elsewhere")
    await api.client.data(RECORD, record_input("Ada", "and a gate?", sessionId="stream-1"))
    session = await api.service.get_session_context("stream-1")
    assert session is not None
    contents = [m.content for m in session.recent_messages]
    # the exchange is "and a gate?" plus QAI's reply, after the other replica's message
    assert contents.index("from elsewhere") < contents.index("and a gate?")
    assert "hello" in contents  # nothing older was lost


async def test_near_a_threshold_evolution_is_read_again_after_the_write(
    make_config: ConfigFactory,
) -> None:
    async with serve(make_config(evolution_stage_2_interactions=3)) as api:
        await _known(api)
        log = RequestLog(api.service)
        data = await api.client.data(RECORD, record_input("Ada", "two"))
        assert not data["recordInteraction"]["stageAdvanced"]
        assert data["recordInteraction"]["evolution"]["totalInteractions"] == 2
        # A second Query unless the first one happened to run after the transaction
        # (its shard then carries this write's marker).
        operations = sorted(log.operations())
        assert operations in (
            ["GetItem", "Query", "TransactWriteItems"],
            ["GetItem", "Query", "Query", "TransactWriteItems"],
        )
        log.clear()
        data = await api.client.data(RECORD, record_input("Ada", "three"))
        assert data["recordInteraction"]["stageAdvanced"]
        assert data["recordInteraction"]["evolution"]["stage"] == 2
        assert log.operations().count("UpdateItem") == 1  # the conditional stage write


async def _seed_players(api: RunningApp, count: int) -> None:
    async def one(i: int) -> None:
        await api.client.data(RECORD, record_input(f"viewer{i:02d}", "hello"))

    for start in range(0, count, 10):
        await asyncio.gather(*(one(i) for i in range(start, min(start + 10, count))))


async def test_dashboard_page_is_the_player_index_shards_then_fifty_partitions(
    make_config: ConfigFactory,
) -> None:
    # None: the defaults (one player-index shard): the README's 51 requests in 2 waves.
    for shards, expected in ((None, 1), (4, 4)):
        table = f"qai-test-shards-{shards}-{uuid.uuid4().hex[:8]}"
        options: dict[str, object] = {"dynamodb_table_name": table}
        if shards is not None:
            options["player_index_shards"] = shards
        async with serve(make_config(**options)) as api:
            await _seed_players(api, 50)
            # Formation of the seeded chat runs in the background: finished first.
            await api.service.form_pending()
            log = RequestLog(api.service)
            data = await api.client.data(DASHBOARD_PAGE)
            assert len(data["players"]["edges"]) == 50
            index = [c for c in log.calls if "IndexName" in c.params]
            assert len(index) == expected
            assert log.operations() == ["Query"] * (expected + 50)
            assert log.waves() == 2


async def test_short_term_items_spread_over_the_tier_index_shards(
    make_config: ConfigFactory,
) -> None:
    # One player-index shard for the dashboard must not put every interaction's index
    # entry on one memory-tier partition: those keep their own shards.
    async with serve(make_config()) as api:
        assert api.service.config.player_index_shards == 1
        log = RequestLog(api.service)
        await _seed_players(api, 20)
        puts = [
            item["Put"]["Item"]
            for call in log.calls
            if call.operation == "TransactWriteItems"
            for item in call.params["TransactItems"]
            if "Put" in item and "tier_pk" in item["Put"]["Item"]
        ]
        tier_partitions = {put["tier_pk"]["S"] for put in puts}
        assert len(puts) >= 20
        assert len(tier_partitions) == api.service.config.tier_index_shards == 4


async def test_system_prompt_with_a_message_is_still_three_concurrent_reads(
    api: RunningApp,
) -> None:
    await _known(api)
    await api.client.data(
        STORE_OBSERVATION,
        {"input": {"subject": "GENERAL", "content": "Chat loves GHZ races", "category": "EVENT"}},
    )
    await api.service.form_pending()  # the seeded chat's formation runs in the background
    log = RequestLog(api.service)
    data = await api.client.data(
        'query { systemPrompt(player: "Ada", sessionId: "stream-1", message: "any ghz races?") }'
    )
    # Memories beyond Ada's partition come from the in-process index, not from requests.
    assert "Chat loves GHZ races" in data["systemPrompt"]
    assert sorted(log.operations()) == ["GetItem", "Query", "Query"]
    assert all_concurrent(log.calls)
