"""The read side of formed memories over GraphQL (issue 20): provenance on Observation and
Memory, superseded observations (listed, marked, in no prompt, recalled below their
successor), the learned profile in the prompt, and recall usage counted for consolidation."""

from __future__ import annotations

from typing import Any

from qai_graph.memory.trust.neutralize import DATA_CLOSE, DATA_OPEN
from qai_graph.store import keys
from tests.support.api_harness import RunningApp
from tests.support.formed import put_formed, source, stored_item, supersede
from tests.support.operations import RECORD, record_input

SOURCES = "sources { interactionId lineId at }"
OBSERVATION = f"id content formedBy sessionId superseded supersededBy supersededAt {SOURCES}"
OBSERVATIONS = f"""
query ($s: String!) {{
  observations(subject: $s, first: 20) {{ edges {{ node {{ {OBSERVATION} }} }} }}
}}
"""
PLAYER = f"""
query ($n: String!) {{
  player(name: $n) {{ observations(first: 10) {{ edges {{ node {{ {OBSERVATION} }} }} }} }}
  playerContext(name: $n) {{ observations {{ {OBSERVATION} }} }}
}}
"""
RECALL = f"""
query ($q: String!, $who: String) {{
  recall(query: $q, limit: 5, player: $who) {{ memories {{ kind id content timestamp {SOURCES} }} }}
}}
"""
PROMPT = "query ($p: String, $m: String) { systemPrompt(player: $p, message: $m) }"
UPDATE = """
mutation ($n: String!, $i: PlayerUpdateInput!) { updatePlayer(name: $n, input: $i) { name } }
"""


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def vegan_ada(api: RunningApp) -> tuple[Any, Any]:
    """Ada, who loved burgers and is vegan now: (the superseded one, its successor)."""
    await api.client.data(RECORD, record_input("Ada", "hello qai"))
    service = api.service
    old = await put_formed(
        service,
        "Ada",
        "Ada loves burgers with extra cheese",
        sources=[source("i-old-1", "line-7", days=9), source("i-old-2", days=8)],
        days=8,
    )
    new = await put_formed(service, "Ada", "Ada is vegan now", days=1)
    return await supersede(service, old, new), new


async def test_observations_carry_their_sources_and_superseded_ones_are_listed_marked(
    api: RunningApp,
) -> None:
    old, new = await vegan_ada(api)
    listed = nodes((await api.client.data(OBSERVATIONS, {"s": "PLAYER#Ada"}))["observations"])
    by_id = {o["id"]: o for o in listed}
    assert set(by_id) == {old.observation_id, new.observation_id}
    was = by_id[old.observation_id]
    assert was["superseded"] is True and was["supersededBy"] == new.observation_id
    assert was["supersededAt"] is not None
    assert was["formedBy"] == "local" and was["sessionId"] == "stream-1"
    assert [(s["interactionId"], s["lineId"]) for s in was["sources"]] == [
        ("i-old-1", "line-7"),
        ("i-old-2", None),
    ]
    assert all(s["at"] for s in was["sources"])
    now = by_id[new.observation_id]
    assert now["superseded"] is False and now["supersededBy"] is None

    data = await api.client.data(PLAYER, {"n": "ada"})
    # The dashboard's listing shows both, marked; the prompt's context only what is true now.
    shown = {o["id"]: o["superseded"] for o in nodes(data["player"]["observations"])}
    assert shown == {old.observation_id: True, new.observation_id: False}
    assert [o["id"] for o in data["playerContext"]["observations"]] == [new.observation_id]


async def test_recalled_memories_say_where_they_came_from(api: RunningApp) -> None:
    recorded = await api.client.data(
        RECORD, record_input("Bloch", "my cat is called schrodinger lol")
    )
    interaction_id = recorded["recordInteraction"]["interaction"]["id"]
    formed = await put_formed(
        api.service,
        "Bloch",
        "Bloch has a cat called Schrodinger",
        sources=[source(interaction_id, "line-42")],
    )
    memories = (await api.client.data(RECALL, {"q": "schrodinger cat"}))["recall"]["memories"]
    by_kind = {m["kind"]: m for m in memories}
    interaction = by_kind["interaction"]
    assert interaction["sources"] == [
        {"interactionId": interaction_id, "lineId": None, "at": interaction["timestamp"]}
    ]
    observation = by_kind["observation"]
    assert observation["id"] == formed.observation_id
    assert [(s["interactionId"], s["lineId"]) for s in observation["sources"]] == [
        (interaction_id, "line-42")
    ]

    # A backfilled line's interaction carries the line's id: its source names it.
    service = api.service
    pk, sk = keys.player_pk("Bloch"), keys.interaction_sk(interaction_id)
    expr_item = await service.store.batch_get([(pk, sk)])
    item = {**expr_item[0], "line_id": "twitch-msg-9"}
    await service.store.put(item)
    service.recall_index.observe(item)
    memories = (await api.client.data(RECALL, {"q": "schrodinger cat"}))["recall"]["memories"]
    interaction = next(m for m in memories if m["kind"] == "interaction")
    assert interaction["sources"][0]["lineId"] == "twitch-msg-9"


async def test_a_superseded_observation_is_in_no_prompt_and_recalled_below_its_successor(
    api: RunningApp,
) -> None:
    old, new = await vegan_ada(api)
    for variables in (
        {"p": "Ada", "m": None},  # About Ada
        {"p": "Ada", "m": "do you remember what burgers i love with cheese?"},
        {"p": "Bo", "m": "what burgers with cheese does ada love"},  # relevant memories only
    ):
        prompt = (await api.client.data(PROMPT, variables))["systemPrompt"]
        assert "burgers" not in prompt, variables
    prompt = (await api.client.data(PROMPT, {"p": "Ada", "m": "what do i eat"}))["systemPrompt"]
    assert "Ada is vegan now" in prompt

    for query in ("burgers with extra cheese", "is ada vegan or does she love burgers"):
        memories = (await api.client.data(RECALL, {"q": query}))["recall"]["memories"]
        ids = [m["id"] for m in memories]
        assert old.observation_id in ids, query  # still recalled: it was true once
        assert new.observation_id in ids[: ids.index(old.observation_id)], (query, ids)


async def test_about_the_player_says_what_the_profile_learned_and_what_qai_noticed(
    api: RunningApp,
) -> None:
    await api.client.data(RECORD, record_input("Ada", "hi"))
    learned = {
        "playStyle": "explorer",
        "preferredPatterns": ["7B"],
        "averageFidelity": 0.87,
        "sentimentScore": 0.6,
        "memorableMoments": ["Ada solved the GHZ puzzle on stream in 40 seconds"],
    }
    await api.client.data(UPDATE, {"n": "Ada", "i": learned})
    formed = await put_formed(api.service, "Ada", "Ada always solves the bell state puzzle first")
    prompt = (await api.client.data(PROMPT, {"p": "Ada", "m": None}))["systemPrompt"]
    day = formed.sources[0].at.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    expected = [
        "### About Ada",
        "- Their play style: explorer",
        "- Patterns they prefer: 7B",
        "- Their average fidelity: 87%",
        "- Their mood in chat: usually upbeat",
        f"- I noticed in chat ({day}): “Ada always solves the bell state puzzle first”",
        "- A memorable moment: “Ada solved the GHZ puzzle on stream in 40 seconds”",
    ]
    lines = prompt.splitlines()
    assert all(line in lines for line in expected), prompt
    inside = prompt.split(DATA_OPEN, 1)[1].split(DATA_CLOSE, 1)[0]
    assert all(line in inside for line in expected)


async def test_recall_counts_the_observations_it_returns(api: RunningApp) -> None:
    await api.client.data(RECORD, record_input("Ada", "hi"))
    formed = await put_formed(api.service, "Ada", "Ada keeps a pet axolotl named Qubit")
    usage = api.service.recall_index.usage
    item = await stored_item(api.service, formed)
    assert "recall_count" not in item

    await api.client.data(RECALL, {"q": "axolotl"})
    await usage.drain()
    item = await stored_item(api.service, formed)
    assert item["recall_count"] == 1 and item["last_recalled"]

    await api.client.data(PLAYER, {"n": "Ada"})  # playerContext counts; the listing does not
    await api.client.data(PROMPT, {"p": "Bo", "m": "who has a pet axolotl"})
    await usage.drain()
    item = await stored_item(api.service, formed)
    assert item["recall_count"] == 3
    # Usage only: nothing recall ranks, promotes or expires by has moved.
    assert (item["confidence"], item["evidence_count"]) == (0.5, 1)
    assert item["ttl"] == formed.ttl
