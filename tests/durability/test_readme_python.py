"""docs/python.md ("Using it from Python") runs as written, with nothing started beforehand."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _snippet() -> str:
    page = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    [code] = re.findall(r"```python\n(.*?)```", page, re.S)
    return code


def test_the_readme_python_snippet_runs_against_the_embedded_store(tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(_snippet(), encoding="utf-8")
    # A fresh clone's environment: no AWS credentials, no QAI_MEMORY_* settings; the
    # default data directory (.qai-data) lands in the working directory.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QAI_MEMORY_"))}
    env["PYTHONPATH"] = str(ROOT)

    def run() -> str:
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    assert run().strip() == "QuantumJim: 1 interactions remembered"
    assert (tmp_path / ".qai-data").is_dir()
    # A second run finds the first one's data (the store was stopped cleanly and kept
    # it) and the same chat message id is not counted twice.
    assert run().strip() == "QuantumJim: 1 interactions remembered"
    assert not (tmp_path / ".qai-data" / "emulator.json").exists()  # the store was stopped
