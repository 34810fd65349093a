"""``qai-graph emulator``: the embedded DynamoDB as a server of its own, for many processes.

Several ``qai-graph serve`` replicas (``QAI_MEMORY_DYNAMODB_ENDPOINT=http://127.0.0.1:8001``)
and tests can share it. It keeps its data exactly as the embedded store does (journal and
snapshots in the data directory), owns that directory as ``EmbeddedDynamo`` would (the
``emulator.lock`` flock and ``emulator.json``, so a ``qai-graph serve`` with no endpoint
on the same directory joins it rather than starting a second emulator), and stops
cleanly on SIGINT or SIGTERM.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from qai_graph.emulator.embedded import LOCK_NAME, OWNER_NAME, _live_owner_endpoint

EXIT_LOCKED = 3


def run(*, host: str, port: int, data_dir: Path, interval: float, journal: bool) -> int:
    """Serve until SIGINT/SIGTERM; returns the exit status."""
    from qai_graph.emulator import child  # moto: only when the command runs

    data_dir.mkdir(parents=True, exist_ok=True)
    lock = open(data_dir / LOCK_NAME, "ab")  # noqa: SIM115 (held while serving)
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        owner = _live_owner_endpoint(data_dir / OWNER_NAME)
        print(
            f"qai-graph emulator: {data_dir} is in use"
            + (f" by the emulator at {owner}" if owner else " by another process"),
            file=sys.stderr,
        )
        return EXIT_LOCKED
    owner_file = data_dir / OWNER_NAME

    def announce(endpoint: str, restored: Any) -> None:
        document = {"endpoint": endpoint, "pid": os.getpid(), "owner_pid": os.getpid()}
        tmp = owner_file.with_name(owner_file.name + ".tmp")
        tmp.write_text(json.dumps(document))
        os.replace(tmp, owner_file)
        print(
            f"DynamoDB emulator at {endpoint} (data in {data_dir}, "
            f"{restored.items} items restored, {restored.replayed} journal records replayed)\n"
            f"  QAI_MEMORY_DYNAMODB_ENDPOINT={endpoint} qai-graph serve",
            flush=True,
        )

    try:
        return child.serve(
            host=host,
            port=port,
            data_dir=data_dir,
            interval=interval,
            use_journal=journal,
            announce=announce,
            stop=threading.Event(),
            signals=(signal.SIGTERM, signal.SIGINT),
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            owner_file.unlink()
        lock.close()
