"""A compaction writes the store as it was at its record, while writes go on beside it."""

from __future__ import annotations

import json
from pathlib import Path

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from qai_graph.emulator import copy_on_write, patches, snapshot
from qai_graph.emulator.wire import WireCaller
from tests.support.moto_tables import pk_sk_table

REGION = "ap-south-1"  # moto's backends are per process: a region no other test uses
TABLE = "qai-cow-test"


def _key(pk: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": pk}, "sk": {"S": "S"}}


def test_writes_during_a_compaction_do_not_reach_its_snapshot(tmp_path: Path) -> None:
    patches.apply()
    wire = WireCaller(DomainDispatcherApplication(create_backend_app))
    wire.call(
        REGION,
        "CreateTable",
        pk_sk_table(TABLE),
    )
    for pk in ("a", "b", "c"):
        item = {**_key(pk), "n": {"N": "1"}, "m": {"M": {"l": {"L": [{"S": "x"}]}}}}
        wire.call(REGION, "PutItem", {"TableName": TABLE, "Item": item})

    frozen = snapshot.freeze(seq=7)  # what a compaction does under the store lock
    copy_on_write.CopyOnWrite.begin(frozen.shared)
    # Writes served while the snapshot is being written.
    wire.call(
        REGION,
        "UpdateItem",
        {
            "TableName": TABLE,
            "Key": _key("a"),
            "UpdateExpression": "ADD n :one SET m.l[0] = :y",
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":y": {"S": "y"}},
        },
    )
    wire.call(REGION, "PutItem", {"TableName": TABLE, "Item": {**_key("b"), "n": {"N": "5"}}})
    wire.call(REGION, "DeleteItem", {"TableName": TABLE, "Key": _key("c")})
    wire.call(REGION, "PutItem", {"TableName": TABLE, "Item": {**_key("d"), "n": {"N": "9"}}})
    same_partition = {"pk": {"S": "a"}, "sk": {"S": "T"}, "n": {"N": "3"}}
    wire.call(REGION, "PutItem", {"TableName": TABLE, "Item": same_partition})
    path = tmp_path / "snapshot.json"
    try:
        written = snapshot.write(path, frozen)
    finally:
        copy_on_write.CopyOnWrite.end()

    seq, tables = snapshot.read(path)
    [table] = [t for t in tables if t["create"]["TableName"] == TABLE]
    # Other tests' tables share this process's moto backends: count only theirs aside.
    others = sum(len(t["items"]) for t in tables if t["create"]["TableName"] != TABLE)
    assert written == 3 + others
    assert seq == 7
    by_pk = {item["pk"]["S"]: item for item in table["items"]}
    assert sorted(by_pk) == ["a", "b", "c"]
    assert by_pk["a"]["n"] == {"N": "1"} and by_pk["b"]["n"] == {"N": "1"}
    assert by_pk["a"]["m"] == {"M": {"l": {"L": [{"S": "x"}]}}}
    json.dumps(table)  # plain JSON throughout
    # The live store has every write.
    live = wire.call(REGION, "GetItem", {"TableName": TABLE, "Key": _key("a")})["Item"]
    assert live["n"] == {"N": "2"} and live["m"] == {"M": {"l": {"L": [{"S": "y"}]}}}
    assert "Item" not in wire.call(REGION, "GetItem", {"TableName": TABLE, "Key": _key("c")})
