"""Fixtures of the durability tests: ``qai-graph serve`` as a real process of its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { interaction { id } player { totalInteractions } replayed }
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    """A ``qai-graph serve`` process in its own process group, on the data dir given."""

    def __init__(self, data_dir: Path, log: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        base = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qai_graph.cli", "serve", "--port", str(self.port)],
            env={**base, "PYTHONPATH": str(ROOT), "QAI_MEMORY_DATA_DIR": str(data_dir), **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: killpg reaches it and nothing else
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("serve did not become ready")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()


@pytest.fixture
def served() -> Iterator[list[Served]]:
    """Processes a test starts; killed at teardown if still running."""
    started: list[Served] = []
    yield started
    for process in started:
        process.close()


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
