"""``qai-graph backfill FILE`` (and ``-`` for stdin) end to end, against the moto server."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.integration.conftest import ServiceFactory
from tests.support.server import clean_env

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).resolve().parents[2]


def _cli(
    *args: str, table: str, endpoint: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = clean_env(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=table,
        log_level="warning",
        observer="local",  # the product's default: the command forms what it applied
    )
    return subprocess.run(
        [sys.executable, "-m", "qai_graph.cli", "backfill", *args],
        env={**env, "PYTHONPATH": str(ROOT)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _history() -> str:
    at = datetime.now(UTC) - timedelta(hours=2)
    rows = [
        {"time": at.isoformat(), "player": "Ada", "message": "i just adopted a puppy!!", "id": "1"},
        {"time": (at + timedelta(minutes=1)).isoformat(), "player": "Bob", "message": "hi all"},
    ]
    return "\n".join([json.dumps(rows[0]), "{oops", json.dumps(rows[1])]) + "\n"


async def test_the_cli_applies_a_file_and_reports(
    make_service: ServiceFactory, tmp_path: Path
) -> None:
    service = await make_service()
    config = service.config
    path = tmp_path / "history.jsonl"
    path.write_text(_history(), encoding="utf-8")
    endpoint = str(config.dynamodb_endpoint)
    done = _cli(str(path), "--json", table=config.dynamodb_table_name, endpoint=endpoint)
    assert done.returncode == 1, done.stderr  # one bad line; the others applied
    assert "line 2: not JSON" in done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert (report["applied"], report["already_applied"]) == (2, 0)
    assert report["bad"] == [{"line": 2, "reason": report["bad"][0]["reason"]}]
    assert report["formation"]["stored"] == 1
    ada = await service.get_player("Ada")
    assert ada is not None and ada.total_interactions == 1
    [obs] = [o for o in await service.get_observations("PLAYER#Ada") if o.formed_by]
    assert obs.sources[0].line_id == "1"


@pytest.mark.slow
async def test_the_cli_reads_stdin_and_is_idempotent(make_service: ServiceFactory) -> None:
    service = await make_service()
    table, endpoint = service.config.dynamodb_table_name, str(service.config.dynamodb_endpoint)
    text = _history()
    first = _cli("-", table=table, endpoint=endpoint, stdin=text)
    assert "applied 2 lines" in first.stderr, first.stderr
    again = _cli("-", table=table, endpoint=endpoint, stdin=text)
    assert "applied 0 lines" in again.stderr and "2 already applied" in again.stderr
    evolution = await service.get_evolution_state()
    assert (evolution.total_interactions, evolution.unique_players_met) == (2, 2)


async def test_an_unreadable_file_is_one_clear_line(tmp_path: Path) -> None:
    done = _cli(str(tmp_path / "missing.jsonl"), table="qai-none", endpoint="http://127.0.0.1:9")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"qai-graph backfill: cannot read {tmp_path / 'missing.jsonl'}: No such file or directory"
    ]
