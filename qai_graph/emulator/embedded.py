"""The embedded store: a local DynamoDB emulator owned by this process.

:class:`EmbeddedDynamo` runs :mod:`qai_graph.emulator.child` (moto's server) in a
child process, so the emulator does not share the API's GIL, and keeps its data in a
directory across restarts (see that module for the journal and snapshots). The child
runs in its own session, so a Ctrl-C in the terminal reaches only this process, which
stops the child when it is done with it (or the child sees its stdin close).

One owner per directory: the owner holds an ``flock`` on ``<data_dir>/emulator.lock``
(shared with its child, so an orphaned child finishing its last snapshot still holds it)
and publishes ``<data_dir>/emulator.json``. Another process opening the same directory,
say ``qai-graph consolidate`` while ``qai-graph serve`` runs, uses the owner's endpoint
and never starts or stops a child.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

logger = logging.getLogger(__name__)

LOCK_NAME = "emulator.lock"
OWNER_NAME = "emulator.json"
LOG_NAME = "emulator.log"
START_TIMEOUT_S = 30.0
_PACKAGE_ROOT = Path(__file__).resolve().parents[3]


class EmbeddedDynamo:
    """A moto DynamoDB server in a child process, persisted to ``data_dir`` if given."""

    def __init__(
        self,
        data_dir: Path | None,
        *,
        snapshot_interval_s: float = 2.0,
        region: str = "us-east-1",
        host: str = "127.0.0.1",
        port: int | None = None,
        journal: bool = True,
    ) -> None:
        self.data_dir = data_dir
        # For clients: the emulator serves every region, and a snapshot keeps each
        # table's own.
        self.region = region
        self.snapshot_interval_s = snapshot_interval_s
        # False: snapshots only (a crash loses up to one interval); for comparison.
        self.journal = journal
        self.host = host
        self.port = port
        self._endpoint: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock_file: IO[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """The emulator's URL, e.g. ``http://127.0.0.1:54321``."""
        if self._endpoint is None:
            raise RuntimeError("the embedded DynamoDB is not started")
        return self._endpoint

    @property
    def owner(self) -> bool:
        """Whether this instance runs the child (false when it reuses another owner's)."""
        return self._process is not None

    @property
    def pid(self) -> int | None:
        """The child's process id while this instance owns one."""
        return self._process.pid if self._process is not None else None

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        """Start the emulator, or join the directory's running owner; returns the endpoint."""
        if self._endpoint is not None:
            return self._endpoint
        deadline = time.monotonic() + timeout
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            shared = self._lock_or_join(deadline)
            if shared is not None:
                self._endpoint = shared
                logger.info("using the embedded DynamoDB at %s (owned by another process)", shared)
                return shared
        try:
            ready = self._spawn(deadline)
        except BaseException:
            self._release()
            raise
        self._endpoint = str(ready["endpoint"])
        if self.data_dir is not None:
            owner = {"endpoint": self._endpoint, "pid": self.pid, "owner_pid": os.getpid()}
            _write_json(self.data_dir / OWNER_NAME, owner)
        logger.info(
            "embedded DynamoDB at %s (pid %s, data %s): restored %s tables, %s items, "
            "replayed %s journal records",
            self._endpoint,
            self.pid,
            self.data_dir or "in memory",
            ready.get("tables", 0),
            ready.get("items", 0),
            ready.get("replayed", 0),
        )
        return self._endpoint

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child (it syncs its journal); does nothing if not owner."""
        process, self._process = self._process, None
        endpoint, self._endpoint = self._endpoint, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    logger.warning("embedded DynamoDB did not stop in %.0f s; killing it", timeout)
                    process.kill()
                    process.wait()
            if process.stdin is not None:
                process.stdin.close()
            if process.returncode not in (0, -signal.SIGTERM):
                logger.warning(
                    "embedded DynamoDB exited with %s: %s", process.returncode, self._log_tail()
                )
            else:
                logger.info("embedded DynamoDB at %s stopped", endpoint)
            if self.data_dir is not None:
                with contextlib.suppress(FileNotFoundError):
                    (self.data_dir / OWNER_NAME).unlink()
        self._release()

    async def astart(self) -> str:
        """:meth:`start` without blocking the event loop."""
        return await asyncio.to_thread(self.start)

    async def astop(self) -> None:
        """:meth:`stop` without blocking the event loop."""
        await asyncio.to_thread(self.stop)

    def __enter__(self) -> EmbeddedDynamo:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------------------

    def _lock_or_join(self, deadline: float) -> str | None:
        """Take the directory lock (None) or return the live owner's endpoint."""
        assert self.data_dir is not None
        lock_file = open(self.data_dir / LOCK_NAME, "ab")  # noqa: SIM115 (held until stop)
        while True:
            try:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                shared = _live_owner_endpoint(self.data_dir / OWNER_NAME)
                if shared is not None:
                    lock_file.close()
                    return shared
                # The owner is starting (no emulator.json yet) or stopping: ask again.
                if time.monotonic() > deadline:
                    lock_file.close()
                    raise RuntimeError(
                        f"{self.data_dir} is locked by another process that serves no "
                        f"endpoint (see {self.data_dir / OWNER_NAME})"
                    ) from None
                time.sleep(0.1)
            else:
                self._lock_file = lock_file
                return None

    def _spawn(self, deadline: float) -> dict[str, Any]:
        command = [
            sys.executable,
            "-m",
            "qai_graph.emulator.child",
            "--host",
            self.host,
            "--port",
            str(self.port or 0),  # 0: the child binds a free port itself, so no race
            "--watch-stdin",
        ]
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
            command += ["--snapshot-interval", str(self.snapshot_interval_s)]
            if not self.journal:
                command.append("--no-journal")
            self._log = open(self.data_dir / LOG_NAME, "w+b")  # noqa: SIM115 (held until stop)
        else:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 (held until stop)
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,  # closes when this process dies: the child then stops
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=_child_env(),
            # The child shares the lock, so the directory stays locked until it exits.
            pass_fds=(self._lock_file.fileno(),) if self._lock_file is not None else (),
            # Its own session: the terminal's Ctrl-C goes to this process group only.
            start_new_session=True,
        )
        try:
            return self._wait_ready(deadline)
        except BaseException:
            self._process.kill()
            self._process.wait()
            self._process = None
            raise

    def _wait_ready(self, deadline: float) -> dict[str, Any]:
        process = self._process
        assert process is not None and process.stdout is not None
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(
                        f"the embedded DynamoDB did not start in time: {self._log_tail()}"
                    )
                if not selector.select(remaining):
                    continue
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    code = process.wait()
                    raise RuntimeError(
                        f"the embedded DynamoDB exited with code {code}: {self._log_tail()}"
                    )
                buffer += chunk
        process.stdout.close()
        line = buffer.split(b"\n", 1)[0].decode()
        if not line.startswith("READY "):
            raise RuntimeError(f"unexpected output from the embedded DynamoDB: {line!r}")
        ready: dict[str, Any] = json.loads(line.removeprefix("READY "))
        return ready

    def _log_tail(self, size: int = 2000) -> str:
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0, os.SEEK_END)
        self._log.seek(max(0, self._log.tell() - size))
        return self._log.read().decode(errors="replace").strip()

    def _release(self) -> None:
        for file in (self._lock_file, self._log):
            if file is not None:
                file.close()  # closing the last descriptor releases the flock
        self._lock_file = self._log = None


def _live_owner_endpoint(path: Path) -> str | None:
    try:
        owner = json.loads(path.read_text())
        pid, endpoint = int(owner["pid"]), str(owner["endpoint"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, owned by another user
    return endpoint


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The child must import this package even when it is not installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), env.get("PYTHONPATH")]))
    # Moto never checks them, but botocore pieces it imports may look for credentials.
    env.setdefault("AWS_ACCESS_KEY_ID", "qai-local")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "qai-local")
    return env


def _write_json(path: Path, document: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document))
    os.replace(tmp, path)  # readers never see a half-written file
