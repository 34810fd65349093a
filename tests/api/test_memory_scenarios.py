"""The seed's success criteria, as GraphQL over HTTP."""

from __future__ import annotations

import asyncio
import time

from tests.support.api_harness import ConfigFactory, RunningApp, serve
from tests.support.operations import (
    OBSERVATION_FIELDS,
    PLAYER_PAGE,
    RECORD,
    STORE_OBSERVATION,
    record_input,
)


async def test_a_player_is_remembered_across_a_restart(make_config: ConfigFactory) -> None:
    config = make_config()
    async with serve(config) as first:
        done = await first.client.data(RECORD, record_input("Jim", "hi QAI", qaiResponse="Hi Jim"))
        assert done["recordInteraction"]["player"]["totalInteractions"] == 1
    async with serve(config) as second:
        data = await second.client.data(PLAYER_PAGE, {"name": "JIM", "first": 5})
    player = data["player"]
    assert player["name"] == "Jim"
    assert player["totalInteractions"] == 1
    assert [e["node"]["message"] for e in player["interactions"]["edges"]] == ["hi QAI"]


async def test_recall_happens_before_the_response(api: RunningApp) -> None:
    client = api.client
    await client.data(RECORD, record_input("Ada", "I love the Bell state puzzle"))
    await client.data(
        STORE_OBSERVATION,
        {
            "input": {
                "subject": "PLAYER#Ada",
                "content": "Ada races through entanglement",
                "category": "BEHAVIORAL",
                "confidence": 0.7,
            }
        },
    )
    await client.data(
        'mutation { addSessionMessage(sessionId: "s-1", role: "user", content: "what next?")'
        " { id recentMessages { role content } } }"
    )
    data = await client.data(
        'query P($g: JSON) { systemPrompt(player: "ada", sessionId: "s-1", gameState: $g) }',
        {"g": {"recent_activity": "solving GHZ-3"}},
    )
    prompt = data["systemPrompt"]
    assert "Ada races through entanglement" in prompt
    assert "what next?" in prompt
    assert "GHZ-3" in prompt
    context = await client.data(
        'query { playerContext(name: "Ada") { known profile { name totalInteractions }'
        " recentInteractions { message } observations { content } summary } }"
    )
    assert context["playerContext"]["known"] is True
    assert context["playerContext"]["recentInteractions"] == [
        {"message": "I love the Bell state puzzle"}
    ]


async def test_an_unknown_player_gets_an_empty_profile_and_nothing_is_saved(
    api: RunningApp,
) -> None:
    data = await api.client.data(
        'query { playerContext(name: "Newcomer") { known profile { name totalInteractions }'
        " recentInteractions { id } } }"
    )
    assert data["playerContext"] == {
        "known": False,
        "profile": {"name": "Newcomer", "totalInteractions": 0},
        "recentInteractions": [],
    }
    after = await api.client.data('query { player(name: "Newcomer") { name } }')
    assert after["player"] is None


async def test_observations_are_stored_reinforced_and_promoted(api: RunningApp) -> None:
    client = api.client
    stored = await client.data(
        STORE_OBSERVATION,
        {
            "input": {
                "subject": "PLAYER#Bo",
                "content": "Bo solves puzzles at night",
                "category": "PREFERENCE",
                "confidence": 0.6,
            }
        },
    )
    obs = stored["storeObservation"]
    assert (obs["memoryTier"], obs["promoted"], obs["evidenceCount"]) == ("SHORT_TERM", False, 1)
    assert obs["ttl"] is not None
    reinforce = (
        'mutation R($id: ID!) { reinforceObservation(subject: "PLAYER#bo", id: $id)'
        f" {{ {OBSERVATION_FIELDS} }} }}"
    )
    for _ in range(2):
        reinforced = (await client.data(reinforce, {"id": obs["id"]}))["reinforceObservation"]
    assert reinforced["evidenceCount"] == 3
    assert abs(reinforced["confidence"] - 0.8) < 1e-9
    promote = (
        'mutation P($id: ID!) { promoteObservation(subject: "PLAYER#Bo", id: $id)'
        f" {{ {OBSERVATION_FIELDS} }} }}"
    )
    promoted = (await client.data(promote, {"id": obs["id"]}))["promoteObservation"]
    assert (promoted["memoryTier"], promoted["promoted"], promoted["ttl"]) == (
        "LONG_TERM",
        True,
        None,
    )
    again = (await client.data(promote, {"id": obs["id"]}))["promoteObservation"]
    assert again == promoted
    listed = await client.data(
        'query { observations(subject: "PLAYER#Bo", promotedOnly: true)'
        " { edges { node { id promoted } } } }"
    )
    assert [e["node"]["id"] for e in listed["observations"]["edges"]] == [obs["id"]]


async def test_expired_memory_is_hidden(make_config: ConfigFactory) -> None:
    # TTLs are whole epoch seconds: 2 s keeps the items visible for at least one second.
    config = make_config(interaction_ttl=2, short_term_ttl=2)
    async with serve(config) as running:
        client = running.client
        recorded = await client.data(RECORD, record_input("Cy", "fleeting"))
        stored = await client.data(
            STORE_OBSERVATION,
            {
                "input": {
                    "subject": "PLAYER#Cy",
                    "content": "Cy is in a hurry",
                    "category": "BEHAVIORAL",
                }
            },
        )
        query = (
            'query { player(name: "Cy") { interactions { edges { node { ttl } } }'
            " observations { edges { node { ttl } } } }"
            ' playerContext(name: "Cy") { recentInteractions { id } observations { id } } }'
        )
        fresh = await client.data(query)
        assert len(fresh["player"]["interactions"]["edges"]) == 1
        assert len(fresh["player"]["observations"]["edges"]) == 1
        expiry = max(
            recorded["recordInteraction"]["interaction"]["ttl"],
            stored["storeObservation"]["ttl"],
        )
        await asyncio.sleep(max(0.0, expiry - time.time()) + 0.2)
        stale = await client.data(query)
    assert stale["player"]["interactions"]["edges"] == []
    assert stale["player"]["observations"]["edges"] == []
    assert stale["playerContext"] == {"recentInteractions": [], "observations": []}


async def test_consolidation_bounds_memory(make_config: ConfigFactory) -> None:
    config = make_config(max_interactions_per_player=3, max_observations_per_player=2)
    async with serve(config) as running:
        client = running.client
        for i in range(6):
            await client.data(RECORD, record_input("Dee", f"message {i}"))
        for i in range(4):
            await client.data(
                STORE_OBSERVATION,
                {
                    "input": {
                        "subject": "PLAYER#Dee",
                        "content": f"fact number {i}",
                        "category": "EVENT",
                    }
                },
            )
        result = await client.data(
            "mutation { runConsolidation { interactionsTrimmed observationsTrimmed } }"
        )
        counts = await client.data(
            'query { player(name: "Dee") { interactions(first: 20) { edges { node { id } } }'
            " observations(first: 20) { edges { node { id } } } } }"
        )
    assert result["runConsolidation"] == {"interactionsTrimmed": 3, "observationsTrimmed": 2}
    assert len(counts["player"]["interactions"]["edges"]) == 3
    assert len(counts["player"]["observations"]["edges"]) == 2


async def test_retries_with_an_idempotency_key_count_once(api: RunningApp) -> None:
    variables = record_input("Eve", "same message", idempotencyKey="twitch-msg-42")
    first = (await api.client.data(RECORD, variables))["recordInteraction"]
    second = (await api.client.data(RECORD, variables))["recordInteraction"]
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert second["interaction"]["id"] == first["interaction"]["id"]
    assert second["player"]["totalInteractions"] == 1
    assert second["evolution"]["totalInteractions"] == 1


async def test_pages_of_interactions_continue_without_gaps(api: RunningApp) -> None:
    for i in range(7):
        await api.client.data(RECORD, record_input("Fay", f"m{i}"))
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = await api.client.data(PLAYER_PAGE, {"name": "Fay", "first": 3, "after": after})
        page = data["player"]["interactions"]
        seen += [e["node"]["message"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"m{i}" for i in reversed(range(7))]
    assert pages == 3
    # An edge's own cursor continues right after that edge.
    first_page = await api.client.data(PLAYER_PAGE, {"name": "Fay", "first": 3})
    cursor = first_page["player"]["interactions"]["edges"][0]["cursor"]
    data = await api.client.data(PLAYER_PAGE, {"name": "Fay", "first": 2, "after": cursor})
    assert [e["node"]["message"] for e in data["player"]["interactions"]["edges"]] == ["m5", "m4"]


async def test_players_are_listed_most_recently_seen_first(api: RunningApp) -> None:
    for name in ["Gus", "Hal", "Ivy"]:
        await api.client.data(RECORD, record_input(name, "hello"))
    query = (
        "query P($after: String) { players(first: 2, after: $after)"
        " { edges { node { name } } pageInfo { hasNextPage endCursor } } }"
    )
    first = (await api.client.data(query))["players"]
    second = (await api.client.data(query, {"after": first["pageInfo"]["endCursor"]}))["players"]
    names = [e["node"]["name"] for e in first["edges"] + second["edges"]]
    assert names == ["Ivy", "Hal", "Gus"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasNextPage"] is False


async def test_solutions_players_and_sessions(api: RunningApp) -> None:
    client = api.client
    solved = await client.data(
        'mutation { recordSolution(input: {player: "Jo", patternId: "BELL-2", fidelity: 0.9,'
        ' timeMs: 1200, gateSequence: ["H", "CNOT"]}) { player { name totalSolutions }'
        " pattern { patternId timesObserved } evolution { totalSolutionsObserved }"
        " stageAdvanced } }"
    )
    assert solved["recordSolution"]["player"] == {"name": "Jo", "totalSolutions": 1}
    pattern = await client.data('query { pattern(id: "BELL-2") { timesObserved gateSequence } }')
    assert pattern["pattern"] == {"timesObserved": 1, "gateSequence": ["H", "CNOT"]}
    updated = await client.data(
        'mutation { updatePlayer(name: "jo", input: {playStyle: "speed_focused"})'
        " { name playStyle totalSolutions } }"
    )
    assert updated["updatePlayer"] == {
        "name": "Jo",
        "playStyle": "speed_focused",
        "totalSolutions": 1,
    }
    await client.data(
        'mutation { addSessionMessage(sessionId: "chat-9", role: "user", content: "hey") { id } }'
    )
    session = await client.data('query { session(id: "chat-9") { id recentMessages { content } } }')
    assert session["session"] == {"id": "chat-9", "recentMessages": [{"content": "hey"}]}
    assert (await client.data('query { session(id: "nope") { id } }'))["session"] is None
