"""From the embedded store to another DynamoDB and back: ``qai-graph export`` / ``import``."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.store.transfer import FORMAT
from tests.support.api_harness import serve
from tests.support.helpers import readme_operation, readme_operations, scan_all
from tests.support.server import clean_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stores() -> Iterator[list[EmbeddedDynamo]]:
    started: list[EmbeddedDynamo] = []
    yield started
    for store in started:
        store.stop()


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = clean_env()
    return subprocess.run(
        [sys.executable, "-m", "qai_graph.cli", *args],
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _readme_answers(config: MemoryConfig) -> dict[str, Any]:
    queries = [d for d in readme_operations() if d.lstrip().startswith("query")]
    assert len(queries) >= 2
    variables = {
        "Prompt": {"player": "QuantumJim", "session": "stream-1", "game": {"world": [3, 1]}},
        "Dashboard": {"after": None},
        "Recall": {"q": "why before how", "who": "QuantumJim"},
        "RecallWithContext": {"q": "why before how"},  # docs/recall-context.md
        "Flagged": {},  # the moderators' queue (Security, Moderation)
    }
    answers = {}
    async with serve(config) as app:
        for query in queries:
            name = query.split("(", 1)[0].split("{", 1)[0].split()[-1]
            answers[name] = await app.client.data(query, variables[name])
    for memory in answers.get("Recall", {}).get("recall", {}).get("memories", []):
        # Recency is measured from now: seconds apart, the same memory scores a hair apart.
        memory["score"] = round(memory["score"], 3)
    return answers


async def test_export_then_import_elsewhere_answers_every_readme_query_the_same(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    table = f"qai-export-{uuid.uuid4().hex[:8]}"
    laptop = EmbeddedDynamo(tmp_path / "laptop")
    stores.append(laptop)
    laptop.start()
    source = MemoryConfig(dynamodb_endpoint=laptop.endpoint, dynamodb_table_name=table)
    record = readme_operation("Record")
    async with serve(source) as app:
        for n, player in enumerate(["QuantumJim", "Ada", "QuantumJim", "Bob", "Ada"]):
            await app.client.data(
                record,
                {
                    "input": {
                        "player": player,
                        "channel": "TWITCH",
                        "message": f"What is a qubit? ({n})",
                        "qaiResponse": "A question I also ask.",
                        "sessionId": "stream-1",
                        "idempotencyKey": f"msg-{n}",
                    }
                },
            )
        await app.service.store_observation(
            "PLAYER#QuantumJim", "Asks why before how", "behavioral", confidence=0.5
        )
    expected = await _readme_answers(source)
    assert expected["Dashboard"]["evolution"]["totalInteractions"] == 5
    # Read after the README's queries: the observations they recall are counted
    # (recall_count, last_recalled: written in the background, drained when that app
    # stopped), and the export must carry those counts too.
    async with serve(source) as app:
        before = await scan_all(app.service)
    assert any("recall_count" in item for item in before)

    # On the laptop: the export joins the running embedded store of that directory.
    dump = tmp_path / "memory.jsonl"
    laptop_env = {
        "QAI_MEMORY_DATA_DIR": str(tmp_path / "laptop"),
        "QAI_MEMORY_DYNAMODB_TABLE_NAME": table,
    }
    done = _cli("export", "--out", str(dump), env=laptop_env)
    assert done.returncode == 0, done.stderr
    header, *lines = dump.read_text().splitlines()
    assert json.loads(header)["format"] == FORMAT
    assert json.loads(header)["KeySchema"][0] == {"AttributeName": "pk", "KeyType": "HASH"}
    assert len(lines) == len(before)
    assert "export" in done.stderr and "100%" in done.stderr  # the progress bar

    # "AWS": another DynamoDB server, empty; imported twice (the second, into a table that
    # now holds items, needs --force and changes nothing).
    cloud = EmbeddedDynamo(None)
    stores.append(cloud)
    cloud.start()
    cloud_env = {"QAI_MEMORY_DYNAMODB_ENDPOINT": cloud.endpoint, **laptop_env}
    for force in ([], ["--force"]):
        done = _cli("import", str(dump), *force, env=cloud_env)
        assert done.returncode == 0, done.stderr
    target = MemoryConfig(dynamodb_endpoint=cloud.endpoint, dynamodb_table_name=table)
    async with serve(target) as app:
        after = await scan_all(app.service)
    key = lambda item: (item["pk"]["S"], item["sk"]["S"])  # noqa: E731
    assert sorted(after, key=key) == sorted(before, key=key)
    assert await _readme_answers(target) == expected


@pytest.mark.slow
def test_import_refuses_a_file_that_is_not_an_export(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    cloud = EmbeddedDynamo(None)
    stores.append(cloud)
    cloud.start()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"pk": {"S": "x"}, "sk": {"S": "y"}}\n')
    done = _cli("import", str(bad), env={"QAI_MEMORY_DYNAMODB_ENDPOINT": cloud.endpoint})
    assert done.returncode == 2
    assert "not a qai-graph export" in done.stderr
