"""``create-table``, ``export`` and ``import`` against moto, in this process (``main``),
and how they fail: one line and a stable exit status per kind (qai_graph.failures).

One child process (the unreachable store) checks the whole of stderr, logs included.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import uuid
from pathlib import Path

import boto3
import pytest

from qai_graph import cli
from qai_graph.failures import EXIT_CONFLICT, EXIT_STORE_UNREACHABLE
from qai_graph.memory.service import MemoryService
from qai_graph.store.transfer import FORMAT, VERSION
from tests.support.imports import ENCODER, SERVING, among, imported_by
from tests.support.server import MODULE, clean_env, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def table(dynamo_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The commands' settings: the test moto server and a table of this test's own."""
    name = f"qai-cli-{uuid.uuid4().hex[:12]}"
    for key in [k for k in os.environ if k.startswith("QAI_MEMORY_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_ENDPOINT", dynamo_endpoint)
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_TABLE_NAME", name)
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_MAX_ATTEMPTS", "1")
    return name


@pytest.fixture
def no_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a MemoryService fails: the data commands must open the table alone (no
    recall index build, which scans the table, no embedding model, no classifier)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a data command built the whole MemoryService")

    monkeypatch.setattr(MemoryService, "__init__", refuse)


def _put(endpoint: str, table: str) -> None:
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
    client.put_item(TableName=table, Item={"pk": {"S": "PLAYER#ada"}, "sk": {"S": "PROFILE"}})


def test_import_into_a_table_that_holds_items_is_refused_without_force(
    table: str,
    dynamo_endpoint: str,
    tmp_path: Path,
    no_service: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["create-table", "--log-level", "warning"]) == 0
    assert f"table {table} is ready (created)" in capsys.readouterr().out
    _put(dynamo_endpoint, table)
    dump = tmp_path / "memory.jsonl"
    assert cli.main(["export", "--out", str(dump)]) == 0
    _, item = dump.read_text().splitlines()
    assert json.loads(item)["pk"] == {"S": "PLAYER#ada"}
    capsys.readouterr()

    assert cli.main(["import", str(dump), "--log-level", "warning"]) == EXIT_CONFLICT
    assert capsys.readouterr().err.splitlines() == [
        f"qai-graph import: table {table} already holds items; an import would put the "
        "file's items over theirs. Pass --force to import anyway, or set "
        "QAI_MEMORY_DYNAMODB_TABLE_NAME to an empty table."
    ]
    assert cli.main(["import", str(dump), "--force"]) == 0
    assert f"imported 1 items into {table}" in capsys.readouterr().err


def test_log_level_after_a_data_command_takes_effect(table: str, no_service: None) -> None:
    assert cli.main(["create-table", "--log-level", "error"]) == 0
    assert logging.getLogger().level == logging.ERROR
    assert cli.main(["--log-level", "error", "create-table", "--log-level", "debug"]) == 0
    assert logging.getLogger().level == logging.DEBUG


def test_export_of_a_missing_table_says_to_create_it(
    table: str, no_service: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", "--log-level", "error"]) == EXIT_STORE_UNREACHABLE
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("qai-graph export: the table does not exist (DescribeTable). Run ")


@pytest.mark.parametrize("command", [["export"], ["consolidate"]])  # the table, the service
def test_an_unreachable_store_is_one_line_with_its_status(
    command: list[str],
    table: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_ENDPOINT", closed)
    assert cli.main([*command, "--log-level", "error"]) == EXIT_STORE_UNREACHABLE
    assert capsys.readouterr().err.splitlines() == [
        f"qai-graph {command[0]}: cannot reach DynamoDB at {closed}/. Check "
        "QAI_MEMORY_DYNAMODB_ENDPOINT (or QAI_MEMORY_USE_AWS and the region), and that the "
        "store is running (qai-graph emulator)."
    ]
    assert cli.main([*command, "--debug", "--log-level", "error"]) == EXIT_STORE_UNREACHABLE
    err = capsys.readouterr().err
    assert "Traceback (most recent call last):" in err and "EndpointConnectionError" in err
    assert err.splitlines()[-1].startswith(f"qai-graph {command[0]}: cannot reach DynamoDB")


def test_nothing_but_the_line_reaches_stderr(tmp_path: Path) -> None:
    """At the default log level, as an operator runs it: the line is all of stderr."""
    closed = f"http://127.0.0.1:{free_port()}"
    dump = tmp_path / "memory.jsonl"
    dump.write_text(json.dumps({"format": FORMAT, "version": VERSION}) + "\n")
    done = subprocess.run(
        [*MODULE, "import", str(dump)],
        env={
            **clean_env(dynamodb_endpoint=closed, dynamodb_max_attempts=1),
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == EXIT_STORE_UNREACHABLE, done.stderr
    assert done.stderr.splitlines() == [
        f"qai-graph import: cannot reach DynamoDB at {closed}/. Check "
        "QAI_MEMORY_DYNAMODB_ENDPOINT (or QAI_MEMORY_USE_AWS and the region), and that the "
        "store is running (qai-graph emulator)."
    ]


def test_export_imports_no_face_and_no_encoder(table: str, tmp_path: Path) -> None:
    """A data command opens the table alone: no GraphQL, web stack, MCP or recall encoder
    is even imported (they cost ~1.5 s before it could start)."""
    assert cli.main(["create-table"]) == 0
    modules = imported_by(["export", "--out", str(tmp_path / "dump.jsonl")])
    assert "qai_graph.memory.backup" in modules  # it did its work
    assert among(modules, (*SERVING, *ENCODER, "qai_graph.memory.service")) == []
