"""Snapshots: the whole store in one file, written beside the requests it keeps serving.

``<data dir>/dynamodb-snapshot.json`` holds every table's creation parameters and items
as DynamoDB wire JSON (so the file does not depend on moto), and ``seq``, the last
journal record it contains (see :mod:`.journal`), and ``tokens``, the client request
tokens still in their 10-minute window (:mod:`.tokens`).

A snapshot is a compaction: under the store lock the emulator starts a new journal
segment, takes a view of the tables' partition dictionaries and turns copy-on-write on
(:func:`freeze`, :class:`~.copy_on_write.CopyOnWrite`: the only step requests wait
for).
A thread then writes those items to a temporary file, yielding to requests every few
hundred items, fsyncs it and renames it over the old snapshot; only then are the
journal segments it covers deleted. (``fork()`` would be simpler, but it copies the
page tables with every thread stopped: 140 ms at 200,000 items.)

A snapshot that cannot be read stops the start (:class:`SnapshotError` naming the file),
and is left in place: starting empty would overwrite it at the next compaction.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

from qai_graph.emulator.tokens import TOKENS
from qai_graph.emulator.wire import WireCaller

SNAPSHOT_NAME = "dynamodb-snapshot.json"
SNAPSHOT_FORMAT = "qai-graph/dynamodb-snapshot"
SNAPSHOT_VERSION = 2  # 2 added "seq"; version 1 files read as seq 0


class SnapshotError(Exception):
    """The snapshot file exists but cannot be restored."""


@dataclass
class Frozen:
    """The store at journal record ``seq``: table settings and references to the items.

    Taken under the store lock with :class:`~.copy_on_write.CopyOnWrite` on, so the
    items referenced never change while the snapshot is written from them.
    """

    seq: int
    tables: list[tuple[dict[str, Any], list[dict[Any, Any]]]]  # (settings, partitions)
    shared: frozenset[int]  # ids of the live partition dicts in the view
    tokens: list[list[Any]] = field(default_factory=list)  # TOKENS.export() at ``seq``


def freeze(seq: int) -> Frozen:
    """A view of every table: its settings and its partition dictionaries, not copied.

    The caller then turns :class:`~.copy_on_write.CopyOnWrite` on with ``shared``.
    """
    tables: list[tuple[dict[str, Any], list[dict[Any, Any]]]] = []
    shared: set[int] = set()
    for region, backend in dynamodb_backends[DEFAULT_ACCOUNT_ID].items():
        for table in backend.tables.values():
            described = table.describe(base_key="Table")["Table"]
            ttl = table.ttl
            settings = {
                "region": region,
                "create": _create_params(described),
                "ttl": (
                    {"AttributeName": ttl["AttributeName"], "Enabled": True}
                    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
                    else None
                ),
                "stream": described.get("StreamSpecification"),
            }
            if table.range_key_attr is None:
                partitions = [dict(table.items)]  # item by hash key: a copy of references
            else:
                partitions = [p for p in table.items.values() if p]
                shared.update(id(p) for p in partitions)
            tables.append((settings, partitions))
    return Frozen(seq, tables, frozenset(shared), TOKENS.export())


def write(path: Path, frozen: Frozen, pause: Callable[[], None] = lambda: None) -> int:
    """Write ``frozen`` atomically, item by item; ``pause`` runs every few hundred items
    (the compactor yields the GIL there, so requests are served meanwhile)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    written = 0
    with open(tmp, "w", encoding="utf-8") as file:
        head = {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "seq": frozen.seq,
            "tokens": frozen.tokens,
        }
        file.write(json.dumps(head, separators=(",", ":"))[:-1] + ',"tables":[')
        for number, (settings, holders) in enumerate(frozen.tables):
            file.write(("," if number else "") + json.dumps(settings)[:-1] + ',"items":[')
            first = True
            for partition in holders:
                for item in partition.values():
                    attrs = wire_attributes(item)
                    line = json.dumps(attrs, separators=(",", ":"), default=_encode_binary)
                    file.write(line if first else "," + line)
                    first = False
                    written += 1
                    if written % 256 == 0:
                        pause()
            file.write("]}")
        file.write("]}")
        file.flush()
        os.fsync(file.fileno())
    _rename_durably(tmp, path)
    return written


def _typed(wire: dict[str, Any]) -> Any:
    """``DynamoType(wire)`` without its constructor's method calls (a third of the time)."""
    ((kind, value),) = wire.items()
    if kind == "M":
        value = {key: _typed(nested) for key, nested in value.items()}
    elif kind == "L":
        value = [_typed(nested) for nested in value]
    typed = _new(DynamoType)
    typed.__dict__ = {"type": kind, "value": value}
    return typed


class _LazyAttrs:
    """``Item.attrs`` built from the item's wire JSON the first time it is read.

    A non-data descriptor: once built, the instance's own ``attrs`` shadows it, so an
    item costs the lazy path once. Restoring 200,000 items then creates two key values
    each instead of a value per attribute, and a snapshot writes an item never read
    since the start straight from its wire JSON.
    """

    def __get__(self, item: Any, owner: Any = None) -> Any:
        if item is None:
            return self
        values = LimitedSizeDict()
        dict.update(values, {name: _typed(value) for name, value in item._wire.items()})
        item.__dict__["attrs"] = values
        del item.__dict__["_wire"]
        return values


class RestoredItem(Item):
    """An item loaded from a snapshot; its attributes materialise on first use."""

    attrs = _LazyAttrs()


def _item(hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> Any:
    """An item already checked when first written, without building its attributes."""
    item = _new(RestoredItem)
    item.__dict__ = {"hash_key": hash_key, "range_key": range_key, "_wire": attrs}
    return item


def wire_attributes(item: Any) -> dict[str, Any]:
    """An item's attributes as wire JSON (bytes left for the JSON encoder)."""
    raw = item.__dict__.get("_wire")
    if raw is not None:
        return raw  # type: ignore[no-any-return]
    return {name: _wire(value) for name, value in item.attrs.items()}


_new = object.__new__


def _wire(value: Any) -> dict[str, Any]:
    """A moto DynamoType as DynamoDB wire JSON (bytes are base64'd by the encoder)."""
    kind, inner = value.type, value.value
    if kind == "M":
        return {"M": {key: _wire(nested) for key, nested in inner.items()}}
    if kind == "L":
        return {"L": [_wire(nested) for nested in inner]}
    return {kind: inner}


def _create_params(described: dict[str, Any]) -> dict[str, Any]:
    """CreateTable parameters from a DescribeTable answer."""
    billing = described.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    params: dict[str, Any] = {
        "TableName": described["TableName"],
        "KeySchema": described["KeySchema"],
        "AttributeDefinitions": described["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        params["ProvisionedThroughput"] = _throughput(described["ProvisionedThroughput"])
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = []
        for index in described.get(kind) or []:
            spec = {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
            if kind == "GlobalSecondaryIndexes" and billing == "PROVISIONED":
                spec["ProvisionedThroughput"] = _throughput(index["ProvisionedThroughput"])
            indexes.append(spec)
        if indexes:
            params[kind] = indexes
    if described.get("DeletionProtectionEnabled"):
        params["DeletionProtectionEnabled"] = True
    return params


def _throughput(described: dict[str, Any]) -> dict[str, int]:
    return {k: described[k] for k in ("ReadCapacityUnits", "WriteCapacityUnits")}


def _encode_binary(value: object) -> str:
    # Moto keeps some B and BS values decoded; the wire (and so the restore) wants base64.
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    _rename_durably(tmp, path)


def _rename_durably(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)
    # The rename itself is durable only once the directory entry is on disk.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read(path: Path) -> tuple[int, list[dict[str, Any]]]:
    """(seq, tables) of a snapshot file; (0, []) if it does not exist."""
    seq, tables, _ = read_all(path)
    return seq, tables


def read_all(path: Path) -> tuple[int, list[dict[str, Any]], list[list[Any]]]:
    """(seq, tables, client request tokens) of a snapshot file; empty if it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return 0, [], []
    try:
        document = json.loads(raw)
        if not isinstance(document, dict) or document.get("format") != SNAPSHOT_FORMAT:
            raise ValueError("not a qai-graph snapshot")
        if document.get("version") not in (1, SNAPSHOT_VERSION):
            raise ValueError(f"unsupported snapshot version {document.get('version')!r}")
        tables = document["tables"]
        if not isinstance(tables, list):
            raise ValueError("'tables' is not a list")
        seq = int(document.get("seq", 0))
        # Absent from snapshots written before tokens were kept.
        tokens = [[str(t), str(d), float(f)] for t, d, f in document.get("tokens", [])]
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc}") from exc
    return seq, tables, tokens


def restore(
    caller: WireCaller,
    tables: list[dict[str, Any]],
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> int:
    """Recreate the tables; returns the number of items.

    Tables are created through the wire API; items go straight into moto's tables
    (200,000 items load in seconds rather than minutes through BatchWriteItem).
    """
    count = 0
    total = sum(len(table["items"]) for table in tables)
    for table in tables:
        region, name = table["region"], table["create"]["TableName"]
        caller.call(region, "CreateTable", table["create"])
        target = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_table(name)
        hash_attr, range_attr = target.hash_key_attr, target.range_key_attr
        try:
            # What PutItem stores, without a request's parsing and checks: the items
            # passed them when they were first written.
            last_hash: Any = None
            partition: dict[Any, Any] = {}
            for number, attrs in enumerate(table["items"], start=count + 1):
                if number % 10000 == 0:
                    progress(number, total)
                if range_attr is None:
                    hash_key = _typed(attrs[hash_attr])
                    target.items[hash_key] = _item(hash_key, None, attrs)
                    continue
                # A snapshot lists a partition's items together: look it up once
                # (hashing moto's key values is half the cost of a load).
                if attrs[hash_attr] != last_hash:
                    last_hash = attrs[hash_attr]
                    hash_key = _typed(last_hash)
                    partition = target.items[hash_key]
                range_key = _typed(attrs[range_attr])
                partition[range_key] = _item(hash_key, range_key, attrs)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SnapshotError(f"cannot restore an item of table {name}: {exc!r}") from exc
        count += len(table["items"])
        if table.get("ttl"):
            caller.call(
                region,
                "UpdateTimeToLive",
                {"TableName": name, "TimeToLiveSpecification": table["ttl"]},
            )
        if table.get("stream"):
            # Enabled after the load, so a stream reader does not see every restored item
            # as a new INSERT.
            caller.call(
                region, "UpdateTable", {"TableName": name, "StreamSpecification": table["stream"]}
            )
    return count
