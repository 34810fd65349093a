"""The journal: on disk before the answer, replayed once, a torn tail dropped, compaction."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest

from qai_graph.emulator import journal
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.emulator.journal import Journal, JournalError

TABLE = "qai-journal-test"


@pytest.fixture
def stores() -> Iterator[list[EmbeddedDynamo]]:
    started: list[EmbeddedDynamo] = []
    yield started
    for store in reversed(started):
        store.stop()


def _start(stores: list[EmbeddedDynamo], data_dir: Path, **kwargs: Any) -> Any:
    store = EmbeddedDynamo(data_dir, **kwargs)
    stores.append(store)
    store.start()
    return boto3.client(
        "dynamodb",
        endpoint_url=store.endpoint,
        region_name="eu-west-1",  # replay must keep each write's region
        aws_access_key_id="x",
        aws_secret_access_key="x",
    ), store


def _create(client: Any) -> None:
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _add(client: Any, n: int) -> None:
    for i in range(n):
        client.update_item(
            TableName=TABLE,
            Key={"pk": {"S": "counter"}},
            UpdateExpression="ADD n :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
        client.put_item(TableName=TABLE, Item={"pk": {"S": f"item-{i}"}, "b": {"B": b"\x00"}})


def _counter(client: Any) -> int:
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "counter"}}).get("Item")
    return int(item["n"]["N"]) if item else 0


def _crash(store: EmbeddedDynamo) -> None:
    assert store.pid is not None
    os.kill(store.pid, signal.SIGKILL)  # a crash, an OOM kill or a power cut
    store.stop()


def test_acknowledged_writes_survive_a_kill_minus_9(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    # No compaction can run (60 s): only the journal can carry the writes over.
    client, store = _start(stores, tmp_path, snapshot_interval_s=60)
    _create(client)
    _add(client, 40)
    client.delete_item(TableName=TABLE, Key={"pk": {"S": "item-0"}})
    _crash(store)
    assert not (tmp_path / "dynamodb-snapshot.json").exists()

    client, _ = _start(stores, tmp_path, snapshot_interval_s=60)
    assert _counter(client) == 40
    assert client.scan(TableName=TABLE, Select="COUNT")["Count"] == 40  # 39 items + counter
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "item-5"}})["Item"]
    assert item["b"] == {"B": b"\x00"}
    assert "replayed 82 journal records" in (tmp_path / "emulator.log").read_text()


def test_a_failed_conditional_write_is_not_journaled(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    client, store = _start(stores, tmp_path, snapshot_interval_s=60)
    _create(client)
    with pytest.raises(client.exceptions.ConditionalCheckFailedException):
        client.put_item(
            TableName=TABLE,
            Item={"pk": {"S": "x"}},
            ConditionExpression="attribute_exists(pk)",
        )
    records = list(journal.read(tmp_path, 0))
    assert [r["o"] for r in records] == ["CreateTable"]
    _crash(store)


def test_a_torn_last_record_is_dropped_with_a_warning(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    client, store = _start(stores, tmp_path, snapshot_interval_s=60)
    _create(client)
    _add(client, 5)
    _crash(store)
    [(_, segment)] = journal.segments(tmp_path)
    size = segment.stat().st_size
    with segment.open("ab") as file:  # a crash in the middle of an append
        file.write(journal.encode({"s": 12, "r": "eu-west-1", "o": "PutItem", "b": "{}"})[:9])

    client, _ = _start(stores, tmp_path, snapshot_interval_s=60)
    assert _counter(client) == 5
    log = (tmp_path / "emulator.log").read_text()
    assert "dropped a torn last record of 9 bytes" in log
    assert segment.stat().st_size == size  # truncated, so later appends stay readable


def test_damage_before_the_last_record_stops_the_start(tmp_path: Path) -> None:
    writer = Journal(tmp_path, 0)
    for n in range(3):
        writer.append("us-east-1", "PutItem", json.dumps({"n": n}))
    writer.close()
    [(_, segment)] = journal.segments(tmp_path)
    data = bytearray(segment.read_bytes())
    data[12] ^= 0xFF  # inside the first record's payload
    segment.write_bytes(bytes(data))
    with pytest.raises(JournalError, match=f"corrupt journal record in {segment} at byte 0"):
        list(journal.read(tmp_path, 0))


def test_one_fsync_covers_every_record_appended_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Journal(tmp_path, 0)
    syncs: list[int] = []
    real = os.fdatasync

    def slow_sync(fd: int) -> None:
        syncs.append(fd)
        time.sleep(0.02)  # a disk's flush: others append meanwhile
        real(fd)

    monkeypatch.setattr(os, "fdatasync", slow_sync)
    lock = threading.Lock()
    appended = threading.Barrier(40)

    def write(n: int) -> None:
        with lock:  # the store lock: appends are serialised, syncs are not
            seq = writer.append("us-east-1", "PutItem", str(n))
        appended.wait()  # all 40 appended before anyone waits (a slow machine's threads)
        writer.wait_durable(seq)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert writer.seq == 40
    assert len(syncs) == 1  # the first waiter's fsync covered all 40 records
    writer.close()
    assert [r["s"] for r in journal.read(tmp_path, 0)] == list(range(1, 41))


def test_replay_never_applies_a_record_twice_whatever_the_crash_point(
    tmp_path: Path, stores: list[EmbeddedDynamo]
) -> None:
    client, store = _start(stores, tmp_path, snapshot_interval_s=60)
    _create(client)
    _add(client, 10)
    _crash(store)
    saved = tmp_path.parent / "saved-segments"
    saved.mkdir()
    for _, segment in journal.segments(tmp_path):
        shutil.copy(segment, saved / segment.name)

    # A start compacts soon (0.2 s): snapshot at record 21, the old segment deleted.
    client, store = _start(stores, tmp_path, snapshot_interval_s=0.2)
    _add(client, 1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (tmp_path / "dynamodb-snapshot.json").exists():
        time.sleep(0.05)
    while time.monotonic() < deadline and any(
        (tmp_path / s.name).exists() for s in saved.iterdir()
    ):
        time.sleep(0.05)
    _crash(store)
    # The crash between the snapshot's rename and the segments' deletion: they are back.
    for segment in saved.iterdir():
        shutil.copy(segment, tmp_path / segment.name)

    client, _ = _start(stores, tmp_path, snapshot_interval_s=60)
    assert _counter(client) == 11
