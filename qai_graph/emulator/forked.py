"""A compaction's snapshot written by a forked copy of the emulator.

Written in a thread of the emulator, a snapshot of 200,000 items took 15 s under load:
the writer shared the GIL with the request threads, so it had a third of a core, and
the journal records written meanwhile (all replayed after a crash) grew with it. A
forked child is a frozen copy of the whole store for free (the kernel copies a page only
when one side writes to it), has a GIL and a core of its own, and writes the snapshot in
about the time it takes alone (3.5 s at that size); the emulator only waits for it in
its compactor thread. Its memory is what the child touches: up to the store's size
again, for the few seconds of the write.

The child writes nothing but the snapshot's temporary file and its rename, never logs
(another thread may have held a lock at the fork), and leaves with ``os._exit``. It
gives up, leaving no snapshot, when its parent is gone: a crash of the emulator must
not have an orphan rename an older snapshot over one that a new emulator wrote later
(the journal after the older one would be gone by then).

Linux only (``AVAILABLE``): on macOS a forked child of a process that has touched
Apple's frameworks may crash, so there the snapshot is written in a thread as before.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from qai_graph.emulator import snapshot

AVAILABLE = sys.platform.startswith("linux") and hasattr(os, "fork")
_POLL_S = 0.05


class WriterFailed(Exception):
    """The forked writer exited without writing its snapshot."""


class _Orphaned(Exception):
    pass


class Writer:
    """A forked child writing one snapshot; the parent's handle on it."""

    def __init__(self, pid: int, result: int) -> None:
        self.pid = pid
        self._result = result  # read end of a pipe: the child writes its item count

    def wait(self, stopping: Callable[[], bool]) -> int:
        """The number of items written, once the child has renamed its snapshot into
        place; ``InterruptedError`` (the child killed) when ``stopping()`` turns true."""
        try:
            while True:
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    break
                if stopping():
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    raise InterruptedError("stopping")
                time.sleep(_POLL_S)
            answer = os.read(self._result, 64)
        finally:
            os.close(self._result)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 or not answer:
            raise WriterFailed(f"the snapshot writer exited with {code}")
        return int(answer)


def start(path: Path, seq: int) -> Writer:
    """Fork a child that writes the store, as of journal record ``seq``, to ``path``
    (called with the store locked, so the child's copy holds no half-applied write; the
    child takes its view of the tables itself, so the lock is held only for the fork)."""
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_end)
            gc.disable()  # a collection would touch (and so copy) every page

            def pause() -> None:
                if os.getppid() != parent:
                    raise _Orphaned

            items = snapshot.write(path, snapshot.freeze(seq), pause)
            os.write(write_end, str(items).encode())
            code = 0
        except _Orphaned:
            code = 3
        except BaseException as exc:  # reported on fd 2: no Python lock is taken
            os.write(2, f"snapshot writer failed: {exc!r}\n".encode())
        finally:
            if code:  # no snapshot: leave no temporary file either
                path.with_name(f"{path.name}.{os.getpid()}.tmp").unlink(missing_ok=True)
            os._exit(code)
    os.close(write_end)
    return Writer(pid, read_end)
