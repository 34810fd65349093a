"""The tools outside Python that some tests drive: chromium (tests/web) and Node.js with
npm (the reference clients of tests/clients).

A test's fixture asks with :func:`require`. A missing tool skips the test, and the
run's summary tells it once, with how many tests it skipped and what to install
(:func:`summarise_skips`, called by tests/conftest.py); with
``CI=true`` it fails the tests instead, so CI never passes by skipping. ``scripts/test``
checks the same before the run (``scripts/_tools.sh``).
"""

from __future__ import annotations

import os
import shutil
from collections import Counter

import pytest

INSTALL = {
    "chromium": "install chromium (Debian: apt-get install chromium) or set QAI_TEST_CHROMIUM "
    "to its path",
    "node": "install Node.js 20+ with npm (https://nodejs.org or your package manager)",
}
INSTALL["npm"] = INSTALL["node"]


def in_ci() -> bool:
    """True when ``CI`` says so (``true``, ``1`` or ``yes``), as CI services set it."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def find(tool: str) -> str | None:
    """The tool's path, or None; chromium is ``QAI_TEST_CHROMIUM`` when that is set."""
    if tool == "chromium" and os.environ.get("QAI_TEST_CHROMIUM"):
        configured = os.environ["QAI_TEST_CHROMIUM"]
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which(tool)


def require(*tools: str, needed_by: str) -> list[str]:
    """The paths of ``tools``; when one is missing, skip (fail with ``CI=true``) in one
    line: ``<needed_by> need <tool>: <what to install>``."""
    paths = [find(tool) for tool in tools]
    missing = [tool for tool, path in zip(tools, paths, strict=True) if path is None]
    if missing:
        line = f"{needed_by} need {' and '.join(missing)}: {INSTALL[missing[0]]}"
        if in_ci():
            pytest.fail(f"CI=true, and {line}", pytrace=False)
        pytest.skip(line)
    return [path for path in paths if path is not None]


def summarise_skips(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per missing tool: ``N tests skipped: <who> need <tool>: <install>``
    (``-rs`` would print it once per test; with xdist this runs where reports meet)."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            reason = str(longrepr[2]).removeprefix("Skipped: ")
            if any(reason.endswith(install) for install in INSTALL.values()):
                reasons[reason] += 1
    for reason, count in sorted(reasons.items()):
        tests = "1 test" if count == 1 else f"{count} tests"
        terminalreporter.write_line(f"{tests} skipped: {reason}", yellow=True)
