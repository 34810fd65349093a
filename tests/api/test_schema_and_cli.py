"""schema.graphql, the qai-graph command and the Lambda handler."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from qai_graph import cli, lambda_handler
from qai_graph.api.schema import export_schema
from tests.support.server import MODULE, ServeProcess, clean_env, free_port

ROOT = Path(__file__).resolve().parents[2]


def test_schema_graphql_is_exported_from_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == export_schema(), "run: qai-graph export-schema --output schema.graphql"


def test_export_schema_command(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert cli.main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == export_schema()


@pytest.fixture
def endpoint_env(dynamo_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """QAI_MEMORY_* pointing the command at the test moto server, with a fresh table."""
    table = f"qai-cli-{tmp_path.name[-20:]}".replace("_", "-")
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_ENDPOINT", dynamo_endpoint)
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_TABLE_NAME", table)
    return table


def test_create_table_and_consolidate_commands(
    endpoint_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["create-table"]) == 0
    assert endpoint_env in capsys.readouterr().out
    assert cli.main(["consolidate"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["interactions_trimmed"] == 0 and counts["memories_pruned"] == 0
    assert counts["summaries_written"] == 0 and counts["observations_merged"] == 0


def test_invalid_configuration_stops_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QAI_MEMORY_OBSERVATION_SAMPLE_RATE", "1.5")
    monkeypatch.setenv("QAI_MEMORY_INTERACTION_TTL", "-3")
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "QAI_MEMORY_OBSERVATION_SAMPLE_RATE" in err and "QAI_MEMORY_INTERACTION_TTL" in err


def test_lambda_handler_returns_the_counts(endpoint_env: str) -> None:
    counts = lambda_handler.handler({"source": "aws.events"}, None)
    assert counts["memories_pruned"] == 0
    assert set(counts) >= {"observations_promoted", "interactions_trimmed", "observations_trimmed"}


def _start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = clean_env(data_dir=data_dir, snapshot_interval_s=60)
    server = ServeProcess(env, command=MODULE, port=port, cwd=data_dir.parent)
    server.block_until_ready()  # the default 60 s: a loaded CI machine starts slowly
    return server.process


def _stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)


@pytest.mark.slow
def test_serve_on_the_embedded_store_remembers_across_a_restart(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "data", free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    record = 'mutation { recordInteraction(input: {player: "Zed", message: "hi"}) { replayed } }'
    process = _start_server(data_dir, port)
    try:
        assert httpx.post(url, json={"query": record}).json()["data"]
    finally:
        # A long snapshot interval: only the shutdown snapshot can have saved the write.
        _stop_server(process)
    process = _start_server(data_dir, port)
    try:
        body = httpx.post(url, json={"query": '{ player(name: "zed") { totalInteractions } }'})
    finally:
        _stop_server(process)
    assert body.json()["data"]["player"] == {"totalInteractions": 1}
