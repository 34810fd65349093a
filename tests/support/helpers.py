"""Test helpers shared by the tiers: request counting and raw table access."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qai_graph.memory.service import MemoryService

WRITE_OPERATIONS = {
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "CreateTable",
    "UpdateTable",
    "DeleteTable",
    "UpdateTimeToLive",
}


@contextmanager
def count_requests(service: MemoryService) -> Iterator[Counter[str]]:
    """Count DynamoDB requests by operation name, as the client sends them."""
    counts: Counter[str] = Counter()

    def on_call(model: Any, **_: Any) -> None:
        counts[model.name] += 1

    events = service.store.client.meta.events
    events.register("before-call.dynamodb", on_call)
    try:
        yield counts
    finally:
        events.unregister("before-call.dynamodb", on_call)


def writes(counts: Counter[str]) -> int:
    """How many of the counted requests were writes."""
    return sum(n for op, n in counts.items() if op in WRITE_OPERATIONS)


async def scan_all(service: MemoryService) -> list[dict[str, Any]]:
    """Every raw item of the service's table, in wire form (for invariants on storage)."""
    client = service.store.client
    items: list[dict[str, Any]] = []
    start: dict[str, Any] | None = None
    while True:
        params: dict[str, Any] = {"TableName": service.store.table_name, "ConsistentRead": True}
        if start:
            params["ExclusiveStartKey"] = start
        page = await client.scan(**params)
        items.extend(page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def readme_operations() -> list[str]:
    """Every GraphQL document in the graphql code blocks of the README and the docs/ pages
    (comment lines dropped)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    readme = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    return [
        "\n".join(line for line in doc.splitlines() if not line.startswith("#"))
        for block in re.findall(r"```graphql\n(.*?)```", readme, re.S)
        for doc in re.split(r"\n(?=query|mutation|subscription)", block.strip())
    ]


def readme_operation(name: str) -> str:
    """The documented operation called ``name`` (e.g. "Dashboard")."""
    for document in readme_operations():
        if document.split("(", 1)[0].split("{", 1)[0].split()[-1] == name:
            return document
    raise KeyError(name)
