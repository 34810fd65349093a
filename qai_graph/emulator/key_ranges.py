"""Sorted key ranges for the emulator's Query (patch 9: :mod:`.moto_fixes.query`).

Moto answers a Query by walking every item of the partition in order: it sorts them all
with Python comparisons of its attribute objects, then sizes each one (about 60 µs an
item) before it even tests the key condition. A poll of the recall feed (``ttl >=
watermark`` on a short-term index partition, a handful of new items) therefore cost as
much as reading the whole partition: 12-16 ms at 200 items, and the other requests
queued behind it (the emulator serves one request at a time). At 100,000 items it would
be seconds.

Here every partition, of the table and of each index, keeps its items sorted by key in
two parallel lists, kept current by every write (the write wrappers in
:mod:`.copy_on_write` call :func:`changing`). A Query is handed only the items its key
condition, its ``ExclusiveStartKey`` and its ``Limit`` can reach, in key order; moto
still applies every rule itself to those, so the answer is moto's own. The candidates are
what moto's answer depends on: the exact key range (the same comparisons moto makes:
``Decimal`` for numbers, code points for strings), every item tied with the start key, at
most ``Limit + 1`` items past it plus any tied with the last (so moto's own tie order
decides), and the first item beyond the range (moto checks a full page before the key
condition, so that item decides whether the page gets a last key).

Anything unusual (multi-attribute keys, a key value of another type than the partition's,
a table or index changed under us) falls back to the whole partition: slower, never
different. :data:`ENABLED` switches it off (the differential test compares both).
"""

from __future__ import annotations

import bisect
import contextlib
import weakref
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType

ENABLED = True


def _native(value: Any) -> tuple[str, Any] | None:
    """(type, comparable value) of a key attribute, as moto compares it; None if absent.

    ``value`` is a moto ``DynamoType`` or, for an item restored from a snapshot and not
    read since, its wire JSON (``{"S": "..."}``)."""
    if value is None:
        return None
    if isinstance(value, dict):
        kind, raw = next(iter(value.items()))
    else:
        kind, raw = value.type, value.value
    return kind, Decimal(raw) if kind == "N" else raw


def attribute_of(item: Any, name: str) -> Any:
    """An item's attribute as a moto ``DynamoType`` (None if absent), without building
    the rest of a restored item."""
    value = _attribute(item, name)
    return DynamoType(value) if isinstance(value, dict) else value


def _attribute(item: Any, name: str) -> Any:
    raw = item.__dict__.get("_wire")
    if raw is not None:
        return raw.get(name)
    return item.attrs.get(name)


class _Run:
    """One partition's items sorted by key: ``keys[i]`` is ``(range, *tie-breakers)``."""

    __slots__ = ("items", "keys", "kind")

    def __init__(self) -> None:
        self.keys: list[tuple[Any, ...]] = []
        self.items: list[Any] = []
        self.kind: str | None = None  # the range key's type; one per partition

    def put(self, kind: str, key: tuple[Any, ...], item: Any) -> bool:
        """Insert or replace; False when ``kind`` differs from the partition's."""
        if self.kind is None:
            self.kind = kind
        elif kind != self.kind:
            return False
        at = bisect.bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            self.items[at] = item
        else:
            self.keys.insert(at, key)
            self.items.insert(at, item)
        return True

    def drop(self, key: tuple[Any, ...]) -> None:
        at = bisect.bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            del self.keys[at]
            del self.items[at]


def _first(key: tuple[Any, ...]) -> Any:
    return key[0]


class _Sorted:
    """The runs of one table's partitions, or of one index's (hash value -> run)."""

    def __init__(self, hash_attr: str | None, range_attr: str | None) -> None:
        self.hash_attr = hash_attr  # None: the table's own partitions
        self.range_attr = range_attr
        self.runs: dict[Any, _Run] = {}
        self.broken = False  # a value of another type than its partition's: fall back

    def place(self, item: Any, entry: tuple[Any, tuple[Any, ...], str] | None) -> None:
        if entry is None:
            return
        hash_value, key, kind = entry
        run = self.runs.get(hash_value)
        if run is None:
            run = self.runs[hash_value] = _Run()
        if not run.put(kind, key, item):
            self.broken = True

    def unplace(self, entry: tuple[Any, tuple[Any, ...], str] | None) -> None:
        if entry is None:
            return
        run = self.runs.get(entry[0])
        if run is not None:
            run.drop(entry[1])
            if not run.keys:
                del self.runs[entry[0]]


class _TableRanges:
    """Sorted runs of one moto table: its partitions (built per partition on first use)
    and each index (built whole on first use)."""

    def __init__(self, table: Any) -> None:
        self.table = weakref.ref(table)
        self.signature = _signature(table)
        self.partitions = _Sorted(None, table.range_key_attr)
        self.built_partitions: set[Any] = set()
        self.indexes: dict[str, _Sorted] = {}

    def entry(self, view: _Sorted, item: Any) -> tuple[Any, tuple[Any, ...], str] | None:
        """(hash value, sort key, range type) of an item in a view; None if not in it."""
        primary = (_native(item.hash_key), _native(item.range_key))
        if view.hash_attr is None:
            if primary[1] is None:
                return None
            return primary[0], (primary[1][1],), primary[1][0]
        hash_value = _native(_attribute(item, view.hash_attr))
        range_value = _native(_attribute(item, view.range_attr)) if view.range_attr else None
        if hash_value is None or range_value is None:
            return None  # sparse: the item is not in this index
        return hash_value, (range_value[1], *primary), range_value[0]

    def partition(self, hash_key: Any) -> _Sorted:
        native = _native(hash_key)
        if native not in self.built_partitions:
            table = self.table()
            assert table is not None
            found = table.items.get(hash_key)
            self._fill(self.partitions, found.values() if isinstance(found, dict) else ())
            self.built_partitions.add(native)
        return self.partitions

    def index(self, name: str, hash_attr: str, range_attr: str) -> _Sorted:
        view = self.indexes.get(name)
        if view is None:
            table = self.table()
            assert table is not None
            view = self.indexes[name] = _Sorted(hash_attr, range_attr)
            self._fill(view, (i for partition in table.items.values() for i in partition.values()))
        return view

    def _fill(self, view: _Sorted, items: Iterable[Any]) -> None:
        """Add many items at once: one sort per run (inserting one at a time into a
        sorted list is quadratic: minutes for an index partition of 100,000 items)."""
        grouped: dict[Any, list[tuple[tuple[Any, ...], str, Any]]] = {}
        for item in items:
            entry = self.entry(view, item)
            if entry is not None:
                grouped.setdefault(entry[0], []).append((entry[1], entry[2], item))
        for hash_value, entries in grouped.items():
            run = view.runs.get(hash_value)
            if run is not None or len({kind for _, kind, _ in entries}) > 1:
                for key, kind, item in entries:  # rare: merge into what is there
                    view.place(item, (hash_value, key, kind))
                continue
            entries.sort(key=_first)
            run = view.runs[hash_value] = _Run()
            run.kind = entries[0][1]
            run.keys = [key for key, _, _ in entries]
            run.items = [item for _, _, item in entries]

    def views(self, hash_key: Any) -> Iterator[_Sorted]:
        """The built views an item of this partition may be in."""
        if _native(hash_key) in self.built_partitions:
            yield self.partitions
        yield from self.indexes.values()


_TABLES: dict[int, _TableRanges] = {}


def _signature(table: Any) -> tuple[Any, ...]:
    return (
        table.hash_key_attr,
        table.range_key_attr,
        tuple((i.name, tuple((k["AttributeName"], k["KeyType"]) for k in i.schema))
              for i in table.all_indexes()),
    )  # fmt: skip


def _ranges(table: Any, build: bool) -> _TableRanges | None:
    state = _TABLES.get(id(table))
    if state is not None and (state.table() is not table or state.signature != _signature(table)):
        state = None  # the table was replaced, or its indexes changed: start over
        del _TABLES[id(table)]
    if state is None and build:
        state = _TABLES[id(table)] = _TableRanges(table)
        weakref.finalize(table, _TABLES.pop, id(table), None)
    return state


def reset() -> None:
    """Forget every run (after a restore wrote items directly into the tables)."""
    _TABLES.clear()


@contextlib.contextmanager
def changing(table: Any, hash_key: Any, range_key: Any) -> Iterator[None]:
    """Around a write of one item: its old place in every built run is dropped, then its
    new one taken (whatever the write did, even if it failed)."""
    state = _ranges(table, build=False) if ENABLED and range_key is not None else None
    if state is None:
        yield
        return
    views = list(state.views(hash_key))
    before = _current(table, hash_key, range_key)
    old = [state.entry(v, before) if before is not None else None for v in views]
    try:
        yield
    finally:
        after = _current(table, hash_key, range_key)
        for view, entry in zip(views, old, strict=True):
            view.unplace(entry)
            if after is not None:
                view.place(after, state.entry(view, after))


def _current(table: Any, hash_key: Any, range_key: Any) -> Any:
    partition = table.items.get(hash_key)
    return partition.get(range_key) if isinstance(partition, dict) else None


def candidates(
    table: Any,
    hash_key: Any,
    index_name: str | None,
    asked: dict[str, Any],
) -> list[Any] | None:
    """The items a Query can reach, in key order; None: let moto read the partition."""
    if not ENABLED or table.range_key_attr is None:
        return None
    if len(asked.get("hash_key_conditions") or ()) > 1:
        return None
    if len(asked.get("range_key_conditions") or ()) > 1:
        return None
    state = _ranges(table, build=True)
    assert state is not None
    if index_name is None:
        view = state.partition(hash_key)
    else:
        index = next((i for i in table.all_indexes() if i.name == index_name), None)
        if index is None:
            return None  # moto answers the validation error
        schema = {k["KeyType"]: k["AttributeName"] for k in index.schema}
        if len(index.schema) != len(schema) or "RANGE" not in schema:
            return None
        view = state.index(index_name, schema["HASH"], schema["RANGE"])
    if view.broken:
        return None
    run = view.runs.get(_native(hash_key))
    if run is None:
        return []
    return _reachable(run, view, asked)


def _reachable(run: _Run, view: _Sorted, asked: dict[str, Any]) -> list[Any] | None:
    keys = run.keys
    lo, hi = 0, len(keys)
    comparison = (asked.get("range_comparison") or "").upper()
    values = [_native(v) for v in asked.get("range_objs") or ()]
    if comparison:
        if not values or any(v is None or v[0] != run.kind for v in values):
            return None  # moto answers (or rejects) a value of another type itself
        lo, hi = _key_range(keys, comparison, [v[1] for v in values if v is not None])
        if lo is None:
            return None
    forward = asked.get("scan_index_forward", True) is not False
    skipped = 0
    start = asked.get("exclusive_start_key")
    if start:
        at = _native(start.get(view.range_attr)) if view.range_attr else None
        if at is None or at[0] != run.kind:
            return None
        ties_lo = bisect.bisect_left(keys, at[1], key=_first)
        ties_hi = bisect.bisect_right(keys, at[1], key=_first)
        if forward:
            lo = max(lo, ties_lo)
            skipped = max(0, min(hi, ties_hi) - lo)
        else:
            hi = min(hi, ties_hi)
            skipped = max(0, hi - max(lo, ties_lo))
    limit = asked.get("limit")
    if limit is not None:
        reach = skipped + int(limit) + 1  # one past the limit: moto then sets the last key
        if forward and hi - lo > reach:
            hi = lo + reach
            while hi < len(keys) and keys[hi][0] == keys[hi - 1][0]:
                hi += 1
        elif not forward and hi - lo > reach:
            lo = hi - reach
            while lo > 0 and keys[lo - 1][0] == keys[lo][0]:
                lo -= 1
    # moto tests the page's limit before the key condition, so with a full page the first
    # item past the range still gives the page a last key: it must see that item too.
    if forward:
        hi = min(len(keys), hi + 1)
    else:
        lo = max(0, lo - 1)
    return run.items[lo:hi]


def _key_range(keys: list[tuple[Any, ...]], comparison: str, values: list[Any]) -> Any:
    """[lo, hi) of the keys whose range part meets the condition; (None, None) if unknown."""
    n = len(keys)
    value = values[0]
    if comparison in ("=", "EQ"):
        return bisect.bisect_left(keys, value, key=_first), bisect.bisect_right(
            keys, value, key=_first
        )
    if comparison in ("<", "LT"):
        return 0, bisect.bisect_left(keys, value, key=_first)
    if comparison in ("<=", "LE"):
        return 0, bisect.bisect_right(keys, value, key=_first)
    if comparison in (">", "GT"):
        return bisect.bisect_right(keys, value, key=_first), n
    if comparison in (">=", "GE"):
        return bisect.bisect_left(keys, value, key=_first), n
    if comparison == "BETWEEN" and len(values) == 2:
        return bisect.bisect_left(keys, value, key=_first), bisect.bisect_right(
            keys, values[1], key=_first
        )
    if comparison == "BEGINS_WITH" and isinstance(value, str | bytes):
        lo = hi = bisect.bisect_left(keys, value, key=_first)
        while hi < n and isinstance(keys[hi][0], type(value)) and keys[hi][0].startswith(value):
            hi += 1
        return lo, hi
    return None, None
