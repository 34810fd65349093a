"""The embedded DynamoDB emulator: moto's server in its own process, persisted to a directory.

Run by :class:`qai_graph.store.embedded.EmbeddedDynamo` as
``python -m qai_graph.store.emulator_child --host H --port N [--data-dir D]``. Once the
data is restored and the socket listens it prints one line to stdout,
``READY {"endpoint": ..., "tables": ..., "items": ...}``, and nothing more.

Persistence
    At start the tables in ``<data-dir>/dynamodb-snapshot.json`` are recreated through
    DynamoDB's wire API (CreateTable, BatchWriteItem, UpdateTimeToLive, UpdateTable),
    called in-process before the server is announced. Every request that may write
    marks the store dirty; a thread writes a snapshot every ``--snapshot-interval``
    seconds while dirty, and a last one is written on SIGTERM/SIGINT, or when the parent
    goes away (stdin closes). A snapshot is written to a temporary file, fsynced, and
    renamed over the old one, so the file on disk is always one whole snapshot.

Crash window
    A clean stop loses nothing: requests that arrive after the last snapshot get a 503.
    A kill -9 of this process or a power loss loses the writes acknowledged since the
    last snapshot: up to ``--snapshot-interval`` seconds, plus the time to write one.

A snapshot that cannot be read stops the start (exit code 2, the file named on
stderr) and is left in place: starting empty would overwrite it at the next snapshot.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import ThreadedWSGIServer, make_server
from werkzeug.test import Client

from qai_graph.store import emulator_patches

SNAPSHOT_NAME = "dynamodb-snapshot.json"
SNAPSHOT_FORMAT = "qai-graph/dynamodb-snapshot"
SNAPSHOT_VERSION = 1
# Operations that never change data; anything else (PartiQL, restores, tags, operations
# moto adds later) counts as a write: a needless snapshot is cheap, a missed one is not.
_READ_PREFIXES = ("Get", "BatchGet", "TransactGet", "Query", "Scan", "Describe", "List")
_BATCH_SIZE = 25  # BatchWriteItem's limit

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class SnapshotError(Exception):
    """The snapshot file exists but cannot be restored."""


class _QuietHandler(MotoRequestHandler):
    """Moto's request handler without a log line per request (nobody reads them)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


LISTEN_BACKLOG = 4096


class StoreGuard:
    """WSGI middleware: one request at a time, writes noted for the snapshotter.

    Moto updates items in place without locks, so two concurrent UpdateItem calls can
    lose an increment, and a snapshot could read a half-applied transaction. DynamoDB
    applies each write atomically; running requests one at a time restores that (moto
    is bound by the GIL anyway, so little throughput is lost).
    """

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self.lock = threading.Lock()
        self.dirty = False
        self.closed = False  # set after the last snapshot: later writes would be lost

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        _buffer_body(environ)  # outside the lock, so a slow client can't stall the others
        with self.lock:
            if self.closed:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"the embedded DynamoDB is shutting down"]
            result = self._app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            if _may_write(environ.get("HTTP_X_AMZ_TARGET", "")):
                self.dirty = True
                emulator_patches.note_write()
        return [body]


def _buffer_body(environ: dict[str, Any]) -> None:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))


def _may_write(target: str) -> bool:
    if target.startswith("DynamoDBStreams"):
        return False
    return not target.rpartition(".")[2].startswith(_READ_PREFIXES)


# -- snapshot ---------------------------------------------------------------------------


def dump_tables() -> list[dict[str, Any]]:
    """Every table's creation parameters and items, read from moto's backend.

    Read in-process rather than by Scan: scanning 10,000 items through moto takes about
    4 s, reading its backend about 0.3 s, and the request lock is held meanwhile. The
    surface used (``tables``, ``describe``, ``ttl``, ``all_items``, ``Item.to_json``) has
    been stable across moto 4 and 5; the output is plain DynamoDB wire JSON, so the file
    does not depend on moto. The caller holds the request lock.
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


def write_snapshot(path: Path, guard: StoreGuard, *, final: bool = False) -> bool:
    """Write a snapshot if anything changed; ``final`` also refuses later requests."""
    with guard.lock:
        guard.closed = guard.closed or final
        if not guard.dirty:
            return False
        # Serialised under the lock: the dumped dicts may share objects with live items.
        payload = json.dumps(
            {"format": SNAPSHOT_FORMAT, "version": SNAPSHOT_VERSION, "tables": dump_tables()},
            separators=(",", ":"),
            default=_encode_binary,
        ).encode()
        guard.dirty = False
    try:
        _atomic_write(path, payload)
    except OSError:
        guard.dirty = True  # try again at the next interval
        raise
    return True


def _encode_binary(value: object) -> str:
    # Moto keeps B and BS values decoded; the wire (and so the restore) wants base64.
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
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


# -- restore ----------------------------------------------------------------------------


def read_snapshot(path: Path) -> list[dict[str, Any]]:
    """The tables in a snapshot file; none if it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    try:
        document = json.loads(raw)
        if document.get("format") != SNAPSHOT_FORMAT:
            raise ValueError("not a qai-graph DynamoDB snapshot")
        if document.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"unsupported snapshot version {document.get('version')!r}")
        tables = document["tables"]
        if not isinstance(tables, list):
            raise ValueError("'tables' is not a list")
    except (ValueError, AttributeError, KeyError) as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc}") from exc
    return tables


def restore_tables(app: WsgiApp, tables: list[dict[str, Any]]) -> int:
    """Recreate the tables through DynamoDB's wire API; returns the number of items.

    Going through the API (in-process, no socket) means restored tables pass the same
    validation as a client's and the code does not depend on moto's constructors.
    """
    client = Client(app)
    count = 0
    for table in tables:
        call = _wire_caller(client, table["region"])
        name = table["create"]["TableName"]
        call("CreateTable", table["create"])
        items = table["items"]
        for start in range(0, len(items), _BATCH_SIZE):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + _BATCH_SIZE]]
            call("BatchWriteItem", {"RequestItems": {name: batch}})
        count += len(items)
        if table.get("ttl"):
            call("UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": table["ttl"]})
        if table.get("stream"):
            # Enabled after the load, so a stream reader does not see every restored item
            # as a new INSERT.
            call("UpdateTable", {"TableName": name, "StreamSpecification": table["stream"]})
    return count


def _wire_caller(client: Client, region: str) -> Callable[[str, dict[str, Any]], Any]:
    # Moto routes a request to a service and region by the SigV4 credential scope.
    auth = (
        f"AWS4-HMAC-SHA256 Credential=restore/20200101/{region}/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )

    def call(operation: str, body: dict[str, Any]) -> Any:
        response = client.post(
            "/",
            data=json.dumps(body),
            headers={
                "Host": "localhost",
                "Authorization": auth,
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            },
        )
        text = response.get_data(as_text=True)
        if response.status_code != 200:
            raise SnapshotError(f"restore failed at {operation}: {text[:500]}")
        return json.loads(text)

    return call


# -- process ----------------------------------------------------------------------------


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--snapshot-interval", type=float, default=2.0)
    parser.add_argument(
        "--watch-stdin", action="store_true", help="stop when stdin closes (parent gone)"
    )
    return parser.parse_args(argv)


def _snapshot_loop(path: Path, guard: StoreGuard, interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            write_snapshot(path, guard)
        except Exception:  # keep serving; the next interval tries again
            logger.exception("snapshot to %s failed", path)


def _watch_stdin(stop: threading.Event) -> None:
    # Raw reads: a thread blocked in sys.stdin's buffered reader aborts interpreter exit.
    while os.read(sys.stdin.fileno(), 4096):
        pass  # EOF: the parent closed the pipe or died
    stop.set()


def main(argv: list[str] | None = None) -> int:
    """Restore, serve until told to stop, write the last snapshot; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = _parse_args(argv)
    snapshot = args.data_dir / SNAPSHOT_NAME if args.data_dir is not None else None
    emulator_patches.apply()
    app = DomainDispatcherApplication(create_backend_app)
    tables: list[dict[str, Any]] = []
    items = 0
    if snapshot is not None:
        try:
            tables = read_snapshot(snapshot)
            items = restore_tables(app, tables)
        except SnapshotError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return 2

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    guard = StoreGuard(app)
    # werkzeug listens with a backlog of 128 and closes every connection after its
    # response, so a burst of clients reconnecting overflows the accept queue; the kernel
    # then drops SYNs and clients retry after 1 s, 3 s, 7 s (seen as 5 s timeouts under
    # a sustained 100 writes/s). The kernel caps this at net.core.somaxconn.
    ThreadedWSGIServer.request_queue_size = LISTEN_BACKLOG
    server = make_server(args.host, args.port, guard, threaded=True, request_handler=_QuietHandler)
    # A short poll interval: shutdown() waits for it, and stop() waits for shutdown().
    serve = threading.Thread(target=server.serve_forever, args=(0.1,), name="serve", daemon=True)
    serve.start()
    snapper = None
    if snapshot is not None:
        snapper = threading.Thread(
            target=_snapshot_loop,
            args=(snapshot, guard, args.snapshot_interval, stop),
            name="snapshot",
        )
        snapper.start()
    if args.watch_stdin:
        threading.Thread(target=_watch_stdin, args=(stop,), name="stdin", daemon=True).start()

    endpoint = f"http://{args.host}:{server.server_port}"
    ready = {"endpoint": endpoint, "tables": len(tables), "items": items}
    print("READY " + json.dumps(ready), flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to the log, not a pipe

    while not stop.wait(0.5):  # a timeout keeps the main thread responsive to signals
        pass
    server.shutdown()
    if snapper is not None and snapshot is not None:
        snapper.join()
        write_snapshot(snapshot, guard, final=True)
    logger.info("embedded DynamoDB at %s stopped", endpoint)
    return 0


if __name__ == "__main__":
    sys.exit(main())
