"""A paged Scan of the emulator returns every item once, in key order, from wherever the
last page stopped (the recall index reads the whole table this way at every start)."""

from __future__ import annotations

from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from qai_graph.emulator import patches
from qai_graph.emulator.guard import StoreGuard
from qai_graph.emulator.wire import WireCaller
from tests.support.moto_tables import pk_sk_table

REGION = "eu-north-1"  # moto's backends are per process: a region no other test uses
TABLE = "qai-scan-test"


def _scan_all(wire: WireCaller, **extra: Any) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    start: dict[str, Any] | None = None
    while True:
        request: dict[str, Any] = {"TableName": TABLE, "Limit": 70, **extra}
        if start:
            request["ExclusiveStartKey"] = start
        page = wire.call(REGION, "Scan", request)
        seen += [(i["pk"]["S"], i["sk"]["S"]) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return seen


def test_paged_scans_return_every_item_once_in_order_and_see_writes_between_pages() -> None:
    patches.apply()
    # Through the guard, as served: it tells the patches when the data changed.
    wire = WireCaller(StoreGuard(DomainDispatcherApplication(create_backend_app)))
    wire.call(
        REGION,
        "CreateTable",
        pk_sk_table(TABLE),
    )
    written = [(f"P#{p:03d}", f"ITEM#{s:02d}") for p in range(60) for s in range(12)]
    for start in range(0, len(written), 25):
        puts = [
            {"PutRequest": {"Item": {"pk": {"S": pk}, "sk": {"S": sk}, "n": {"N": str(i)}}}}
            for i, (pk, sk) in enumerate(written[start : start + 25], start)
        ]
        wire.call(REGION, "BatchWriteItem", {"RequestItems": {TABLE: puts}})

    assert _scan_all(wire) == sorted(written)
    odd = _scan_all(
        wire,
        FilterExpression="#n >= :low",
        ExpressionAttributeNames={"#n": "n"},
        ExpressionAttributeValues={":low": {"N": "360"}},
    )
    assert odd == sorted(written[360:])
    projected = wire.call(
        REGION,
        "Scan",
        {
            "TableName": TABLE,
            "Limit": 3,
            "ProjectionExpression": "pk, sk, #n",
            "ExpressionAttributeNames": {"#n": "n"},
        },
    )
    assert [sorted(i) for i in projected["Items"]] == [["n", "pk", "sk"]] * 3
    assert projected["Items"][0]["n"] == {"N": "0"}

    # Writes between two pages: the next page starts after the last key all the same, so
    # it sees a new item after that key and not one before it (as DynamoDB does).
    first = wire.call(REGION, "Scan", {"TableName": TABLE, "Limit": 70})
    for pk, sk in (("P#000", "ITEM#00a"), ("P#059", "ITEM#99")):
        wire.call(
            REGION, "PutItem", {"TableName": TABLE, "Item": {"pk": {"S": pk}, "sk": {"S": sk}}}
        )
    rest = wire.call(
        REGION,
        "Scan",
        {"TableName": TABLE, "Limit": 1000, "ExclusiveStartKey": first["LastEvaluatedKey"]},
    )
    keys = [(i["pk"]["S"], i["sk"]["S"]) for i in first["Items"] + rest["Items"]]
    assert keys == sorted([*written, ("P#059", "ITEM#99")])
