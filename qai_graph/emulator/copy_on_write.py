"""Copy-on-write while a compaction reads a frozen view of the tables (patch 5).

A compaction (:mod:`.snapshot`) writes the store as it was at its journal record while
requests go on: it holds the tables' partition dictionaries themselves, and while
:class:`CopyOnWrite` is on, writes copy the partition (and UpdateItem the item) they
change first, so the view never changes under the snapshot writer.

moto has three ways to change an item (DynamoDBBackend.update_item, Table.put_item,
Table.delete_item; every batch and transaction goes through them), and one wrapper of
each here also keeps the sorted key ranges current (patch 9, :mod:`.key_ranges`) and
starts a new generation of the data (:mod:`.moto_fixes.generation`).
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from qai_graph.emulator import key_ranges
from qai_graph.emulator.moto_fixes.generation import GENERATION


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
    GENERATION[0] += 1  # remembered sizes and scan orders are stale from here on
    table, hash_key, range_key = _table_and_key(self, table_name, key)
    if CopyOnWrite.epoch is not None and table is not None:
        _clone_live_item(table, key)
    if table is None:
        return _update_item(self, table_name, key, *args, **kwargs)  # moto's own error
    with key_ranges.changing(table, hash_key, range_key):
        return _update_item(self, table_name, key, *args, **kwargs)


def table_put_item(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
    """Table.put_item that leaves a partition a compaction is reading untouched."""
    GENERATION[0] += 1
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
    GENERATION[0] += 1
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
