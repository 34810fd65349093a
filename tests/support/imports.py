"""What a ``qai-graph`` command imports: the modules ``python -X importtime`` lists for it.

Start-up cost is what the command imports (bench/cli_startup.py times it); the tests
assert the imports, never the time."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tests.support.server import MODULE

ROOT = Path(__file__).resolve().parents[2]
SERVING = ("strawberry", "starlette", "uvicorn", "mcp", "qai_graph.api", "qai_graph.mcp")
"""The faces and the web stack: only ``serve``, ``mcp`` and ``chat`` need them."""
ENCODER = ("qai_graph.embeddings", "qai_graph.memory.recall", "wordllama", "onnxruntime")
"""The recall index and its encoder: only the service needs them."""


def imported_by(args: Sequence[str], env: Mapping[str, str] | None = None) -> set[str]:
    """Every module ``python -m qai_graph.cli *args`` imported (it must exit 0)."""
    environment = {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [*MODULE[:1], "-X", "importtime", *MODULE[1:], *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = (line for line in done.stderr.splitlines() if line.startswith("import time:"))
    return {line.rsplit("|", 1)[-1].strip() for line in lines}


def among(modules: set[str], packages: Iterable[str]) -> list[str]:
    """The modules in ``modules`` that are, or are inside, one of ``packages``."""
    return sorted(m for m in modules for p in packages if m == p or m.startswith(p + "."))
