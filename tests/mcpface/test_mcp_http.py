"""MCP over Streamable HTTP at /mcp of a real ``qai-graph serve``, with the official SDK's
client: the tools, prompt and resources, API keys and roles, and bad input."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import TextResourceContents

from tests.support.mcp_harness import KEYS, TOOLS, WRITER_TOOLS, code_of, http_client
from tests.support.server import ServeProcess

INVALID = "INVALID_INPUT"


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


async def _player(client: Client, name: str) -> dict[str, Any]:
    result = await client.call_tool("qai_get_player", {"name": name})
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def _total_interactions(client: Client) -> int:
    result = await client.call_tool("qai_get_evolution", {})
    assert isinstance(result.structured_content, dict)
    return int(result.structured_content["total_interactions"])


async def test_lists_exactly_the_tools_with_schemas_prompt_and_resources(
    mcp_server: ServeProcess,
) -> None:
    async with http_client(mcp_server.mcp_url, KEYS["reader"]) as client:
        tools = (await client.list_tools()).tools
        prompts = (await client.list_prompts()).prompts
        resources = (await client.list_resources()).resources
        templates = (await client.list_resource_templates()).resource_templates
    # A reader sees every tool (documented choice); writer tools say they write.
    assert {t.name for t in tools} == TOOLS
    for tool in tools:
        assert tool.description and len(tool.description) > 40, tool.name
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None, tool.name
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is (tool.name not in WRITER_TOOLS)
    by_name = {t.name: t for t in tools}
    store = by_name["qai_memory_store"].input_schema
    assert store["properties"]["content"]["maxLength"] == 1000
    assert store["properties"]["confidence"]["maximum"] == 1.0
    assert set(by_name["qai_memory_recall"].input_schema["required"]) == {"query"}
    assert [p.name for p in prompts] == ["qai_system_prompt"]
    assert {a.name for a in prompts[0].arguments or []} == {"player", "message", "session_id"}
    assert [str(r.uri) for r in resources] == ["qai://evolution"]
    assert [t.uri_template for t in templates] == ["qai://players/{name}"]


async def test_calls_each_tool_and_retries_count_once(mcp_server: ServeProcess) -> None:
    name = _name("Ada")
    async with http_client(mcp_server.mcp_url, KEYS["writer"]) as client:
        before = await _total_interactions(client)
        args = {
            "player": name,
            "message": "I love bell states",
            "response": "Entanglement suits you.",
            "session_id": "s-" + name,
            "idempotency_key": "msg-" + name,
        }
        first = await client.call_tool("qai_record_interaction", args)
        again = await client.call_tool("qai_record_interaction", args)
        assert not first.is_error and not again.is_error
        assert first.structured_content["replayed"] is False  # type: ignore[index]
        assert again.structured_content["replayed"] is True  # type: ignore[index]
        assert name in first.content[0].text  # type: ignore[union-attr]

        stored = await client.call_tool(
            "qai_memory_store",
            {"player": name, "content": "prefers bell states", "category": "preference"},
        )
        assert not stored.is_error, stored.content
        obs: Any = stored.structured_content
        assert obs["subject"].lower() == f"player#{name.lower()}" and obs["evidence_count"] == 1
        reinforced = await client.call_tool(
            "qai_memory_reinforce",
            {"subject": obs["subject"], "observation_id": obs["observation_id"]},
        )
        assert reinforced.structured_content["evidence_count"] == 2  # type: ignore[index]
        assert reinforced.structured_content["confidence"] == pytest.approx(0.6)  # type: ignore[index]

        player = await _player(client, name.upper())
        assert player["known"] and player["total_interactions"] == 1
        assert [i["message"] for i in player["recent_interactions"]] == ["I love bell states"]
        assert [o["content"] for o in player["observations"]] == ["prefers bell states"]

        recalled = await client.call_tool(
            "qai_memory_recall", {"query": f"{name} and bell states", "player": name}
        )
        assert not recalled.is_error
        memories: Any = recalled.structured_content
        assert any("bell states" in m["content"] for m in memories["memories"])
        assert await _total_interactions(client) == before + 1


async def test_recall_answers_carry_dates_and_take_since_and_until(
    mcp_server: ServeProcess,
) -> None:
    name = _name("Cy")
    async with http_client(mcp_server.mcp_url, KEYS["writer"]) as client:
        await client.call_tool(
            "qai_record_interaction",
            {"player": name, "message": "teleporting qubits rocks", "response": "It does."},
        )
        query = {"query": f"{name} teleporting qubits today", "player": name}
        recalled = await client.call_tool("qai_memory_recall", query)
        assert not recalled.is_error, recalled.content
        out: Any = recalled.structured_content
        mine = next(m for m in out["memories"] if m["content"] == "teleporting qubits rocks")
        day = datetime.fromisoformat(mine["at"]).astimezone(UTC).strftime("%Y-%m-%d")
        text = recalled.content[0].text  # type: ignore[union-attr]
        assert f"({day}) teleporting qubits rocks" in text
        assert [p["text"] for p in out["periods"]] == ["today"]
        assert "(read 'today' as " in text
        later = await client.call_tool("qai_memory_recall", {**query, "since": "2999-01-01"})
        assert later.structured_content["memories"] == []  # type: ignore[index]
        bad = await client.call_tool(
            "qai_memory_recall", {**query, "since": "2030-01-02", "until": "2030-01-01"}
        )
        assert bad.is_error and code_of(bad) == INVALID


async def test_prompt_and_resources_carry_the_memory(mcp_server: ServeProcess) -> None:
    name = _name("Bo")
    async with http_client(mcp_server.mcp_url, KEYS["writer"]) as client:
        await client.call_tool(
            "qai_record_interaction",
            {"player": name, "message": "what is a qubit", "response": "A choice unmade."},
        )
        prompt = await client.get_prompt(
            "qai_system_prompt", {"player": name, "message": "and a gate?"}
        )
        text = prompt.messages[0].content.text  # type: ignore[union-attr]
        assert "## What I Remember" in text and "what is a qubit" in text
        player = await client.read_resource(f"qai://players/{name}")
        evolution = await client.read_resource("qai://evolution")
        # A bad argument is a JSON-RPC error carrying the GraphQL code; the session goes on.
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("qai_system_prompt", {"player": "a#b", "message": "x"})
        assert caught.value.data["code"] == "INVALID_INPUT"
        assert not (await client.call_tool("qai_get_evolution", {})).is_error
    body = player.contents[0]
    assert isinstance(body, TextResourceContents) and body.mime_type == "application/json"
    assert json.loads(body.text)["total_interactions"] == 1
    assert json.loads(evolution.contents[0].text)["stage"] == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("key", [None, "not-a-key"])
async def test_no_or_unknown_key_is_401(mcp_server: ServeProcess, key: str | None) -> None:
    headers = {"Accept": "application/json, text/event-stream"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(mcp_server.mcp_url, json=init, headers=headers)
        headers["Authorization"] = f"Bearer {KEYS['reader']}"
        served_with_key = await http.post(mcp_server.mcp_url, json=init, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"
    assert served_with_key.status_code == 200  # the same request with a key is served


async def test_reader_is_refused_writer_tools_and_nothing_is_written(
    mcp_server: ServeProcess,
) -> None:
    name = _name("Cy")
    calls = {
        "qai_record_interaction": {"player": name, "message": "hi", "response": "hello"},
        "qai_memory_store": {"player": name, "content": "sneaky", "category": "social"},
        "qai_memory_reinforce": {"subject": f"PLAYER#{name}", "observation_id": "x1"},
    }
    async with http_client(mcp_server.mcp_url, KEYS["reader"]) as reader:
        before = await _total_interactions(reader)
        for tool, args in calls.items():
            result = await reader.call_tool(tool, args)
            assert code_of(result) == "FORBIDDEN", (tool, result.content)
        # Refused before argument validation: bad arguments get the same answer.
        assert code_of(await reader.call_tool("qai_memory_store", {})) == "FORBIDDEN"
        # The session goes on, and reads still work.
        assert (await _player(reader, name))["known"] is False
        assert await _total_interactions(reader) == before


async def test_bad_input_is_a_coded_tool_error_and_nothing_is_written(
    mcp_server: ServeProcess,
) -> None:
    name = _name("Di")
    good = {"player": name, "content": "likes puzzles", "category": "preference"}
    bad_calls: list[tuple[str, dict[str, Any], str]] = [
        ("qai_no_such_tool", {}, "NOT_FOUND"),
        ("qai_memory_store", {"player": name}, "INVALID_INPUT"),  # missing arguments
        ("qai_memory_store", {**good, "content": "x" * 1001}, "INVALID_INPUT"),  # oversized
        ("qai_memory_store", {**good, "confidence": "high"}, "INVALID_INPUT"),  # wrong type
        ("qai_memory_store", {**good, "confidence": 1.5}, "INVALID_INPUT"),  # out of range
        ("qai_memory_store", {**good, "category": "gossip"}, "INVALID_INPUT"),  # not an enum
        ("qai_memory_store", {**good, "subject": "GENERAL"}, "INVALID_INPUT"),  # both given
        ("qai_memory_store", {**good, "player": "bad#name"}, "INVALID_INPUT"),  # service's check
        ("qai_record_interaction", {"player": name, "message": 7, "response": ""}, "INVALID_INPUT"),
        (
            "qai_record_interaction",
            {"player": [name], "message": "m", "response": "r"},
            "INVALID_INPUT",
        ),
        ("qai_get_player", {"name": ""}, "INVALID_INPUT"),
        ("qai_memory_recall", {"query": "q", "limit": 0}, "INVALID_INPUT"),
        (
            "qai_memory_reinforce",
            {"subject": f"PLAYER#{name}", "observation_id": "nope"},
            "NOT_FOUND",
        ),
    ]
    async with http_client(mcp_server.mcp_url, KEYS["writer"]) as client:
        before = await _total_interactions(client)
        for tool, args, code in bad_calls:
            result = await client.call_tool(tool, args)
            assert code_of(result) == code, (tool, args, result.content)
        assert (await _player(client, name))["known"] is False
        assert await _total_interactions(client) == before
        # The same session still works after every refusal.
        assert not (await client.call_tool("qai_memory_store", good)).is_error
