"""Helpers of the durability tests: ``qai-graph serve`` on a data directory, the mutation
they send, and whether a process still runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.server import MODULE, ServeProcess, clean_env

ROOT = Path(__file__).resolve().parents[2]
RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { interaction { id } player { totalInteractions } replayed }
}"""


def embedded_serve(data_dir: Path, log: Path, **env: str) -> ServeProcess:
    """``python -m qai_graph.cli serve`` on the embedded store in ``data_dir``, in a process
    group of its own (``kill`` reaches it and nothing else), its output appended to
    ``log``; ``env`` adds variables (QAI_MEMORY_* by their full names)."""
    return ServeProcess(
        {**clean_env(data_dir=data_dir), "PYTHONPATH": str(ROOT), **env},
        command=MODULE,
        stdout=log,
        stderr=subprocess.STDOUT,
        own_group=True,
    )


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
