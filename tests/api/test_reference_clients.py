"""Clients nobody here wrote, against the served app: the graphql-http audit (GraphQL
over HTTP), the graphql-ws reference client and Python gql over legacy graphql-ws."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.api_harness import RunningApp
from tests.support.tools import require

CLIENTS = Path(__file__).resolve().parents[1] / "clients" / "graphql"


@pytest.fixture(scope="session")
def node_clients() -> Path:
    """tests/clients/graphql with its npm packages installed (npm ci when missing)."""
    _, npm = require("node", "npm", needed_by="the reference clients (tests/clients)")
    if not (CLIENTS / "node_modules").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(CLIENTS)],
            check=True,
            timeout=300,
        )
    return CLIENTS


async def run_node(clients: Path, script: str, *args: str) -> dict[str, Any]:
    """Run a script of tests/clients/graphql without blocking the served app's loop."""
    process = await asyncio.create_subprocess_exec(
        "node",
        str(clients / script),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def test_graphql_http_audit_has_no_errors_or_warnings(
    api: RunningApp, node_clients: Path
) -> None:
    report = await run_node(node_clients, "audit.mjs", api.base_url + "/graphql")
    print(
        f"graphql-http audit: {report['total']} audits, {report['ok']} ok, "
        f"{report['warn']} warnings, {report['error']} errors"
    )
    assert report["problems"] == []
    assert (report["error"], report["warn"]) == (0, 0)
    assert report["ok"] == report["total"] > 50


async def test_the_graphql_ws_reference_client(api: RunningApp, node_clients: Path) -> None:
    result = await run_node(node_clients, "ws_client.mjs", api.ws_url)
    assert result["event"] == {"data": {"evolutionUpdated": {"stage": 1}}}
    assert result["query"] == {"data": {"evolution": {"stage": 1}}}


async def test_python_gql_over_legacy_graphql_ws(api: RunningApp) -> None:
    import gql
    from gql.transport.websockets import WebsocketsTransport

    transport = WebsocketsTransport(url=api.ws_url, subprotocols=["graphql-ws"])
    async with gql.Client(transport=transport) as session:
        result = await session.execute(gql.gql("{ evolution { stage } }"))
    assert result == {"evolution": {"stage": 1}}
