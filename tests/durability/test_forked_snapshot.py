"""A compaction's forked writer: writes the store as it was at the fork, and never
renames a snapshot once its emulator is gone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from qai_graph.emulator import forked, patches, snapshot
from qai_graph.emulator.wire import WireCaller
from tests.support.moto_tables import pk_sk_table

pytestmark = pytest.mark.skipif(not forked.AVAILABLE, reason="fork-based compaction is Linux's")
REGION = "af-south-1"  # moto's backends are per process: a region no other test uses
TABLE = "qai-fork-test"
CREATE = pk_sk_table(TABLE)


def _put(wire: WireCaller, n: int) -> None:
    item = {"pk": {"S": "p"}, "sk": {"S": f"{n:05d}"}, "n": {"N": str(n)}}
    wire.call(REGION, "PutItem", {"TableName": TABLE, "Item": item})


def test_the_forked_writer_saves_the_store_as_it_was_at_the_fork(tmp_path: Path) -> None:
    patches.apply()
    wire = WireCaller(DomainDispatcherApplication(create_backend_app))
    wire.call(REGION, "CreateTable", CREATE)
    for n in range(300):
        _put(wire, n)
    path = tmp_path / "snapshot.json"
    writer = forked.start(path, seq=41)
    for n in range(300, 350):  # after the fork: not in that snapshot
        _put(wire, n)
    written = writer.wait(lambda: False)
    seq, tables = snapshot.read(path)
    [table] = [t for t in tables if t["create"]["TableName"] == TABLE]
    others = sum(len(t["items"]) for t in tables if t["create"]["TableName"] != TABLE)
    assert seq == 41 and written == 300 + others
    assert sorted(int(i["n"]["N"]) for i in table["items"]) == list(range(300))
    assert not list(tmp_path.glob("*.tmp"))


def test_a_stop_kills_the_writer_and_leaves_no_snapshot(tmp_path: Path) -> None:
    patches.apply()
    path = tmp_path / "snapshot.json"
    writer = forked.start(path, seq=1)
    with pytest.raises(InterruptedError):
        writer.wait(lambda: True)
    assert not path.exists()


ORPHAN = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from qai_graph.emulator import forked, patches
    from qai_graph.emulator.wire import WireCaller
    patches.apply()
    wire = WireCaller(DomainDispatcherApplication(create_backend_app))
    wire.call("us-east-1", "CreateTable", CREATE)
    for n in range(4000):  # long enough to write that the parent is gone before its end
        item = {"pk": {"S": f"p{n % 50}"}, "sk": {"S": str(n)}, "pad": {"S": "x" * 200}}
        wire.call("us-east-1", "PutItem", {"TableName": CREATE["TableName"], "Item": item})
    writer = forked.start(Path(sys.argv[1]), seq=7)
    print(writer.pid, flush=True)
    os._exit(0)  # the emulator crashes while its writer is at work
    """
)


def test_an_orphaned_writer_gives_up_without_renaming(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    script = f"CREATE = {json.dumps(CREATE)}\n" + ORPHAN
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the orphaned writer did not stop"
    assert not path.exists()  # never renamed into place
    assert not list(tmp_path.glob("*.tmp"))  # and no temporary file left behind
