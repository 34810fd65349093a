"""The emulator's narrowed Query (patches 9 and 11) answers exactly as moto's own Query.

Random writes (puts, updates that move items between index partitions or out of a sparse
index, deletes, batches, transactions) interleaved with random Queries of the table and
of two indexes: every key condition, Limit, direction, start key (paging to the end),
projection and filter. Each Query is answered twice, with the sorted key ranges and fast
projections on and off, and the pages must be identical.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from moto.dynamodb.models.dynamo_type import Item
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from qai_graph.emulator import key_ranges, patches
from qai_graph.emulator.moto_fixes import items
from qai_graph.emulator.wire import WireCaller

REGION = "sa-east-1"  # moto's backends are per process: a region no other test uses
TABLE = "qai-key-ranges"
PKS = ["p0", "p1", "p2"]
SKS = [f"{prefix}#{n:02d}" for prefix in ("A", "AB", "B") for n in range(12)]
GROUPS = ["g0", "g1"]


def _create(wire: WireCaller) -> None:
    def key(h: str, r: str) -> list[dict[str, str]]:
        return [{"AttributeName": h, "KeyType": "HASH"}, {"AttributeName": r, "KeyType": "RANGE"}]

    wire.call(
        REGION,
        "CreateTable",
        {
            "TableName": TABLE,
            "KeySchema": key("pk", "sk"),
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": kind}
                for name, kind in (("pk", "S"), ("sk", "S"), ("g", "S"), ("r", "N"), ("ts", "S"))
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-r",
                    "KeySchema": key("g", "r"),
                    "Projection": {"ProjectionType": "ALL"},
                },
                {
                    "IndexName": "by-ts",
                    "KeySchema": key("g", "ts"),
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]},
                },
            ],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )  # fmt: skip


def _item(rng: random.Random) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": rng.choice(PKS)},
        "sk": {"S": rng.choice(SKS)},
        "v": {"N": str(rng.randrange(100))},
        "blob": {"S": "x" * rng.randrange(50)},
        "nested": {"M": {"l": {"L": [{"S": "a"}, {"N": "1"}]}}},
    }
    if rng.random() < 0.8:  # sparse indexes: some items are in neither
        item["g"] = {"S": rng.choice(GROUPS)}
        if rng.random() < 0.8:
            item["r"] = {"N": str(rng.choice([1, 2, 2, 3, 5, 8, 13, 21]))}  # ties on purpose
        if rng.random() < 0.8:
            item["ts"] = {"S": f"2026-12-0{rng.randrange(1, 4)}"}
    return item


def _write(wire: WireCaller, rng: random.Random) -> None:
    roll = rng.random()
    key = {"pk": {"S": rng.choice(PKS)}, "sk": {"S": rng.choice(SKS)}}
    if roll < 0.45:
        wire.call(REGION, "PutItem", {"TableName": TABLE, "Item": _item(rng)})
    elif roll < 0.7:
        update = rng.choice(
            [
                ("SET r = :n", {":n": {"N": str(rng.randrange(30))}}),
                ("SET g = :g", {":g": {"S": rng.choice(GROUPS)}}),
                ("REMOVE g", {}),
                ("SET ts = :t, v = :n", {":t": {"S": "2026-12-02"}, ":n": {"N": "7"}}),
            ]
        )
        params: dict[str, Any] = {"TableName": TABLE, "Key": key, "UpdateExpression": update[0]}
        if update[1]:
            params["ExpressionAttributeValues"] = update[1]
        wire.call(REGION, "UpdateItem", params)
    elif roll < 0.85:
        wire.call(REGION, "DeleteItem", {"TableName": TABLE, "Key": key})
    elif roll < 0.93:
        items = {(i["pk"]["S"], i["sk"]["S"]): i for i in (_item(rng) for _ in range(5))}
        requests = [{"PutRequest": {"Item": i}} for i in items.values()]
        wire.call(REGION, "BatchWriteItem", {"RequestItems": {TABLE: requests}})
    else:
        other = {"pk": {"S": rng.choice(PKS)}, "sk": {"S": "B#99"}}
        wire.call(
            REGION,
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"TableName": TABLE, "Item": {**_item(rng), **other}}},
                    {"Delete": {"TableName": TABLE, "Key": key}},
                ]
            },
        )


def _query(rng: random.Random) -> dict[str, Any]:
    index = rng.choice([None, "by-r", "by-ts"])
    names = {"#h": "pk" if index is None else "g"}
    values: dict[str, Any] = {":h": {"S": rng.choice(PKS if index is None else GROUPS)}}
    condition = "#h = :h"
    range_name = {None: "sk", "by-r": "r", "by-ts": "ts"}[index]
    if range_name == "r":
        pool = [{"N": str(n)} for n in (0, 2, 3, 8, 20, 40)]
    elif range_name == "ts":
        pool = [{"S": f"2026-12-0{n}"} for n in range(5)] + [{"S": "2026"}]
    else:
        pool = [{"S": s} for s in ("A", "AB", "A#05", "AB#03", "B#", "B#11", "C")]
    form = rng.choice(["", "=", "<", "<=", ">", ">=", "between", "begins"])
    if form:
        names["#r"] = range_name
        low, high = sorted(rng.sample(pool, 2), key=lambda v: next(iter(v.values())))
        values[":a"] = low
        if form == "between":
            values[":b"] = high
            condition += " AND #r BETWEEN :a AND :b"
        elif form == "begins":
            if range_name == "r":  # begins_with takes strings (and binaries) only
                values[":a"] = {"N": "2"}
                condition += " AND #r = :a"
            else:
                condition += " AND begins_with(#r, :a)"
        else:
            condition += f" AND #r {form} :a"
    params: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": condition,
        "ScanIndexForward": rng.random() < 0.5,
    }
    if index is not None:
        params["IndexName"] = index
    if rng.random() < 0.6:
        params["Limit"] = rng.randrange(1, 8)
    if rng.random() < 0.3:
        names["#v"] = "v"
        values[":v"] = {"N": "50"}
        params["FilterExpression"] = "#v < :v"
    if rng.random() < 0.4:
        names.update({"#k": "pk", "#s": "sk", "#n": "nested"})
        params["ProjectionExpression"] = rng.choice(["#k, #s, #n", "#s, #n.l[0]", "#k"])
    params["ExpressionAttributeNames"] = {
        k: v for k, v in names.items() if k in condition + str(params)
    }
    params["ExpressionAttributeValues"] = values
    return params


def _pages(wire: WireCaller, params: dict[str, Any]) -> list[Any]:
    pages = []
    start = None
    for _ in range(100):
        page = dict(params)
        if start:
            page["ExclusiveStartKey"] = start
        status, text = wire.raw(REGION, "Query", json.dumps(page))
        pages.append((status, text))
        if status != 200:
            break
        start = json.loads(text).get("LastEvaluatedKey")
        if not start:
            break
    return pages


@contextlib.contextmanager
def _moto_alone() -> Iterator[None]:
    key_ranges.ENABLED = False
    Item.project = items._item_project  # type: ignore[method-assign]
    try:
        yield
    finally:
        key_ranges.ENABLED = True
        Item.project = items.item_project  # type: ignore[assignment]


@pytest.mark.slow
def test_narrowed_queries_answer_as_moto_does(monkeypatch: Any) -> None:
    patches.apply()
    narrowings = []
    candidates = key_ranges.candidates

    def counted(*args: Any) -> Any:
        found = candidates(*args)
        narrowings.append(found is not None)
        return found

    monkeypatch.setattr(key_ranges, "candidates", counted)
    wire = WireCaller(DomainDispatcherApplication(create_backend_app))
    _create(wire)
    rng = random.Random(20261201)
    compared = differing = nonempty = 0
    for _ in range(40):
        for _ in range(15):
            _write(wire, rng)
        for _ in range(12):
            params = _query(rng)
            narrowed = _pages(wire, params)
            with _moto_alone():
                reference = _pages(wire, params)
            compared += 1
            nonempty += '"Count":0' not in narrowed[0][1] and narrowed[0][0] == 200
            if narrowed != reference:
                differing += 1
                raise AssertionError(f"{params}\nnarrowed: {narrowed}\nmoto: {reference}")
    assert compared == 480 and differing == 0
    assert nonempty > 200  # the random queries found items: the comparison means something
    assert sum(narrowings) > 0.9 * len(narrowings) / 2  # half the calls are moto's alone
