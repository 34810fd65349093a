"""Missing test tools (chromium, node/npm): one line and a skip for people, a failure
for CI. Both halves: scripts/_tools.sh (scripts/test's check, run here in bash with an
empty PATH) and tests.support.tools (what the fixtures call)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import tools

ROOT = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash") or "/bin/bash"


def _check(path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/test's check_test_tools with only ``path`` on PATH."""
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "QAI_TEST_CHROMIUM")}
    return subprocess.run(
        [
            BASH,
            "-c",
            'source scripts/_tools.sh && check_test_tools && echo "chromium=$QAI_TEST_CHROMIUM"',
        ],
        env={**base, "PATH": str(path), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )


def _fake(directory: Path, *names: str) -> None:
    directory.mkdir(exist_ok=True)
    for name in names:
        tool = directory / name
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)


def test_scripts_test_says_what_to_install_and_goes_on_without_ci(tmp_path: Path) -> None:
    done = _check(tmp_path)  # nothing on PATH, apt-get included: nothing is installed
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "scripts/test: no chromium: the browser tests (tests/web) are skipped; install "
        "chromium (Debian: apt-get install chromium) or set QAI_TEST_CHROMIUM",
        "scripts/test: no node/npm: the reference clients (tests/clients) are skipped; "
        "install Node.js 20+ with npm (https://nodejs.org or your package manager)",
    ]


@pytest.mark.parametrize("ci", ["true", "1"])
def test_scripts_test_fails_in_ci_when_a_tool_is_missing(tmp_path: Path, ci: str) -> None:
    _fake(tmp_path / "bin", "node", "npm")
    done = _check(tmp_path / "bin", CI=ci)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith("scripts/test: no chromium: ")
    assert lines[-1] == "scripts/test: CI=true, so a missing tool fails the run (see above)"


def test_scripts_test_finds_the_tools_and_passes_chromium_on(tmp_path: Path) -> None:
    _fake(tmp_path / "bin", "chromium", "node", "npm")
    done = _check(tmp_path / "bin", CI="true")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == f"chromium={tmp_path / 'bin' / 'chromium'}"


def test_a_missing_tool_skips_with_one_line_or_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("QAI_TEST_CHROMIUM", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        tools.require("chromium", needed_by="the browser tests (tests/web)")
    assert str(skipped.value) == (
        "the browser tests (tests/web) need chromium: install chromium (Debian: apt-get "
        "install chromium) or set QAI_TEST_CHROMIUM to its path"
    )
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"^CI=true, and the clients need node"):
        tools.require("node", "npm", needed_by="the clients")


def test_a_found_tool_is_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(tmp_path, "node", "npm")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    assert tools.require("node", "npm", needed_by="x") == [
        str(tmp_path / "node"),
        str(tmp_path / "npm"),
    ]
    monkeypatch.setenv("QAI_TEST_CHROMIUM", str(tmp_path / "node"))  # any executable
    assert tools.require("chromium", needed_by="x") == [str(tmp_path / "node")]
