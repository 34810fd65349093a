"""Scan: a page starts where the last one stopped, and reads items as they are kept (8).

Moto sorts the whole table for every page and then walks it from the top, comparing each
item with the ExclusiveStartKey (O(n) a page, O(n^2) a full Scan), then builds, sizes
and deep-copies every item it returns; the recall index's build at start timed out at
200,000 items. The sorted order is now kept once per generation of the data
(:mod:`.generation`), a page bisects to its start, and an item restored from a snapshot
is sized and projected (top-level names) from its wire JSON. A FilterExpression still
builds the items it tests.
"""

from __future__ import annotations

import bisect
import inspect
import itertools
import json
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, Table

from qai_graph.emulator.moto_fixes.generation import GENERATION, SORTED_TABLES

_table_scan = Table.scan


def _sorted_items(table: Any) -> tuple[list[Any], list[Any]]:
    """The table's items in key order, and their keys; once per generation of the data."""
    cached = SORTED_TABLES.get(id(table))
    if cached is None or cached[0] != GENERATION[0]:
        items = [
            item
            for hash_set in table.items.values()
            for item in (hash_set.values() if table.range_key_attr else [hash_set])
        ]
        items.sort(key=_order_of)
        cached = (GENERATION[0], items, [_order_of(i) for i in items])
        SORTED_TABLES.clear()  # one table is scanned at a time: keep one
        SORTED_TABLES[id(table)] = cached
    return cached[1], cached[2]


def _order_of(item: Any) -> Any:
    # moto's own order (Table.all_items)
    return (item.hash_key, item.range_key) if item.range_key else item.hash_key


_SCAN_PARAMETERS = inspect.signature(_table_scan)


class _WireView:
    """A scanned item answered from its wire JSON: never turned into moto objects."""

    __slots__ = ("attrs", "hash_key", "range_key")

    def __init__(self, item: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = item.hash_key
        self.range_key = item.range_key
        self.attrs = attrs


def scan(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Table.scan of the table from its ExclusiveStartKey on (bisected), answered from
    the items' wire JSON where it can (see 8); anything else is moto's own scan."""
    asked = _SCAN_PARAMETERS.bind(self, *args, **kwargs).arguments
    if (
        asked.get("index_name") is not None
        or asked.get("filters")
        or tuple(asked.get("segments") or (None, None)) != (None, None)
    ):
        return _table_scan(self, *args, **kwargs)
    items, order = _sorted_items(self)
    first = 0
    start_key = asked.get("exclusive_start_key")
    if start_key:
        hash_key = DynamoType(start_key[self.hash_key_attr])
        range_raw = start_key.get(self.range_key_attr) if self.range_key_attr else None
        start = (hash_key, DynamoType(range_raw)) if range_raw else hash_key
        first = bisect.bisect_right(order, start)
    limit = asked.get("limit")
    page: list[Any] = []
    size = 0
    last_key = None
    for item in itertools.islice(items, first, None):
        item_size = _size_of(item)
        # As moto: Limit counts the items read (before the filter), and a page stops
        # before 1 MB.
        if (limit is not None and len(page) == limit) or size + item_size > RESULT_SIZE_LIMIT:
            last_key = self._get_last_evaluated_key(page[-1], None)
            break
        page.append(item)
        size += item_size
    scanned = len(page)
    condition = asked.get("filter_expression")
    if condition is not None:
        page = [item for item in page if condition.expr(item)]  # builds what it reads
    paths = asked.get("projection_expression")
    if paths:
        page = [_projected(item, paths) for item in page]
    return page, scanned, last_key


def _size_of(item: Any) -> int:
    raw = item.__dict__.get("_wire")
    if raw is None:
        return int(item.size())
    # Near DynamoDB's own measure (names and values), without building the item.
    return len(json.dumps(raw, default=lambda b: "x" * (len(b) * 4 // 3)))


def _projected(item: Any, paths: list[list[str]]) -> Any:
    if any(len(path) != 1 for path in paths):
        return item.project(paths)  # nested paths: moto's way
    names = [path[0] for path in paths]
    raw = item.__dict__.get("_wire")
    source = raw if raw is not None else item.attrs
    return _WireView(item, {name: source[name] for name in names if name in source})
