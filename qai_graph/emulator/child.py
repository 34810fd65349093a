"""The emulator process: moto's DynamoDB server, persisted by a journal and snapshots.

Run by :class:`~qai_graph.emulator.embedded.EmbeddedDynamo` as ``python -m
qai_graph.emulator.child --host H --port N [--data-dir D] --watch-stdin``: once
the data is restored and the socket listens it prints one line to stdout, ``READY
{"endpoint": ..., "tables": ..., "items": ..., "replayed": ...}``. ``qai-graph
emulator`` runs :func:`serve` in the foreground instead (``standalone``).

Persistence (with a data directory)
    Start: restore the snapshot (:mod:`.snapshot`), then replay the journal records
    after it (:mod:`.journal`), logging progress. Every write is journaled and fsynced
    before its answer (:mod:`.guard`), so nothing acknowledged is lost by a kill -9 or
    a power cut. Every ``--snapshot-interval`` seconds, if the journal has grown by a
    fair share of the snapshot's size (or 1,000 records), a compaction writes a new
    snapshot beside the requests and deletes the journal segments it covers. Without a journal
    (``--no-journal``, for comparison) a snapshot follows every change within the
    interval, and a crash loses what was written since the last one.

Stopping
    SIGTERM, or the parent closing our stdin (``--watch-stdin``), stops the server:
    later requests get a 503, the journal is synced and closed. A managed child ignores
    SIGINT: a Ctrl-C in the terminal is for its parent, which drains its own requests
    first and then tells the child.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from qai_graph.emulator import copy_on_write, forked, journal, key_ranges, patches, snapshot
from qai_graph.emulator.guard import StoreGuard, WsgiApp
from qai_graph.emulator.http import HttpServer
from qai_graph.emulator.journal import Journal, JournalError
from qai_graph.emulator.moto_fixes import generation
from qai_graph.emulator.snapshot import SNAPSHOT_NAME, SnapshotError
from qai_graph.emulator.tokens import TOKENS
from qai_graph.emulator.wire import WireCaller, WireError

logger = logging.getLogger("qai_graph.emulator")

# A burst of clients connecting at once (32 load-test clients, each with a pool) must not
# overflow the accept queue: the kernel then drops SYNs and clients retry after 1 s, 3 s,
# 7 s. The kernel caps this at net.core.somaxconn.
LISTEN_BACKLOG = 4096
# Compact once the journal holds this share of the snapshot's size (or MAX bytes), so
# replay at start stays a fraction of the snapshot's own load time.
JOURNAL_SHARE = 8
MAX_JOURNAL_BYTES = 64 * 1024 * 1024
# Replay goes through moto's request handling: ~13 ms a recordInteraction transaction on
# a 2-core machine (moto validates each UpdateItem expression in ten tree walks), so
# the journal is also bounded in records: 300 replay in ~4 s, and a restart after a
# crash at 200,000 items (4.6 s to load the snapshot) stays under 10 s. 1,000 took 15.7 s.
MAX_JOURNAL_RECORDS = 300
_PROGRESS_S = 2.0
# From this snapshot size on, a compaction forks its writer (see .forked). A smaller
# store is written in a thread: in well under a second, while a fork costs every request
# the copy-on-write faults of its refcount writes for as long as the child lives (the bot
# loop's p50 rose 15 % with a fork every 2 s on a small store).
FORK_FROM_BYTES = 32 * 1024 * 1024


@dataclass
class Restored:
    """What the start found on disk."""

    seq: int = 0
    tables: int = 0
    items: int = 0
    replayed: int = 0
    replayed_bytes: int = 0
    failed: list[int] = field(default_factory=list)


def load(app: WsgiApp, data_dir: Path) -> Restored:
    """Restore the snapshot, then replay the journal after it (progress in the log)."""
    started = time.monotonic()
    # Millions of objects are created and all live on: collections meanwhile would walk
    # them again and again for nothing.
    gc.disable()
    try:
        return _load(app, data_dir, started)
    finally:
        key_ranges.reset()  # the restore wrote items straight into the tables
        # Frozen: later full collections skip them (else each walks millions of objects,
        # a second or more holding the GIL while every request waits).
        gc.freeze()
        gc.enable()


def _load(app: WsgiApp, data_dir: Path, started: float) -> Restored:
    caller = WireCaller(app)
    path = data_dir / SNAPSHOT_NAME
    seq, tables, tokens = snapshot.read_all(path)
    TOKENS.load(tokens)  # client request tokens still in their window (see .tokens)
    restored = Restored(seq=seq, tables=len(tables))
    last_report = time.monotonic()
    if tables:
        logger.info("read %s in %.1f s; loading its items", path, last_report - started)

    def progress(done: int, total: int) -> None:
        nonlocal last_report
        if time.monotonic() - last_report > _PROGRESS_S:
            last_report = time.monotonic()
            logger.info("restoring the snapshot: %d of %d items", done, total)

    try:
        restored.items = snapshot.restore(caller, tables, progress)
    except WireError as exc:
        raise SnapshotError(f"cannot restore snapshot {path}: {exc}") from exc
    if tables:
        logger.info(
            "restored %d tables, %d items from %s (record %d) in %.1f s",
            len(tables),
            restored.items,
            path,
            seq,
            time.monotonic() - started,
        )
    for record in journal.read(data_dir, seq):
        if int(record["s"]) != restored.seq + 1:  # a gap: records were lost
            raise JournalError(f"journal records out of order at {record['s']} in {data_dir}")
        # At the time it was applied: a client request token is judged as it was then.
        with TOKENS.at(float(record.get("t", time.time()))):
            status, text = caller.raw(record["r"], record["o"], record["b"])
        if status != 200:  # it succeeded once on this same state: should never happen
            restored.failed.append(int(record["s"]))
            logger.warning("replaying record %s (%s) failed: %s", record["s"], record["o"], text)
        restored.seq = int(record["s"])
        restored.replayed += 1
        restored.replayed_bytes += len(record["b"])
        if time.monotonic() - last_report > _PROGRESS_S:
            last_report = time.monotonic()
            logger.info("replaying the journal: %d records so far", restored.replayed)
    generation.note_write()
    if restored.replayed:
        logger.info(
            "replayed %d journal records (up to %d) in %.1f s",
            restored.replayed,
            restored.seq,
            time.monotonic() - started,
        )
    return restored


class Compactor:
    """Writes snapshots beside the requests and drops the journal segments they cover."""

    def __init__(self, path: Path, guard: StoreGuard, after_bytes: int | None = None) -> None:
        self.path = path
        self.guard = guard
        self.after_bytes = after_bytes  # a fixed journal size to compact at (bench, tests)
        self.fork = forked.AVAILABLE
        self.stopping = False
        self.last_hold_s = 0.0
        try:
            self.snapshot_bytes = path.stat().st_size
        except FileNotFoundError:
            self.snapshot_bytes = 0

    def due(self) -> bool:
        """Something changed, and (with a journal) the journal has grown enough."""
        if not self.guard.dirty:
            return False
        if self.guard.journal is None:
            return True
        grown = self.guard.journal.bytes_since_rotation
        if self.after_bytes is not None:
            return grown >= self.after_bytes
        if self.guard.journal.records_since_rotation >= MAX_JOURNAL_RECORDS:
            return True
        return grown >= min(MAX_JOURNAL_BYTES, max(1, self.snapshot_bytes // JOURNAL_SHARE))

    def compact(self) -> bool:
        """One snapshot; requests wait only while the journal rotates and the tables are
        frozen: a forked writer (see :mod:`.forked`) or, without fork, a view of their
        partitions with copy-on-write on and the writing in this process."""
        guard = self.guard
        writer = None
        with guard.lock:
            held = time.perf_counter()
            if guard.closed:
                return False
            seq = guard.journal.rotate() if guard.journal is not None else guard.seq
            if self.fork and self.snapshot_bytes >= FORK_FROM_BYTES:
                writer = forked.start(self.path, seq)  # the child freezes its own copy
            else:
                frozen = snapshot.freeze(seq)
                copy_on_write.CopyOnWrite.begin(frozen.shared)
            guard.dirty = False
            self.last_hold_s = time.perf_counter() - held
        started = time.monotonic()
        try:
            if writer is not None:
                items = writer.wait(lambda: self.stopping)
            else:
                items = snapshot.write(self.path, frozen, self._pause)
        except BaseException:
            guard.dirty = True  # try again at the next interval; the journal is kept
            raise
        finally:
            if writer is None:
                copy_on_write.CopyOnWrite.end()
        dropped = guard.journal.drop_through(seq) if guard.journal is not None else 0
        self.snapshot_bytes = self.path.stat().st_size
        logger.info(
            "snapshot at record %d: %d items, %d bytes in %.2f s (requests held %.1f ms); "
            "%d journal segments dropped",
            seq,
            items,
            self.snapshot_bytes,
            time.monotonic() - started,
            self.last_hold_s * 1000,
            dropped,
        )
        return True

    def _pause(self) -> None:
        if self.stopping:
            raise InterruptedError("stopping")
        time.sleep(0)  # let waiting request threads take the GIL

    def run(self, interval: float, stop: threading.Event) -> None:
        """Compact when due, every ``interval`` seconds, until ``stop``."""
        while not stop.wait(interval):
            if self.due():
                try:
                    self.compact()
                except InterruptedError:
                    return
                except Exception:  # keep serving; the next interval tries again
                    logger.exception("snapshot to %s failed", self.path)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--snapshot-interval", type=float, default=2.0)
    parser.add_argument("--no-journal", dest="journal", action="store_false")
    parser.add_argument(
        "--compact-after-bytes",
        type=int,
        default=None,
        help="compact once the journal grew this much (default: 1/8 of the snapshot)",
    )
    parser.add_argument(
        "--watch-stdin", action="store_true", help="stop when stdin closes (parent gone)"
    )
    return parser.parse_args(argv)


def _watch_stdin(stop: threading.Event) -> None:
    # Raw reads: a thread blocked in sys.stdin's buffered reader aborts interpreter exit.
    while os.read(sys.stdin.fileno(), 4096):
        pass  # EOF: the parent closed the pipe or died
    stop.set()


def _withdraw_endpoint(data_dir: Path) -> None:
    # A process starting on this directory now must wait for the lock, not join us.
    owner = data_dir / "emulator.json"
    try:
        if json.loads(owner.read_text()).get("pid") == os.getpid():
            owner.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def _remove_stale_temporaries(data_dir: Path) -> None:
    # A compaction killed mid-write leaves its temporary file; it was never renamed.
    for tmp in data_dir.glob(f"{SNAPSHOT_NAME}.*.tmp"):
        tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """The managed child: restore, print READY, serve until told; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = _parse_args(argv)
    if args.watch_stdin:
        # The terminal's Ctrl-C is for the parent, which stops us once it has drained.
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def announce(endpoint: str, restored: Restored) -> None:
        ready = {
            "endpoint": endpoint,
            "tables": restored.tables,
            "items": restored.items,
            "replayed": restored.replayed,
        }
        print("READY " + json.dumps(ready), flush=True)
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to the log

    stop = threading.Event()
    if args.watch_stdin:
        threading.Thread(target=_watch_stdin, args=(stop,), name="stdin", daemon=True).start()
    return serve(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        interval=args.snapshot_interval,
        use_journal=args.journal,
        compact_after_bytes=args.compact_after_bytes,
        announce=announce,
        stop=stop,
        signals=(signal.SIGTERM,) if args.watch_stdin else (signal.SIGTERM, signal.SIGINT),
    )


def serve(
    *,
    host: str,
    port: int,
    data_dir: Path | None,
    interval: float,
    use_journal: bool,
    announce: Any,
    compact_after_bytes: int | None = None,
    stop: threading.Event,
    signals: tuple[signal.Signals, ...],
) -> int:
    """Restore, serve until ``stop`` or a signal, then close; returns the exit code."""
    patches.apply()
    app = DomainDispatcherApplication(create_backend_app)
    restored = Restored()
    if data_dir is not None:
        _remove_stale_temporaries(data_dir)
        try:
            restored = load(app, data_dir)
        except (SnapshotError, JournalError) as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return 2
    for signum in signals:
        signal.signal(signum, lambda *_: stop.set())
    store_journal = None
    if data_dir is not None and use_journal:
        store_journal = Journal(data_dir, restored.seq)
        # Records replayed at this start stay in old segments until the next compaction.
        store_journal.bytes_since_rotation = restored.replayed_bytes
        store_journal.records_since_rotation = restored.replayed
    guard = StoreGuard(app, store_journal, restored.seq)
    guard.dirty = restored.replayed > 0
    server = HttpServer(guard, host, port, LISTEN_BACKLOG)
    server.start()
    compactor = None
    if data_dir is not None:
        compactor = Compactor(data_dir / SNAPSHOT_NAME, guard, compact_after_bytes)
        compactor_thread = threading.Thread(
            target=compactor.run, args=(interval, stop), name="compact", daemon=True
        )
        compactor_thread.start()
    endpoint = f"http://{host}:{server.port}"
    announce(endpoint, restored)

    while not stop.wait(0.5):  # a timeout keeps the main thread responsive to signals
        pass
    if data_dir is not None:
        _withdraw_endpoint(data_dir)
    server.shutdown()
    with guard.lock:
        guard.closed = True  # requests still in flight after this get a 503
    if compactor is not None:
        compactor.stopping = True  # a compaction in progress gives up (the journal has it)
        compactor_thread.join()
        if store_journal is None and guard.dirty:
            # Snapshot-only: the last snapshot is the only copy.
            snapshot.write(compactor.path, snapshot.freeze(guard.seq))
    if store_journal is not None:
        store_journal.close()
    logger.info("embedded DynamoDB at %s stopped", endpoint)
    return 0


if __name__ == "__main__":
    sys.exit(main())
