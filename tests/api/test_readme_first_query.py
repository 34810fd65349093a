"""The README's "A first query" runs as written: its curl commands, against a served app."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.support.api_harness import RunningApp

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED_URL = "http://127.0.0.1:8000"


def _commands() -> list[str]:
    """The section's curl commands, each joined into one line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A first query", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [" ".join(c.split("\n")) for c in block.strip().split("\n\n")]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
async def test_the_first_query_records_ada_then_recalls_and_prompts_with_her_words(
    api: RunningApp,
) -> None:
    record, ask = _commands()
    answers = []
    for command in (record, ask):
        argv = shlex.split(command.replace(DOCUMENTED_URL, api.base_url))
        assert argv[0] == "curl"
        child = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await asyncio.wait_for(child.communicate(), 60)
        assert child.returncode == 0, err
        answer = json.loads(out)
        assert "errors" not in answer, answer
        answers.append(answer["data"])
    recorded, asked = answers
    assert recorded["recordInteraction"]["player"] == {"name": "Ada", "totalInteractions": 1}
    contents = [m["content"] for m in asked["recall"]["memories"]]
    assert "my cat is called Schrodinger" in contents
    assert "Ada said" in asked["systemPrompt"] and "Schrodinger" in asked["systemPrompt"]
