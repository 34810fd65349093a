"""A TransactWriteItems' client request token outlives a restart of the emulator.

The 10-minute window holds across a restart: the token comes back from the journal's
replay, or from the snapshot once a compaction has dropped the journal record.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import ClientError

from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.emulator.snapshot import SNAPSHOT_NAME

TABLE = "qai-tokens-restart"


@pytest.fixture
def stores() -> Iterator[list[EmbeddedDynamo]]:
    started: list[EmbeddedDynamo] = []
    yield started
    for store in reversed(started):
        store.stop()


def _start(stores: list[EmbeddedDynamo], data_dir: Path, interval: float) -> Any:
    store = EmbeddedDynamo(data_dir, snapshot_interval_s=interval)
    stores.append(store)
    store.start()
    return boto3.client(
        "dynamodb",
        endpoint_url=store.endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def _add(client: Any, token: str, by: int = 1) -> None:
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": {"pk": {"S": "c"}},
                    "UpdateExpression": "ADD n :by",
                    "ExpressionAttributeValues": {":by": {"N": str(by)}},
                }
            }
        ],
        ClientRequestToken=token,
    )


def _count(client: Any) -> int:
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "c"}}, ConsistentRead=True)
    return int(item["Item"]["n"]["N"])


def _first_run(stores: list[EmbeddedDynamo], data_dir: Path, interval: float) -> str:
    client = _start(stores, data_dir, interval)
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    token = uuid.uuid4().hex
    _add(client, token)
    _add(client, token)  # botocore's retry while the first run is up
    assert _count(client) == 1
    return token


def _after_restart(stores: list[EmbeddedDynamo], data_dir: Path, token: str) -> None:
    stores.pop().stop()
    client = _start(stores, data_dir, 60.0)
    _add(client, token)  # a retry that reaches the emulator after its restart
    assert _count(client) == 1
    with pytest.raises(ClientError) as caught:
        _add(client, token, by=2)
    assert caught.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    _add(client, uuid.uuid4().hex)
    assert _count(client) == 2


def test_a_token_replayed_from_the_journal_is_not_applied_again(
    stores: list[EmbeddedDynamo], tmp_path: Path
) -> None:
    token = _first_run(stores, tmp_path, interval=60.0)  # no compaction: journal only
    assert not (tmp_path / SNAPSHOT_NAME).exists()
    _after_restart(stores, tmp_path, token)


def test_a_token_kept_by_a_snapshot_is_not_applied_again(
    stores: list[EmbeddedDynamo], tmp_path: Path
) -> None:
    token = _first_run(stores, tmp_path, interval=0.2)
    path = tmp_path / SNAPSHOT_NAME

    def compacted() -> bool:
        # The snapshot has both transactions, and the journal segments it covers are
        # deleted (just after its rename): only the snapshot has the token now.
        if not path.exists() or json.loads(path.read_text())["seq"] < 3:
            return False
        segments = tmp_path.glob("dynamodb-journal-*.log")
        return all(b"ClientRequestToken" not in s.read_bytes() for s in segments)

    deadline = time.monotonic() + 30
    while not compacted():
        assert time.monotonic() < deadline, "no compaction within 30 s"
        time.sleep(0.1)
    assert [t[0] for t in json.loads(path.read_text())["tokens"]] == [token]
    _after_restart(stores, tmp_path, token)
