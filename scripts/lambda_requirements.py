"""The consolidation Lambda's requirements: requirements.lock less what only other parts need.

The whole lock unpacks to ~350 MB for CPython 3.12 (moto with cfn-lint and sympy, for the
embedded emulator, is a third of it): over Lambda's 250 MB for a function's unzipped code.
The Lambda runs ``qai_graph.lambda_handler`` (the memory layer and the store), so it
needs none of the faces (GraphQL, MCP, the HTTP server), nor the emulator, nor the build
tools. This keeps every pin of the lock, hashes included, except the packages in
``LEFT_OUT`` and those that only they need, read from the lock's ``# via`` notes.
tests/aws/test_cloudformation.py runs a consolidation and fails if it imported any
package this leaves out.

    python scripts/lambda_requirements.py [requirements.lock] > lambda-requirements.txt
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Direct dependencies (pyproject.toml) the Lambda never imports, and why.
LEFT_OUT = {
    "moto": "the embedded emulator (qai_graph.emulator); a Lambda talks to DynamoDB",
    "a2wsgi": "serves the emulator",
    "uvicorn": "the HTTP server of qai-graph serve",
    "starlette": "the web application (qai_graph.app, api/, web/)",
    "strawberry-graphql": "the GraphQL face (api/)",
    "mcp": "the MCP face (mcp/)",
    "prometheus-client": "/metrics (api/)",
    "setuptools": "builds the package; nothing imports it at run time",
    "wheel": "builds the package",
}
DIRECT = "qai-graph (pyproject.toml)"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+")


@dataclass
class Pin:
    """One package of the lock: its lines (pin and hashes) and who needs it."""

    name: str
    lines: list[str] = field(default_factory=list)
    needed_by: set[str] = field(default_factory=set)


def normalise(name: str) -> str:
    """A distribution's name as the lock's notes write it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(text: str) -> dict[str, Pin]:
    """Every pin of a pip-compile lock with its ``# via`` notes."""
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    in_via = False
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            current = pins.setdefault(normalise(match[1]), Pin(normalise(match[1])))
            current.lines.append(line)
            in_via = False
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("--hash"):
            current.lines.append(line)
        elif stripped.startswith("# via"):
            parent = stripped.removeprefix("# via").strip()
            in_via = not parent
            if parent:
                current.needed_by.add(parent)
        elif in_via and stripped.startswith("#   "):
            current.needed_by.add(stripped.removeprefix("#").strip())
        else:
            in_via = False
    return pins


def kept(pins: dict[str, Pin], left_out: set[str]) -> set[str]:
    """The packages needed by a direct dependency that is not left out, transitively."""
    keep = {p.name for p in pins.values() if DIRECT in p.needed_by and p.name not in left_out}
    while True:
        more = {
            p.name
            for p in pins.values()
            if p.name not in keep
            and p.name not in left_out
            and any(normalise(parent) in keep for parent in p.needed_by)
        }
        if not more:
            return keep
        keep |= more


def lambda_requirements(lock: str) -> str:
    """The Lambda's requirements file: the kept pins, hashes and all."""
    pins = read_lock(lock)
    unknown = {normalise(n) for n in LEFT_OUT} - set(pins)
    if unknown:  # a rename in pyproject.toml must not silently keep a package
        raise SystemExit(f"LEFT_OUT names packages the lock lacks: {sorted(unknown)}")
    keep = kept(pins, {normalise(n) for n in LEFT_OUT})
    body = [line for name in sorted(keep) for line in pins[name].lines]
    header = "# The consolidation Lambda's pins (scripts/lambda_requirements.py)"
    return "\n".join([header, *body, ""])


def main(argv: list[str]) -> int:
    """Print the Lambda's requirements, read from ``argv[0]`` (requirements.lock)."""
    lock = Path(argv[0] if argv else Path(__file__).resolve().parents[1] / "requirements.lock")
    sys.stdout.write(lambda_requirements(lock.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
