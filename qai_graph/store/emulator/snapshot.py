"""Snapshots: the whole store in one file, written by a forked copy of the emulator.

``<data dir>/dynamodb-snapshot.json`` holds every table's creation parameters and items
as DynamoDB wire JSON (so the file does not depend on moto), and ``seq``, the last
journal record it contains (see :mod:`.journal`).

A snapshot is a compaction: under the store lock the emulator only starts a new journal
segment and calls ``fork()``, which gives the child a copy-on-write image of the store at
that record (milliseconds, whatever the size); the child serialises the image, writes a
temporary file, fsyncs it and renames it over the old snapshot while the parent goes on
serving. Only then are the journal segments it covers deleted. The child dies with its
parent (``PR_SET_PDEATHSIG``), so a killed emulator leaves no writer behind.

A snapshot that cannot be read stops the start (:class:`SnapshotError` naming the file),
and is left in place: starting empty would overwrite it at the next compaction.
"""

from __future__ import annotations

import base64
import ctypes
import gc
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from qai_graph.store.emulator.wire import WireCaller

SNAPSHOT_NAME = "dynamodb-snapshot.json"
SNAPSHOT_FORMAT = "qai-graph/dynamodb-snapshot"
SNAPSHOT_VERSION = 2  # 2 added "seq"; version 1 files read as seq 0
_PR_SET_PDEATHSIG = 1
_MAX_FD = 65536


class SnapshotError(Exception):
    """The snapshot file exists but cannot be restored."""


def dump_tables() -> list[dict[str, Any]]:
    """Every table's creation parameters and items, read from moto's backend.

    Read in-process rather than by Scan (ten times faster). The surface used
    (``tables``, ``describe``, ``ttl``, ``all_items``, ``Item.to_json``) has been stable
    across moto 4 and 5.
    """
    tables: list[dict[str, Any]] = []
    for region, backend in dynamodb_backends[DEFAULT_ACCOUNT_ID].items():
        for table in backend.tables.values():
            described = table.describe(base_key="Table")["Table"]
            ttl = table.ttl
            tables.append(
                {
                    "region": region,
                    "create": _create_params(described),
                    "ttl": (
                        {"AttributeName": ttl["AttributeName"], "Enabled": True}
                        if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
                        else None
                    ),
                    "stream": described.get("StreamSpecification"),
                    "items": [item.to_json()["Attributes"] for item in table.all_items()],
                }
            )
    return tables


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


def encode(seq: int) -> bytes:
    """The snapshot file's bytes for the store as it is now."""
    document = {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "seq": seq,
        "tables": dump_tables(),
    }
    return json.dumps(document, separators=(",", ":"), default=_encode_binary).encode()


def _encode_binary(value: object) -> str:
    # Moto keeps some B and BS values decoded; the wire (and so the restore) wants base64.
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


def fork_writer(path: Path, seq: int) -> int:
    """Fork a child that writes the snapshot of this instant; returns its pid.

    The caller holds the store lock, so the image is consistent and ends at ``seq``.
    The child exits 0 once the snapshot is durably in place.
    """
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _die_with_parent(parent)
        # The listening socket and every client connection are copies here: closing
        # them lets a connection end when the parent closes it, and no client queue on us.
        os.closerange(3, _MAX_FD)
        gc.disable()  # a collection would touch (and so copy) every page of the image
        atomic_write(path, encode(seq))
        code = 0
    except BaseException as exc:
        # No logging in a forked child: another thread may have held the logging lock.
        os.write(2, f"snapshot to {path} failed: {exc!r}\n".encode())
    finally:
        os._exit(code)


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, path)
    # The rename itself is durable only once the directory entry is on disk.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read(path: Path) -> tuple[int, list[dict[str, Any]]]:
    """(seq, tables) of a snapshot file; (0, []) if it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return 0, []
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
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc}") from exc
    return seq, tables


def restore(caller: WireCaller, tables: list[dict[str, Any]]) -> int:
    """Recreate the tables; returns the number of items.

    Tables are created through the wire API; items go straight to moto's
    ``Table.put_item``, the call BatchWriteItem makes for each item, without parsing a
    request per 25 items (200,000 items load in seconds rather than a minute).
    """
    count = 0
    for table in tables:
        region, name = table["region"], table["create"]["TableName"]
        caller.call(region, "CreateTable", table["create"])
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][region]
        target = backend.get_table(name)
        try:
            for item in table["items"]:
                target.put_item(item, overwrite=True)
        except Exception as exc:
            raise SnapshotError(f"cannot restore an item of table {name}: {exc}") from exc
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
