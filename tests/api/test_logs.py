"""Logs of a real `qai-graph serve`: one format for every line, ours and uvicorn's."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import httpx
import pytest

from qai_graph.cli.parser import build_parser as _parser
from tests.support.api_harness import ws_client
from tests.support.operations import RECORD, record_input
from tests.support.server import ServeProcess, clean_env

TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ \[\S+ \S+\]: "
)


async def _a_short_run(
    dynamo_endpoint: str, tmp_path: Path, log_format: str, level: str
) -> list[str]:
    """Start, serve a few requests (good, bad, malformed, WebSocket), stop; its lines."""
    env = clean_env(
        dynamodb_endpoint=dynamo_endpoint,
        dynamodb_table_name=f"qai-logs-{uuid.uuid4().hex[:8]}",
        log_format=log_format,
    )
    server = ServeProcess.with_logs(env, tmp_path, "--log-level", level)
    try:
        await server.wait_ready()
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            query = {"query": "query Evo { evolution { stage } }"}
            ok = await http.post("/graphql", json=query, headers={"x-request-id": "req-abc"})
            assert ok.status_code == 200
            bad = await http.post(
                "/graphql",
                json={"query": RECORD, "variables": record_input("bad#name", "hi")},
            )
            assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
            malformed = await http.post(
                "/graphql", content=b"{not json", headers={"content-type": "application/json"}
            )
            assert malformed.status_code == 400
            assert (await http.get("/nowhere")).status_code == 404
            assert (await http.get("/metrics")).status_code == 200
        async with ws_client(server.ws_url) as client:
            await client.subscribe("subscription { evolutionStageChanged { stage } }")
    finally:
        server.stop()
    return server.output_lines()


async def test_with_json_logs_every_line_of_a_run_is_one_json_object(
    dynamo_endpoint: str, tmp_path: Path
) -> None:
    lines = await _a_short_run(dynamo_endpoint, tmp_path, "json", "debug")
    records = []
    for line in lines:
        record = json.loads(line)  # every line, start-up to shutdown
        assert {"time", "level", "logger", "message", "request_id", "operation"} <= set(record)
        records.append(record)
    levels = {r["level"] for r in records}
    assert "DEBUG" in levels  # `serve --log-level debug` took effect
    messages = [r["message"] for r in records]
    assert any("Application startup complete" in m for m in messages)
    assert any("Finished server process" in m or "Shutting down" in m for m in messages)

    operation = next(r for r in records if r["logger"] == "qai_graph.api.operations")
    assert operation["operation"] == "Evo"
    assert operation["request_id"] == "req-abc"
    assert operation["code"] == "OK"
    assert isinstance(operation["duration_ms"], float)
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert any(r["request_id"] == "req-abc" and r["status"] == 200 for r in access)
    assert any(r["status"] == 400 for r in access)
    failed = [r for r in records if r.get("code") == "INVALID_INPUT"]
    assert failed and failed[0]["operation"] == "Record"


@pytest.mark.slow
async def test_text_logs_share_one_format_with_uvicorns(
    dynamo_endpoint: str, tmp_path: Path
) -> None:
    # At info no message spans lines (botocore's debug dumps do, in either format).
    lines = await _a_short_run(dynamo_endpoint, tmp_path, "text", "info")
    odd = [line for line in lines if not TEXT_LINE.match(line)]
    assert not odd, odd[:5]
    assert any("uvicorn" in line and "Application startup complete" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "level"),
    [
        (["serve", "--log-level", "debug"], "debug"),
        (["--log-level", "warning", "serve"], "warning"),
        (["--log-level", "warning", "serve", "--log-level", "error"], "error"),
        (["serve"], None),
    ],
)
def test_log_level_is_accepted_before_and_after_serve(argv: list[str], level: str | None) -> None:
    assert _parser().parse_args(argv).log_level == level
