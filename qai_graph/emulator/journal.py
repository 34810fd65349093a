"""The write-ahead journal: every write the emulator accepts, on disk before its answer.

A journal is a series of segment files ``dynamodb-journal-<first seq>.log`` in the data
directory. Each record is ``>II`` (payload length, crc32 of the payload) then the payload,
the JSON ``{"s": seq, "r": region, "o": operation, "b": request body, "t": wall time}``
(``t``, the time the request was applied, is absent from older records). Records carry
consecutive sequence numbers; a snapshot names the last one it contains, so replay
applies only later records and never applies one twice, whatever the crash point
between a snapshot's rename and the deletion of the segments it covers.

Durability is a group commit: a request appends its record (a ``write``, no sync) while
it holds the store lock, then waits outside the lock until an ``fsync`` that started
after its append has finished. Whoever waits first runs the fsync for everyone waiting,
so one fsync covers every record appended before it.

Reading: a record cut short or failing its checksum at the end of the last segment is
what a crash in the middle of an append leaves; it was never acknowledged, so it is
dropped with a warning and the file truncated before it. A bad record anywhere else
is damage to acknowledged data and stops the start (:class:`JournalError`).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

HEADER = struct.Struct(">II")
_SEGMENT = re.compile(r"^dynamodb-journal-(\d{20})\.log$")


class JournalError(Exception):
    """A journal record other than the last cannot be read."""


def segment_path(directory: Path, first_seq: int) -> Path:
    """The file of the segment whose first record is ``first_seq``."""
    return directory / f"dynamodb-journal-{first_seq:020d}.log"


def segments(directory: Path) -> list[tuple[int, Path]]:
    """The directory's segments, oldest first, as (first seq, path)."""
    found = []
    for path in directory.iterdir():
        match = _SEGMENT.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def encode(record: dict[str, Any]) -> bytes:
    """One record as written: header then JSON payload."""
    payload = json.dumps(record, separators=(",", ":")).encode()
    return HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def read(directory: Path, after_seq: int) -> Iterator[dict[str, Any]]:
    """The records after ``after_seq``, in order; truncates a torn tail (see module doc)."""
    found = segments(directory)
    # Empty segments after the last one written to (opened, never appended) don't count:
    # the last record is the last one actually written.
    written = [position for position, (_, path) in enumerate(found) if path.stat().st_size]
    last = written[-1] if written else -1
    for position, (_, path) in enumerate(found):
        last_segment = position >= last
        data = path.read_bytes()
        offset = 0
        while offset < len(data):
            record, size = _decode_at(data, offset)
            if record is None:
                if not last_segment or offset + size < len(data):
                    raise JournalError(f"corrupt journal record in {path} at byte {offset}")
                logger.warning(
                    "dropped a torn last record of %d bytes at byte %d of %s (a crash during "
                    "its append; it was never acknowledged)",
                    len(data) - offset,
                    offset,
                    path,
                )
                with open(path, "r+b") as file:
                    file.truncate(offset)
                    os.fsync(file.fileno())
                break
            offset += size
            if int(record["s"]) > after_seq:
                yield record


def _decode_at(data: bytes, offset: int) -> tuple[dict[str, Any] | None, int]:
    """(record, size) at ``offset``; (None, size) when cut short or not matching its crc."""
    if offset + HEADER.size > len(data):
        return None, len(data) - offset
    length, crc = HEADER.unpack_from(data, offset)
    start = offset + HEADER.size
    payload = data[start : start + length]
    size = HEADER.size + length
    if len(payload) < length or zlib.crc32(payload) != crc:
        return None, min(size, len(data) - offset)
    try:
        record: dict[str, Any] = json.loads(payload)
    except ValueError:
        return None, size
    return record, size


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Journal:
    """Appends records to the current segment and makes them durable in groups."""

    def __init__(self, directory: Path, last_seq: int) -> None:
        self.directory = directory
        self.seq = last_seq  # the last record appended
        self.bytes_since_rotation = 0
        self.records_since_rotation = 0
        self._durable = last_seq
        self._syncing = False
        self._cond = threading.Condition()
        # Segments rotated away but not yet synced, and whether a new name awaits a
        # directory sync: the next group commit does both before syncing the current
        # segment, so rotation holds the store lock only for an open().
        self._retired: list[int] = []
        self._new_name = False
        self._fd = self._open(last_seq + 1)
        self._segment_records = 0

    def _open(self, first_seq: int) -> int:
        # An empty segment with this name (a run that wrote nothing) is simply reused.
        path = segment_path(self.directory, first_seq)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        self._new_name = True
        return fd

    def _sync(self, fd: int, retired: list[int], new_name: bool) -> None:
        # Older segments first: a record must never be durable before one it follows.
        for old in retired:
            os.fdatasync(old)
            os.close(old)
        if new_name:
            _fsync_dir(self.directory)  # the new segment's name survives a crash
        os.fdatasync(fd)

    def append(self, region: str, operation: str, body: str, at: float | None = None) -> int:
        """Write one record (not yet durable); the caller holds the store lock."""
        seq = self.seq + 1
        record: dict[str, Any] = {"s": seq, "r": region, "o": operation, "b": body}
        if at is not None:
            record["t"] = at
        data = encode(record)
        with self._cond:
            written = os.write(self._fd, data)
            if written != len(data):  # a short write on a regular file: disk full
                raise OSError(f"short journal write ({written} of {len(data)} bytes)")
            self.seq = seq
            self._segment_records += 1
            self.bytes_since_rotation += len(data)
            self.records_since_rotation += 1
        return seq

    def wait_durable(self, seq: int) -> None:
        """Return once record ``seq`` is on disk; one fsync serves every waiter before it."""
        with self._cond:
            while self._durable < seq:
                if self._syncing:
                    self._cond.wait()
                    continue
                self._syncing = True
                target, fd, retired, new_name = self.seq, self._fd, self._retired, self._new_name
                self._retired, self._new_name = [], False
                self._cond.release()
                synced = False
                try:
                    self._sync(fd, retired, new_name)
                    synced = True
                finally:
                    self._cond.acquire()
                    self._syncing = False
                    if synced:
                        self._durable = max(self._durable, target)
                    else:  # not synced: the next leader tries again
                        self._retired = retired + self._retired
                        self._new_name = self._new_name or new_name
                    self._cond.notify_all()

    def rotate(self) -> int:
        """Start a new segment (the old one is synced by the next commit); returns the last seq.

        The caller holds the store lock, so no record is appended meanwhile.
        """
        with self._cond:
            if self._segment_records:
                # Synced (and closed) by the next group commit, before the new segment.
                self._retired.append(self._fd)
                self._fd = self._open(self.seq + 1)
                self._segment_records = 0
            self.bytes_since_rotation = 0
            self.records_since_rotation = 0
            return self.seq

    def drop_through(self, seq: int) -> int:
        """Delete the segments holding only records <= ``seq`` (a snapshot has them)."""
        found = segments(self.directory)
        dropped = 0
        for (_, path), (next_first, _) in itertools.pairwise(found):
            if next_first - 1 <= seq:
                path.unlink(missing_ok=True)
                dropped += 1
        return dropped

    def close(self) -> None:
        """Sync what was appended and close the segment."""
        with self._cond:
            while self._syncing:
                self._cond.wait()
            self._sync(self._fd, self._retired, self._new_name)
            self._retired, self._new_name = [], False
            self._durable = self.seq
            os.close(self._fd)
            self._fd = -1
