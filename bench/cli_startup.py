"""How long ``qai-graph`` takes to start for commands that need no service, and what they import.

    .venv/bin/python bench/cli_startup.py [--runs 5] [--command qai-graph]

Runs each command ``--runs`` times (``--version``, ``export --help``, ``create-table
--help``, ``-h``), prints the median and the spread of the wall time, then runs each once
more under ``-X importtime`` and names the heavy packages it imported (strawberry,
starlette, uvicorn, mcp, numpy, wordllama, onnxruntime, aioboto3, pydantic). Not a test:
times depend on the machine (tests/unit/test_cli_startup.py asserts the imports).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = (["--version"], ["export", "--help"], ["create-table", "--help"], ["-h"])
FACES = ("strawberry", "starlette", "uvicorn", "mcp")
HEAVY = (*FACES, "numpy", "wordllama", "onnxruntime", "aioboto3", "pydantic")


def wall(command: list[str], runs: int) -> list[float]:
    """Seconds each run took, start to exit."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def heavy_imports(args: list[str]) -> list[str]:
    """The heavy top-level packages ``python -m qai_graph.cli <args>`` imports."""
    command = [sys.executable, "-X", "importtime", "-m", "qai_graph.cli", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    return [name for name in HEAVY if name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--command", default=shutil.which("qai-graph") or "qai-graph")
    options = parser.parse_args()
    for args in COMMANDS:
        times = wall([options.command, *args], options.runs)
        print(
            f"qai-graph {' '.join(args):<20} median {statistics.median(times) * 1000:6.0f} ms"
            f"  (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; {options.runs} runs)"
            f"  imports: {', '.join(heavy_imports(args)) or 'none of the heavy ones'}"
        )


if __name__ == "__main__":
    main()
