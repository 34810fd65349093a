"""``qai-graph emulator``: the embedded DynamoDB as a standalone server with persistence."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qai_graph.app import open_memory
from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.models import Channel
from tests.support.server import clean_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _start(data_dir: Path, processes: list[subprocess.Popen[str]]) -> tuple[Any, str]:
    env = clean_env()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qai_graph.cli",
            "emulator",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
        ],
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(process)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+)", line)
    assert found, (line, process.stderr.read() if process.poll() is not None else "")
    return process, found.group(1)


async def _record(endpoint: str, table: str, n: int) -> None:
    config = MemoryConfig(dynamodb_endpoint=endpoint, dynamodb_table_name=table)
    async with open_memory(config) as memory:
        await memory.store_interaction(
            "QuantumJim", Channel.TWITCH, f"message {n}", "reply", idempotency_key=f"m{n}"
        )


@pytest.mark.slow
async def test_the_emulator_command_keeps_data_across_restarts(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    data_dir = tmp_path / "shared"
    emulator, endpoint = _start(data_dir, processes)
    await _record(endpoint, "qai-standalone", 1)
    await _record(endpoint, "qai-standalone", 2)
    # A store opened on the same directory joins the running emulator.
    joined = EmbeddedDynamo(data_dir)
    assert joined.start() == endpoint and not joined.owner
    joined.stop()

    emulator.send_signal(signal.SIGINT)  # a Ctrl-C in its terminal: a clean stop
    assert emulator.wait(15) == 0
    assert not (data_dir / "emulator.json").exists()

    emulator, endpoint = _start(data_dir, processes)
    config = MemoryConfig(dynamodb_endpoint=endpoint, dynamodb_table_name="qai-standalone")
    async with open_memory(config) as memory:
        player = await memory.get_player("QuantumJim")
        assert player is not None and player.total_interactions == 2
        history = await memory.get_player_history("QuantumJim")
        assert sorted(i.message for i in history) == ["message 1", "message 2"]
    emulator.send_signal(signal.SIGTERM)
    assert emulator.wait(15) == 0


def test_the_emulator_refuses_a_public_address_without_the_flag(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "qai_graph.cli",
            "emulator",
            "--host",
            "0.0.0.0",
            "--data-dir",
            str(tmp_path),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert "--allow-remote" in done.stderr
    assert not list(tmp_path.iterdir())  # nothing started, nothing written
