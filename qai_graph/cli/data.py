"""The CLI's data commands: ``emulator``, ``create-table``, ``export``, ``import`` and
``backfill`` (see ``qai-graph -h``).

Kept apart from ``main.py`` so the commands that serve and those that move data evolve
separately; ``main.py`` only dispatches them. ``create-table``, ``export`` and ``import``
open the table alone (``qai_graph.app.open_backup``): no recall index build, no model
load. Failures are raised; ``main.py`` tells them in one line with their exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qai_graph.cli.hosts import is_loopback
from qai_graph.errors import InvalidInput
from qai_graph.failures import EXIT_BAD_INPUT, EXIT_REFUSED

if TYPE_CHECKING:  # imported when a command runs: --help needs no pydantic
    from qai_graph.config import MemoryConfig

STORE_COMMANDS = ("emulator", "create-table", "export", "import", "backfill")
BAD_LINES_SHOWN = 20
REMOTE_REFUSAL = """\
qai-graph emulator: refusing to listen on {host}: the emulator has no authentication,
so anyone who can reach it may read and change every item. Pass --allow-remote to
listen there anyway (behind a firewall you trust).
"""


def add_store_commands(commands: Any) -> None:
    """Register the data commands on ``commands`` (``parser._Commands``)."""
    emulator = commands.add_parser(
        "emulator",
        help="run the embedded DynamoDB as a standalone server (journal + snapshots)",
    )
    emulator.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    emulator.add_argument("--port", type=int, default=8001, help="the port; 0 picks a free one")
    emulator.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the data lives (default: QAI_MEMORY_DATA_DIR, else .qai-data)",
    )
    emulator.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")

    export = commands.add_parser(
        "export", help="write every live item as JSON Lines (DynamoDB JSON, a header first)"
    )
    export.add_argument(
        "--out", type=Path, default=None, help="the file to write (default: standard output)"
    )

    load = commands.add_parser(
        "import",
        help="load an export into the configured table (idempotent: full puts); a table "
        "that already holds items is refused without --force",
    )
    load.add_argument("file", type=Path, help="an export's JSON Lines file")
    load.add_argument(
        "--force",
        action="store_true",
        help="import into a table that holds items: the file's items replace theirs, "
        "other items stay",
    )

    backfill = commands.add_parser(
        "backfill",
        help="apply chat history (JSON Lines, one message a line) at each line's own time; "
        "idempotent by line id (docs/formation.md: Backfill)",
    )
    backfill.add_argument("file", help="a JSON Lines file, or - for standard input")
    backfill.add_argument(
        "--no-form",
        dest="form",
        action="store_false",
        help="do not wait for formation (pending items stay for a server's worker)",
    )
    backfill.add_argument("--json", action="store_true", help="print the report as JSON")


def run_store_command(config: MemoryConfig, args: argparse.Namespace) -> int:
    """Run a data command; returns the exit status."""
    import asyncio

    if args.command == "emulator":
        return _emulator(config, args)
    if args.command == "create-table":
        return asyncio.run(_create_table(config))
    if args.command == "export":
        return asyncio.run(_export(config, args.out))
    if args.command == "backfill":
        try:
            data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        except OSError as exc:
            problem = exc.strerror or exc
            print(f"qai-graph backfill: cannot read {args.file}: {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
        return asyncio.run(_backfill(config, data, form=args.form, as_json=args.json))
    return asyncio.run(_import(config, args.file, force=args.force))


def _emulator(config: MemoryConfig, args: argparse.Namespace) -> int:
    from qai_graph.emulator import standalone

    if not is_loopback(args.host) and not args.allow_remote:
        print(REMOTE_REFUSAL.format(host=args.host), file=sys.stderr, end="")
        return EXIT_REFUSED
    return standalone.run(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir or config.data_dir,
        interval=config.snapshot_interval_s,
        journal=config.journal,
    )


async def _create_table(config: MemoryConfig) -> int:
    from qai_graph.app import open_backup

    async with AsyncExitStack() as stack:
        backup = await open_backup(config, stack)
        created = await backup.create_table()
    print(f"table {config.dynamodb_table_name} is ready" + (" (created)" if created else ""))
    return 0


async def _export(config: MemoryConfig, out: Path | None) -> int:
    from tqdm import tqdm

    from qai_graph.app import open_backup

    async with AsyncExitStack() as stack:
        backup = await open_backup(config, stack)
        header = await backup.describe()
        stream = sys.stdout if out is None else stack.enter_context(out.open("w"))
        with tqdm(
            total=header["item_count"] or None, unit=" items", desc="export", file=sys.stderr
        ) as bar:
            count = await backup.export(stream, bar.update)
        stream.flush()
    print(f"exported {count} items of {config.dynamodb_table_name}", file=sys.stderr)
    return 0


def _read_export(path: Path) -> tuple[str, int]:
    """The file's header line and how many item lines follow it; InvalidInput when it
    is not text (an unreadable path raises OSError, told as bad input too)."""
    try:
        with path.open(encoding="utf-8") as file:
            header = file.readline()
            return header, sum(1 for line in file if line.strip())
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path} is not a qai-graph export (not UTF-8 text)") from exc


async def _import(config: MemoryConfig, path: Path, *, force: bool) -> int:
    from tqdm import tqdm

    from qai_graph.app import open_backup

    header, total = _read_export(path)  # before the store: a bad file fails fast
    async with AsyncExitStack() as stack:
        backup = await open_backup(config, stack)
        await backup.prepare_import(header, force=force)  # creates the table if missing
        with path.open(encoding="utf-8") as file:
            file.readline()
            with tqdm(total=total, unit=" items", desc="import", file=sys.stderr) as bar:
                count = await backup.import_items(file, bar.update)
    print(f"imported {count} items into {config.dynamodb_table_name}", file=sys.stderr)
    return 0


async def _backfill(config: MemoryConfig, data: bytes, *, form: bool, as_json: bool) -> int:
    """Exit 0 when every line was good, 1 when some were bad (the others are applied);
    a failure of the store is raised with a note that applied lines stay applied."""
    from tqdm import tqdm

    from qai_graph.app import open_service

    lines = data.splitlines()  # bytes: splits on \n, \r\n and \r only
    bar = tqdm(total=None, unit=" lines", desc="backfill", file=sys.stderr)
    progress = _progress(bar, form)
    try:
        async with AsyncExitStack() as stack:
            service = await open_service(config, stack)
            report = await service.backfill(lines, progress, form=form)
    except Exception as exc:
        exc.add_note("lines applied so far stay applied; run again to go on")
        raise
    finally:
        bar.close()
    for bad in report.bad[:BAD_LINES_SHOWN]:
        print(f"line {bad.number}: {bad.reason}", file=sys.stderr)
    if len(report.bad) > BAD_LINES_SHOWN:
        print(f"... and {len(report.bad) - BAD_LINES_SHOWN} more bad lines", file=sys.stderr)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    print(f"qai-graph backfill: {report.summary()}", file=sys.stderr)
    return 1 if report.bad else 0


def _progress(bar: Any, form: bool) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done == total and form:
            bar.set_postfix_str("finishing formation")

    return progress
