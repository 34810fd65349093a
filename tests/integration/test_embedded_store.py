"""The embedded store: persistence across restarts, snapshots, sharing and clean stops."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest

from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.emulator.guard import StoreGuard
from qai_graph.emulator.snapshot import SNAPSHOT_NAME

TABLE = "qai-embedded-test"
ITEM: dict[str, Any] = {
    "pk": {"S": "PLAYER#ada"},
    "sk": {"S": "PROFILE"},
    "entity_type": {"S": "PLAYER"},
    "count": {"N": "42"},
    "confidence": {"N": "0.85"},
    "ttl": {"N": "4102444800"},
    "blob": {"B": b"\x00\xffqai"},
    "blobs": {"BS": [b"\x01", b"\x02"]},
    "tags": {"SS": ["a", "b"]},
    "facts": {
        "M": {
            "nested": {"L": [{"N": "1.5"}, {"S": "x"}, {"NULL": True}, {"BOOL": False}]},
            "raw": {"B": b"\x10\x20"},
        }
    },
}


def _client(endpoint: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")


def _create_table(client: Any) -> None:
    client.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "entity_type", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "entity-type-index",
                "KeySchema": [
                    {"AttributeName": "entity_type", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    client.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )


def _get(client: Any, pk: str, sk: str) -> dict[str, Any] | None:
    answer = client.get_item(TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}})
    item: dict[str, Any] | None = answer.get("Item")
    return item


@pytest.fixture
def stores() -> Iterator[list[EmbeddedDynamo]]:
    """Stores a test starts; stopped at teardown even when the test fails."""
    started: list[EmbeddedDynamo] = []
    yield started
    for store in reversed(started):
        store.stop()


def _start(stores: list[EmbeddedDynamo], data_dir: Path | None, **kwargs: Any) -> EmbeddedDynamo:
    store = EmbeddedDynamo(data_dir, **kwargs)
    stores.append(store)
    store.start()
    return store


def test_data_and_schema_survive_a_restart(tmp_path: Path, stores: list[EmbeddedDynamo]) -> None:
    # A long interval: only the snapshot written by stop() can carry the data over.
    first = _start(stores, tmp_path, snapshot_interval_s=60)
    client = _client(first.endpoint)
    _create_table(client)
    client.put_item(TableName=TABLE, Item=ITEM)
    client.put_item(
        TableName=TABLE,
        Item={"pk": {"S": "PLAYER#bob"}, "sk": {"S": "INTERACTION#01"}, "n": {"N": "-3"}},
    )
    first.stop()

    second = _start(stores, tmp_path, snapshot_interval_s=60)
    assert second.endpoint != "" and second.owner
    client = _client(second.endpoint)
    assert _get(client, "PLAYER#ada", "PROFILE") == ITEM
    assert _get(client, "PLAYER#bob", "INTERACTION#01") == {
        "pk": {"S": "PLAYER#bob"},
        "sk": {"S": "INTERACTION#01"},
        "n": {"N": "-3"},
    }
    table = client.describe_table(TableName=TABLE)["Table"]
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    [index] = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "entity-type-index"
    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    ttl = client.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
    # The index answers for restored items, so they were loaded through the index too.
    found = client.query(
        TableName=TABLE,
        IndexName="entity-type-index",
        KeyConditionExpression="entity_type = :t",
        ExpressionAttributeValues={":t": {"S": "PLAYER"}},
    )["Items"]
    assert found == [{"pk": ITEM["pk"], "sk": ITEM["sk"], "entity_type": ITEM["entity_type"]}]


def test_a_snapshot_follows_changes_without_a_stop(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    store = _start(stores, tmp_path, snapshot_interval_s=0.2)
    client = _client(store.endpoint)
    _create_table(client)
    client.put_item(TableName=TABLE, Item={"pk": {"S": "P#1"}, "sk": {"S": "S"}, "v": {"N": "7"}})

    snapshot = tmp_path / SNAPSHOT_NAME
    deadline = time.monotonic() + 3
    items: list[Any] = []
    while time.monotonic() < deadline and not items:
        if snapshot.exists():
            tables = json.loads(snapshot.read_text())["tables"]
            items = [item for table in tables for item in table["items"]]
        time.sleep(0.05)
    assert items == [{"pk": {"S": "P#1"}, "sk": {"S": "S"}, "v": {"N": "7"}}]
    assert store.pid is not None and _alive(store.pid)  # written while still running


def test_a_second_owner_of_a_directory_reuses_the_running_emulator(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    first = _start(stores, tmp_path)
    second = _start(stores, tmp_path)

    assert second.endpoint == first.endpoint
    assert not second.owner and second.pid is None
    _create_table(_client(second.endpoint))
    second.stop()  # a non-owner's stop leaves the owner's emulator running
    assert TABLE in _client(first.endpoint).list_tables()["TableNames"]


def test_stop_is_idempotent_and_ends_the_child(stores: list[EmbeddedDynamo]) -> None:
    store = _start(stores, None)
    pid = store.pid
    assert pid is not None and _alive(pid)

    store.stop()
    store.stop()

    assert not _alive(pid)
    with pytest.raises(RuntimeError, match="not started"):
        _ = store.endpoint


def test_a_corrupt_snapshot_refuses_to_start_and_is_kept(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    snapshot = tmp_path / SNAPSHOT_NAME
    snapshot.write_text('{"format": "qai-graph/dynamodb-snapshot", "version": 1, "tab')

    with pytest.raises(RuntimeError, match=f"cannot read snapshot {snapshot}"):
        _start(stores, tmp_path)

    assert snapshot.read_text().endswith('"tab')  # left for the operator to repair
    assert not (tmp_path / "emulator.json").exists()


def test_the_child_stops_when_its_parent_dies(tmp_path: Path, stores: list[EmbeddedDynamo]) -> None:
    script = (
        "import os, sys, boto3\n"
        "from pathlib import Path\n"
        "from qai_graph.emulator.embedded import EmbeddedDynamo\n"
        "store = EmbeddedDynamo(Path(sys.argv[1]), snapshot_interval_s=60)\n"
        "store.start()\n"
        "boto3.client('dynamodb', endpoint_url=store.endpoint).create_table(\n"
        "    TableName='orphan', KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}],\n"
        "    AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}],\n"
        "    BillingMode='PAY_PER_REQUEST')\n"
        "print(store.pid, flush=True)\n"
        "os._exit(0)\n"  # no stop(): the parent vanishes
    )
    parent = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=30
    )
    child = int(parent.stdout)
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
    # It wrote its last snapshot and released the directory for the next owner.
    store = _start(stores, tmp_path)
    assert store.owner
    assert _client(store.endpoint).list_tables()["TableNames"] == ["orphan"]


def test_the_guard_runs_requests_one_at_a_time_and_notes_writes() -> None:
    # Moto updates items without locks: concurrent UpdateItems over HTTP lose increments
    # now and then (measured: 88 of 2,000), too rarely for a fast test to catch, so the
    # guard that prevents it is tested directly.
    running = 0
    most = 0
    counter = threading.Lock()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        nonlocal running, most
        with counter:
            running += 1
            most = max(most, running)
        time.sleep(0.005)
        with counter:
            running -= 1
        start_response("200 OK", [])
        return [environ["wsgi.input"].read()]

    guard = StoreGuard(app)

    def call(target: str) -> bytes:
        body = target.encode()
        environ = {
            "HTTP_X_AMZ_TARGET": target,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        return b"".join(guard(environ, lambda *_: None))

    reads = ["DynamoDB_20120810.GetItem", "DynamoDB_20120810.Query", "DynamoDBStreams.GetRecords"]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(call, reads * 10)) == [r.encode() for r in reads * 10]
    assert most == 1
    assert not guard.dirty
    call("DynamoDB_20120810.TransactWriteItems")
    assert guard.dirty


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for our purposes once it has exited.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
