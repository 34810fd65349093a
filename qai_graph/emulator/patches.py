"""Fixes applied to moto's DynamoDB backend inside the emulator's child process only.

1. TransactWriteItems checks every condition first and writes only if all pass. moto
   deep-copies each table a transaction touches (once per item) to roll back, which is
   O(table size) per transaction: seconds on a table of 50,000 items. Checking first
   makes rollback unnecessary for condition failures; a failure while writing (rare:
   a malformed expression) restores the touched items from their saved images.
2. Query looks only at the partition asked for. moto lists and sorts the whole table
   for every Query; a table Query now reads its one partition, and an index Query the
   index partition (9 narrows both to the key range; this is its fallback).
3. Item operations answer with plain ``json.dumps`` instead of moto's shape-driven
   serialiser, which took most of a small Query's time.
4. An Item checks its 400 KB limit once instead of once per attribute (quadratic: most
   of a PutItem's time, and of loading a snapshot).
5. While a compaction reads a frozen view of the tables, writes copy the partition
   (and UpdateItem the item) they change first (:class:`CopyOnWrite`).
6. TransactWriteItems honours ``ClientRequestToken`` (:mod:`.tokens`): within 10 minutes
   a repeat with the same parameters succeeds without applying again, one with other
   parameters gets IdempotentParameterMismatchException. moto ignores the token, so a
   botocore retry after a lost answer was applied twice (a counter counted twice).

8. A table Scan page starts where the last one stopped, and reads items as they are
   kept. Moto sorts the whole table for every page and then walks it from the top,
   comparing each item with the ExclusiveStartKey (O(n) a page, O(n^2) a full Scan),
   then builds, sizes and deep-copies every item it returns; the recall index's build at
   start timed out at 200,000 items. The sorted order is now kept once per generation of
   the data, a page bisects to its start, and an item restored from a snapshot is sized
   and projected (top-level names) from its wire JSON. A FilterExpression still builds
   the items it tests.
7. Moto's dispatch remembers what never changes: which backend serves a host (moto
   lists its package directory, ~60 ``stat`` calls, on every request to find out) and
   which actions a response class has (``inspect.getmembers`` per request).

9. Query is handed only the items its key range, start key and limit can reach, from
   partitions kept sorted by every write (:mod:`.key_ranges`): moto sized every item of
   the partition before testing the key condition, so a recall-feed poll of a short-term
   index partition cost 12-16 ms at 200 items, and every request queued behind it.
10. A table's stream keeps its newest 10,000 records. moto keeps every record (both
   images of every write) for the life of the process: an embedded store running for a
   month of streams grew without bound. DynamoDB keeps 24 hours.
11. A projection of top-level names shares the item's values instead of turning the whole
   item into plain JSON and back once per name, and a Query's results are not deep-copied
   before they are projected and serialised (nothing else runs meanwhile).
12. A condition expression is tokenised once per distinct text, not once per request.

Patches 1-5, 7, 9, 11 and 12 keep moto's answers the same and 6 makes them DynamoDB's;
the integration tests run against the patched emulator, and DynamoDB itself needs none
of this.
"""

from __future__ import annotations

import base64
import bisect
import collections
import copy
import functools
import inspect
import itertools
import json
from datetime import datetime
from typing import Any

import moto.core.responses as moto_responses
import moto.dynamodb.models.table as moto_table
from moto.core.responses import ActionResult
from moto.core.utils import method_names_from_class as _method_names_from_class
from moto.dynamodb.comparisons import ConditionExpressionParser, get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    ItemSizeTooLarge,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, StreamShard, Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from qai_graph.emulator import key_ranges
from qai_graph.emulator.tokens import TOKENS, digest

_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def _key_of(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        key: dict[str, Any] = op["Key"]
        return key
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """All-or-nothing TransactWriteItems without copying whole tables."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    plan: list[tuple[str, dict[str, Any], dict[str, Any], Any]] = []
    errors: list[tuple[Any, Any, Any]] = []
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        if op_type not in _OPERATIONS:
            raise MockValidationException("Unsupported transaction operation")
        key = _key_of(self, op_type, op)
        unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if unique in seen:
            raise MultipleTransactionsException()
        seen.add(unique)
        current = self.get_item(op["TableName"], key)
        condition = op.get("ConditionExpression")
        if condition is not None:
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not check.expr(current):
                old = None
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
                continue
        errors.append((None, None, None))
        plan.append((op_type, op, key, current.to_json()["Attributes"] if current else None))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)

    applied: list[tuple[str, dict[str, Any], Any]] = []
    try:
        for op_type, op, key, before in plan:
            table_name = op["TableName"]
            applied.append((table_name, key, before))
            if op_type == "Put":
                self.put_item(table_name, op["Item"])
            elif op_type == "Delete":
                self.delete_item(table_name, key)
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=op.get("ExpressionAttributeNames"),
                    expression_attribute_values=op.get("ExpressionAttributeValues"),
                )
    except Exception:
        for table_name, key, before in reversed(applied):
            if before is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before)
        raise


_table_query = Table.query


def _items_of(table: Any, hash_key: Any) -> list[Any]:
    found = table.items.get(hash_key)
    if found is None:
        return []
    return list(found.values()) if table.range_key_attr else [found]


_generation = [0]


def note_write() -> None:
    """Called after every request that may write: the cached scan order is stale."""
    _generation[0] += 1
    _sorted_tables.clear()


_table_scan = Table.scan
_sorted_tables: dict[int, tuple[int, list[Any], list[Any]]] = {}


def _sorted_items(table: Any) -> tuple[list[Any], list[Any]]:
    """The table's items in key order, and their keys; once per generation of the data."""
    cached = _sorted_tables.get(id(table))
    if cached is None or cached[0] != _generation[0]:
        items = [
            item
            for hash_set in table.items.values()
            for item in (hash_set.values() if table.range_key_attr else [hash_set])
        ]
        items.sort(key=_order_of)
        cached = (_generation[0], items, [_order_of(i) for i in items])
        _sorted_tables.clear()  # one table is scanned at a time: keep one
        _sorted_tables[id(table)] = cached
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


_QUERY_PARAMETERS = inspect.signature(_table_query)


def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    """Table.query over the items its key range can reach (see 9 and :mod:`.key_ranges`),
    else over the one partition asked for."""
    asked = _QUERY_PARAMETERS.bind(self, hash_key, *args, **kwargs).arguments
    index_name = asked.get("index_name")
    found = None
    if hash_key is not None and not asked.get("filter_kwargs"):
        found = key_ranges.candidates(self, hash_key, index_name, asked)
    if found is not None:
        # moto filters and sorts the candidates itself; fewer candidates, same answer.
        self.all_items = lambda: found
    elif index_name and hash_key is not None:
        self.all_items = lambda: _index_partition(self, index_name, hash_key)
    elif hash_key is not None:
        self.all_items = lambda: _items_of(self, hash_key)
    _in_query[0] = True
    try:
        return _table_query(self, hash_key, *args, **kwargs)
    finally:
        # Requests run one at a time (StoreGuard), so the override is never seen by another.
        _in_query[0] = False
        self.__dict__.pop("all_items", None)


def _index_partition(table: Any, index_name: str, hash_key: Any) -> list[Any]:
    """The items of one index partition (the fallback of 9: one walk of the table)."""
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    if index is None:
        return []  # moto answers the validation error
    attr = next(k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH")
    return [
        item
        for hash_set in table.items.values()
        for item in (hash_set.values() if table.range_key_attr else [hash_set])
        if (value := key_ranges.attribute_of(item, attr)) is not None and value == hash_key
    ]


_ITEM_OPERATIONS = {
    "GetItem",
    "BatchGetItem",
    "Query",
    "Scan",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
}
_execute_result = DynamoResult.execute_result


def _wire(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot write a {type(value).__name__}")


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def execute_result(self: Any, context: Any) -> Any:
    """An item operation's answer as plain JSON; anything else through moto's serialiser."""
    if context.operation_model.name not in _ITEM_OPERATIONS or not isinstance(self.result, dict):
        return _execute_result(self, context)
    body = json.dumps(_without_none(self.result), default=_wire, separators=(",", ":"))
    return 200, {"Content-Type": "application/x-amz-json-1.0"}, body


def apply() -> None:
    """Install the patches into this process's moto."""
    DomainDispatcherApplication.get_backend_for_host = backend_for_host  # type: ignore[method-assign]
    setattr(moto_responses, "method_names_from_class", method_names_from_class)  # noqa: B010
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    Table.scan = scan  # type: ignore[method-assign]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]
    Item.__init__ = item_init  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    Table.put_item = table_put_item  # type: ignore[method-assign]
    Table.delete_item = table_delete_item  # type: ignore[method-assign]
    DynamoHandler.transact_write_items = handler_transact_write_items  # type: ignore[method-assign]
    StreamShard.add = stream_add  # type: ignore[method-assign]
    Item.project = item_project  # type: ignore[assignment]
    ConditionExpressionParser._lex_condition_expression = lex_condition  # type: ignore[method-assign]
    Item.size = item_size  # type: ignore[method-assign]
    setattr(moto_table, "copy", _QueryResultCopy())  # noqa: B010 (a module attribute)
    _ = ConditionalCheckFailed  # imported to fail fast if moto renames its exceptions


# -- 7. dispatch answers remembered ------------------------------------------------------

_backend_for_host = DomainDispatcherApplication.get_backend_for_host
_BACKENDS: dict[str | None, Any] = {}
_MAX_HOSTS = 1000  # hosts come from clients' signatures (regions): bounded all the same


def backend_for_host(self: Any, host: str | None) -> Any:
    """Moto's backend for a host, looked up once per host."""
    try:
        return _BACKENDS[host]
    except KeyError:
        found = _backend_for_host(self, host)
        if len(_BACKENDS) < _MAX_HOSTS:
            _BACKENDS[host] = found
        return found


@functools.cache
def _action_names(clazz: type) -> frozenset[str]:
    return frozenset(_method_names_from_class(clazz))


def method_names_from_class(clazz: object) -> frozenset[str]:
    """The action methods of a response class (moto only tests membership)."""
    return _action_names(clazz if isinstance(clazz, type) else type(clazz))


# -- 6. client request tokens --------------------------------------------------------------

_handler_transact_write_items = DynamoHandler.transact_write_items


def handler_transact_write_items(self: Any) -> ActionResult:
    """TransactWriteItems applied once per ClientRequestToken (see :mod:`.tokens`)."""
    token = self.body.get("ClientRequestToken")
    if not token:
        return _handler_transact_write_items(self)
    params_digest = digest(self.body)
    if TOKENS.is_repeat(token, params_digest):
        # What moto answers a transaction (DynamoDB answers a repeat as the original).
        return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
    result = _handler_transact_write_items(self)
    TOKENS.remember(token, params_digest)  # only once applied: a cancelled one may retry
    return result


# -- 4. items built once, 5. copy-on-write during a compaction ---------------------------


def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """Item() with its 400 KB check done once, not once per attribute (O(n^2) in moto)."""
    self.hash_key = hash_key
    self.range_key = range_key
    values = {key: DynamoType(value) for key, value in attrs.items()}
    self.attrs = LimitedSizeDict()
    dict.update(self.attrs, values)  # bypasses the per-key __setitem__ check
    if sum(bytesize(key) + value.size() for key, value in values.items()) > 405000:
        raise ItemSizeTooLarge


class CopyOnWrite:
    """While a compaction reads a frozen view of the tables, writes must not touch it.

    The view holds the tables' partition dictionaries themselves (no per-item copy, so
    freezing 200,000 items takes about a millisecond). While ``epoch`` is set, a write
    to a frozen partition first gives the live table a copy of that partition, and
    UpdateItem (the one write that changes an Item in place) first swaps in a deep copy
    of the item: the frozen partitions and items stay as they were.
    """

    epoch: int | None = None
    frozen: frozenset[int] = frozenset()  # ids of the partition dicts being read
    _next = 0

    @classmethod
    def begin(cls, frozen: frozenset[int]) -> None:
        cls._next += 1
        cls.frozen = frozen
        cls.epoch = cls._next

    @classmethod
    def end(cls) -> None:
        cls.epoch = None
        cls.frozen = frozenset()


def _unshare(table: Any, hash_key: Any) -> Any:
    """The live partition of ``hash_key``, copied first if a compaction is reading it."""
    partition = table.items.get(hash_key)
    if partition is not None and id(partition) in CopyOnWrite.frozen:
        partition = dict(partition)
        table.items[hash_key] = partition
    return partition


_update_item = DynamoDBBackend.update_item
_table_put_item = Table.put_item
_table_delete_item = Table.delete_item


def update_item(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
    """UpdateItem that leaves an item a compaction is reading untouched."""
    _generation[0] += 1  # remembered sizes and scan orders are stale from here on
    table, hash_key, range_key = _table_and_key(self, table_name, key)
    if CopyOnWrite.epoch is not None and table is not None:
        _clone_live_item(table, key)
    if table is None:
        return _update_item(self, table_name, key, *args, **kwargs)  # moto's own error
    with key_ranges.changing(table, hash_key, range_key):
        return _update_item(self, table_name, key, *args, **kwargs)


def table_put_item(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
    """Table.put_item that leaves a partition a compaction is reading untouched."""
    _generation[0] += 1
    if (
        CopyOnWrite.epoch is not None
        and self.range_key_attr is not None
        and self.hash_key_attr in item_attrs
    ):
        _unshare(self, DynamoType(item_attrs[self.hash_key_attr]))
    try:
        hash_key = DynamoType(item_attrs[self.hash_key_attr])
        range_key = DynamoType(item_attrs[self.range_key_attr]) if self.range_key_attr else None
    except (KeyError, TypeError):
        return _table_put_item(self, item_attrs, *args, **kwargs)  # moto's own error
    with key_ranges.changing(self, hash_key, range_key):
        return _table_put_item(self, item_attrs, *args, **kwargs)


def table_delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
    """Table.delete_item that leaves a partition a compaction is reading untouched."""
    _generation[0] += 1
    if CopyOnWrite.epoch is not None and range_key:
        _unshare(self, hash_key)
    with key_ranges.changing(self, hash_key, range_key):
        return _table_delete_item(self, hash_key, range_key)


def _table_and_key(backend: Any, table_name: str, key: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(table, hash key, range key) of an UpdateItem; (None, None, None) if moto must
    answer it (no such table, a key of the wrong shape)."""
    try:
        table = backend.get_table(table_name)
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    except Exception:  # moto raises its own, more precise, error when it runs
        return None, None, None
    return table, hash_key, range_key


def _clone_live_item(table: Any, key: dict[str, Any]) -> None:
    if table.hash_key_attr not in key:
        return  # moto answers the validation error itself
    hash_key = DynamoType(key[table.hash_key_attr])
    if table.range_key_attr is None:
        holder, slot = table.items, hash_key
    else:
        if table.range_key_attr not in key or hash_key not in table.items:
            return
        holder, slot = _unshare(table, hash_key), DynamoType(key[table.range_key_attr])
    item = holder.get(slot)
    if item is None or getattr(item, "_cow_epoch", None) == CopyOnWrite.epoch:
        return
    clone = copy.deepcopy(item)
    clone._cow_epoch = CopyOnWrite.epoch
    holder[slot] = clone


# -- 10. a stream keeps its newest records, not every one ----------------------------------

STREAM_RECORDS = 10_000
_stream_add = StreamShard.add


def stream_add(self: Any, old: Any, new: Any) -> None:
    """StreamShard.add, keeping the newest ``STREAM_RECORDS`` records."""
    _stream_add(self, old, new)
    excess = len(self.items) - STREAM_RECORDS
    if excess > STREAM_RECORDS // 10:  # trimmed in batches: a list's head is O(n) to cut
        del self.items[:excess]
        # Sequence numbers are positions past the shard's start: the start moves with
        # the cut, so every record keeps its number (as DynamoDB trims after 24 hours).
        self.starting_sequence_number += excess


# -- 11. projections and Query answers without moto's copies -------------------------------

_item_project = Item.project
_in_query = [False]


def item_project(self: Any, paths: list[list[str]]) -> Any:
    """Item.project of top-level names, sharing the item's values; nested paths and list
    elements go to moto. moto turned the whole item into plain JSON once per path and
    back (146 conversions for one 25-attribute item projected to 28 names)."""
    if any(len(path) != 1 or "[" in path[0] for path in paths):
        return _item_project(self, paths)
    raw = self.__dict__.get("_wire")
    if raw is not None:  # restored and not read since: only the names asked for are built
        values = {path[0]: DynamoType(raw[path[0]]) for path in paths if path[0] in raw}
    else:
        values = {path[0]: self.attrs[path[0]] for path in paths if path[0] in self.attrs}
    projected = object.__new__(Item)
    projected.hash_key = self.hash_key
    projected.range_key = self.range_key
    projected.attrs = LimitedSizeDict()
    dict.update(projected.attrs, values)
    return projected


_item_size = Item.size


def item_size(self: Any) -> int:
    """Item.size, remembered until the next write: a Query sizes each item it returns
    twice (the page's 1 MB limit), and sizing walks every attribute."""
    cached = self.__dict__.get("_size")
    if cached is not None and cached[0] == _generation[0]:
        return int(cached[1])
    size = int(_item_size(self))
    self.__dict__["_size"] = (_generation[0], size)
    return size


class _QueryResultCopy:
    """The ``copy`` module as moto's table module sees it: Table.query deep-copies its
    results before projecting them, which cost more than the rest of a Query. The answer
    is serialised before the next request runs (one at a time, under StoreGuard) and
    nothing writes to it meanwhile, so a Query's list is copied shallowly; every other
    deepcopy is the real one."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if _in_query[0] and isinstance(value, list):
            return list(value)
        return copy.deepcopy(value, memo)


# -- 12. condition expressions tokenised once ---------------------------------------------

_lex_condition = ConditionExpressionParser._lex_condition_expression
_LEXED: dict[str, tuple[Any, ...]] = {}
_MAX_LEXED = 512  # the service sends a few dozen expressions; clients may send more


def lex_condition(self: Any) -> Any:
    """ConditionExpressionParser's tokens of an expression, remembered by its text.

    The tokens depend on the text alone (placeholders are resolved later) and are
    immutable named tuples; the parser consumes a fresh deque of them each time. Every
    conditional write and filtered read lexed its expression again: about half of
    parsing a condition, and a transaction has several."""
    text = self.condition_expression
    found = _LEXED.get(text)
    if found is None:
        found = tuple(_lex_condition(self))
        if len(_LEXED) < _MAX_LEXED:
            _LEXED[text] = found
    return collections.deque(found)
