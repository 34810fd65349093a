"""Query: only the items its key range can reach (patches 2 and 9), its answer uncopied (11).

2. moto lists and sorts the whole table for every Query; a table Query now reads its one
   partition, and an index Query the index partition (9 narrows both to the key range;
   this is its fallback).
9. Query is handed only the items its key range, start key and limit can reach, from
   partitions kept sorted by every write (:mod:`..key_ranges`): moto sized every item of
   the partition before testing the key condition, so a recall-feed poll of a short-term
   index partition cost 12-16 ms at 200 items, and every request queued behind it.
11. (here: its Query half) a Query's results are not deep-copied before they are
   projected and serialised (nothing else runs meanwhile); see :mod:`.items` for the rest.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

from moto.dynamodb.models.table import Table

from qai_graph.emulator import key_ranges

_table_query = Table.query
_QUERY_PARAMETERS = inspect.signature(_table_query)
_in_query = [False]


def _items_of(table: Any, hash_key: Any) -> list[Any]:
    found = table.items.get(hash_key)
    if found is None:
        return []
    return list(found.values()) if table.range_key_attr else [found]


def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    """Table.query over the items its key range can reach (see 9 and :mod:`..key_ranges`),
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


# What moto's table module finds as its ``copy`` module once patch 11 is in.
QUERY_RESULT_COPY = _QueryResultCopy()
