"""Export and import of the table as JSON Lines: from the embedded store to AWS and back.

The file's first line is a header naming the format, its version and the table's key
schema, attribute definitions and indexes (``FORMAT``, ``VERSION``); every other line
is one item in DynamoDB JSON (``{"pk": {"S": "PLAYER#ada"}, ...}``; binary values
base64, as on the wire). Only live items are exported: one whose ``ttl`` has passed is
already gone to every reader (DynamoDB deletes expired items only within days).

Import writes with BatchWriteItem, 25 items a request, and retries unprocessed items
with exponential backoff; every item is a full put, so importing a file twice changes
nothing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
from collections.abc import AsyncIterator, Callable, Iterable
from typing import IO, Any

from qai_graph.errors import InvalidInput, StoreUnavailable
from qai_graph.store.client import DynamoClient
from qai_graph.store.table import TTL_ATTRIBUTE

FORMAT = "qai-graph/dynamodb-export"
VERSION = 1
BATCH = 25  # BatchWriteItem's limit
MAX_ATTEMPTS = 10
Progress = Callable[[int], object]


async def describe(db: DynamoClient) -> dict[str, Any]:
    """The header for the table: format, version, key schema, attributes, indexes."""
    table = (await db.client.describe_table(TableName=db.table_name))["Table"]
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "table": table["TableName"],
        "KeySchema": table["KeySchema"],
        "AttributeDefinitions": table["AttributeDefinitions"],
        "item_count": table.get("ItemCount", 0),
    }
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = [
            {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
            for index in table.get(kind) or []
        ]
        if indexes:
            header[kind] = indexes
    return header


async def holds_items(db: DynamoClient) -> bool:
    """True when the table holds any item, live or expired (a Scan of one item)."""
    page = await db.client.scan(TableName=db.table_name, Limit=1, ConsistentRead=True)
    return bool(page.get("Items"))


async def live_items(db: DynamoClient, now: int) -> AsyncIterator[dict[str, Any]]:
    """Every item whose ttl has not passed, by consistent Scan pages."""
    start: dict[str, Any] | None = None
    while True:
        params: dict[str, Any] = {"TableName": db.table_name, "ConsistentRead": True}
        if start:
            params["ExclusiveStartKey"] = start
        page = await db.client.scan(**params)
        for item in page.get("Items", []):
            ttl = item.get(TTL_ATTRIBUTE, {}).get("N")
            if ttl is None or int(float(ttl)) > now:
                yield item
        start = page.get("LastEvaluatedKey")
        if not start:
            return


async def export(db: DynamoClient, out: IO[str], now: int, progress: Progress) -> int:
    """Write the header and every live item; returns the number of items."""
    header = await describe(db)
    out.write(json.dumps(header, separators=(",", ":")) + "\n")
    count = 0
    async for item in live_items(db, now):
        out.write(json.dumps(item, separators=(",", ":"), default=_encode_bytes) + "\n")
        count += 1
        progress(1)
    return count


def _encode_bytes(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot export a {type(value).__name__}")


def read_header(line: str) -> dict[str, Any]:
    """The export header; InvalidInput when the file is not an export this code reads."""
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InvalidInput(f"not a qai-graph export (expected a {FORMAT} header line)")
    if header.get("version") != VERSION:
        raise InvalidInput(f"unsupported export version {header.get('version')!r}")
    return header


async def check_schema(db: DynamoClient, header: dict[str, Any]) -> None:
    """The target table must have the exported key schema."""
    table = (await db.client.describe_table(TableName=db.table_name))["Table"]
    if table["KeySchema"] != header["KeySchema"]:
        raise InvalidInput(
            f"table {db.table_name} has key schema {table['KeySchema']}, "
            f"the export {header['KeySchema']}"
        )


def decode_item(item: dict[str, Any]) -> dict[str, Any]:
    """An exported item as botocore wants it (binary values as bytes)."""
    return {name: _decode_value(value) for name, value in item.items()}


def _decode_value(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in inner]}
    if kind == "M":
        return {"M": {k: _decode_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_decode_value(v) for v in inner]}
    return value


async def import_items(
    db: DynamoClient,
    lines: Iterable[str],
    progress: Progress,
    *,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> int:
    """Put every item of ``lines`` (after the header); returns the number written."""
    batch: list[dict[str, Any]] = []
    count = 0
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        try:
            item = decode_item(json.loads(line))
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput(f"line {number} is not a DynamoDB JSON item: {exc}") from exc
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == BATCH:
            count += await _write_batch(db, batch, progress, sleep)
            batch = []
    if batch:
        count += await _write_batch(db, batch, progress, sleep)
    return count


async def _write_batch(
    db: DynamoClient,
    batch: list[dict[str, Any]],
    progress: Progress,
    sleep: Callable[[float], Any],
) -> int:
    pending: list[dict[str, Any]] = batch
    for attempt in range(MAX_ATTEMPTS):
        answer = await db.client.batch_write_item(RequestItems={db.table_name: pending})
        unprocessed = answer.get("UnprocessedItems", {}).get(db.table_name, [])
        progress(len(pending) - len(unprocessed))
        if not unprocessed:
            return len(batch)
        pending = unprocessed
        # Throttled: back off exponentially, with jitter so parallel importers spread out.
        await sleep(min(5.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.0))
    raise StoreUnavailable(
        f"{len(pending)} items still unprocessed (throttled) after {MAX_ATTEMPTS} attempts"
    )
