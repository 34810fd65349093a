"""``qai-graph mcp``: MCP over stdio, with the official SDK's client on the test moto
server, and with a raw client on the embedded store (the default, as for ``serve``)."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from tests.support.mcp_harness import TOOLS, code_of
from tests.support.server import QAI_GRAPH, clean_env


def _params(endpoint: str, table: str) -> StdioServerParameters:
    env = clean_env(dynamodb_endpoint=endpoint, dynamodb_table_name=table)
    return StdioServerParameters(command=QAI_GRAPH, args=["mcp"], env=env)


async def test_stdio_lists_and_calls_each_tool(dynamo_endpoint: str) -> None:
    table = f"qai-mcp-{uuid.uuid4().hex[:10]}"
    async with Client(_params(dynamo_endpoint, table), read_timeout_seconds=60) as client:
        tools = (await client.list_tools()).tools
        assert {t.name for t in tools} == TOOLS
        record = await client.call_tool(
            "qai_record_interaction",
            {"player": "Eve", "message": "teleport me", "response": "Bell pair ready."},
        )
        assert not record.is_error, record.content
        stored = await client.call_tool(
            "qai_memory_store",
            {"player": "Eve", "content": "likes teleporting", "category": "event"},
        )
        obs: Any = stored.structured_content
        reinforced = await client.call_tool(
            "qai_memory_reinforce",
            {"subject": obs["subject"], "observation_id": obs["observation_id"]},
        )
        assert reinforced.structured_content["evidence_count"] == 2  # type: ignore[index]
        recalled = await client.call_tool("qai_memory_recall", {"query": "Eve teleporting"})
        assert not recalled.is_error
        evolution = await client.call_tool("qai_get_evolution", {})
        assert evolution.structured_content["total_interactions"] == 1  # type: ignore[index]
        # stdio is the local user (like the CLI): writes are allowed; bad input is still coded.
        assert code_of(await client.call_tool("qai_get_player", {})) == "INVALID_INPUT"
        prompt = await client.get_prompt("qai_system_prompt", {"player": "eve", "message": "hi"})
        assert "teleport me" in prompt.messages[0].content.text  # type: ignore[union-attr]


@pytest.mark.slow
def test_embedded_by_default_stdout_carries_only_mcp_and_logs_go_to_stderr(
    tmp_path: Path,
) -> None:
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "nope"}},
    ]
    stderr = (tmp_path / "stderr.log").open("w+")
    env = clean_env(data_dir=str(tmp_path / "data"))
    process = subprocess.Popen(
        [QAI_GRAPH, "--log-level", "debug", "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert process.stdin is not None and process.stdout is not None
    replies = []
    try:
        for message in messages:
            process.stdin.write(json.dumps(message) + "\n")
            process.stdin.flush()
            if "id" in message:  # a client waits for each answer, as a real one does
                replies.append(json.loads(process.stdout.readline()))
        process.stdin.close()
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert process.stdout.read() == ""  # nothing but the answers on stdout
    assert [r.get("id") for r in replies] == [1, 2, 3]
    assert {t["name"] for t in replies[1]["result"]["tools"]} == TOOLS
    assert replies[2]["result"]["isError"] is True
    assert replies[2]["result"]["_meta"]["qai/code"] == "NOT_FOUND"
    stderr.seek(0)
    logs = stderr.read()
    # The logs went to stderr, and the store was the embedded one, in the data directory.
    assert "memory service ready" in logs and "embedded DynamoDB" in logs
    assert (tmp_path / "data").is_dir()
