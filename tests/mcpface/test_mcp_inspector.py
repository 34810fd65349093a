"""A client nobody here wrote: the MCP Inspector's CLI (npm ``@modelcontextprotocol/inspector``,
built on the TypeScript SDK) against /mcp of a real ``qai-graph serve``.

The session fixture installs it with ``npm ci`` from ``tests/clients/mcp``'s lock file when
``node_modules`` is missing (the registry is reachable here and in CI).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.mcp_harness import CLIENTS_DIR, KEYS, TOOLS
from tests.support.server import ServeProcess
from tests.support.tools import require


@pytest.fixture(scope="session")
def inspector() -> Path:
    """The inspector's launcher, installed when missing."""
    # node too: the launcher is a node script, installed or not.
    _, npm = require("node", "npm", needed_by="the MCP Inspector tests (tests/clients/mcp)")
    launcher = CLIENTS_DIR / "node_modules" / ".bin" / "mcp-inspector"
    if not launcher.exists():
        subprocess.run(
            [npm, "ci", "--prefix", str(CLIENTS_DIR), "--no-audit", "--no-fund"],
            check=True,
            timeout=600,
        )
    return launcher


def _run(inspector: Path, mcp_server: ServeProcess, tmp_path: Path, key: str, *args: str) -> Any:
    env = {**os.environ, "MCP_CATALOG_PATH": str(tmp_path / "catalog.json")}
    done = subprocess.run(
        [
            str(inspector),
            "--cli",
            mcp_server.mcp_url,
            "--transport",
            "http",
            "--header",
            f"Authorization: Bearer {key}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    # The CLI prints the result as JSON, then (for a tool error) an error line of its own.
    decoder = json.JSONDecoder()
    result, _ = decoder.raw_decode(done.stdout.lstrip())
    return result


def test_the_mcp_inspector_lists_the_tools_and_sees_coded_errors(
    inspector: Path, mcp_server: ServeProcess, tmp_path: Path
) -> None:
    listed = _run(inspector, mcp_server, tmp_path, KEYS["reader"], "--method", "tools/list")
    assert {tool["name"] for tool in listed["tools"]} == TOOLS
    assert all(tool.get("outputSchema") for tool in listed["tools"])
    refused = _run(
        inspector,
        mcp_server,
        tmp_path,
        KEYS["reader"],
        "--method",
        "tools/call",
        "--tool-name",
        "qai_memory_store",
        "--tool-arg",
        "player=inspector",
        "content=seen by a reader",
        "category=event",
    )
    assert refused["isError"] is True
    assert refused["_meta"]["qai/code"] == "FORBIDDEN"
