"""The CLI's data commands: ``emulator``, ``export``, ``import`` and ``backfill`` (see
``qai-graph -h``).

Kept apart from ``main.py`` so the commands that serve and those that move data evolve
separately; ``main.py`` only registers and dispatches them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from qai_graph.cli.hosts import is_loopback
from qai_graph.config import MemoryConfig

STORE_COMMANDS = ("emulator", "export", "import", "backfill")
BAD_LINES_SHOWN = 20
REMOTE_REFUSAL = """\
qai-graph emulator: refusing to listen on {host}: the emulator has no authentication,
so anyone who can reach it may read and change every item. Pass --allow-remote to
listen there anyway (behind a firewall you trust).
"""


def add_store_commands(commands: Any) -> None:
    emulator = commands.add_parser(
        "emulator",
        help="run the embedded DynamoDB as a standalone server (journal + snapshots)",
    )
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    emulator.add_argument(
        "--data-dir", type=Path, default=None, help="default: QAI_MEMORY_DATA_DIR (.qai-data)"
    )
    emulator.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")

    export = commands.add_parser(
        "export", help="write every live item as JSON Lines (DynamoDB JSON, a header first)"
    )
    export.add_argument("--out", type=Path, default=None, help="default: standard output")

    load = commands.add_parser(
        "import", help="load an export into the configured table (idempotent)"
    )
    load.add_argument("file", type=Path)

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
    """Run ``emulator``, ``export`` or ``import``; returns the exit status."""
    if args.command == "emulator":
        return _emulator(config, args)
    if args.command == "export":
        return asyncio.run(_export(config, args.out))
    if args.command == "backfill":
        try:
            data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        except OSError as exc:
            problem = exc.strerror or exc
            print(f"qai-graph backfill: cannot read {args.file}: {problem}", file=sys.stderr)
            return 2
        return asyncio.run(_backfill(config, data, form=args.form, as_json=args.json))
    return asyncio.run(_import(config, args.file))


def _emulator(config: MemoryConfig, args: argparse.Namespace) -> int:
    from qai_graph.emulator import standalone

    if not is_loopback(args.host) and not args.allow_remote:
        print(REMOTE_REFUSAL.format(host=args.host), file=sys.stderr, end="")
        return 3
    return standalone.run(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir or config.data_dir,
        interval=config.snapshot_interval_s,
        journal=config.journal,
    )


async def _export(config: MemoryConfig, out: Path | None) -> int:
    from tqdm import tqdm

    from qai_graph.app import open_service

    async with AsyncExitStack() as stack:
        service = await open_service(config, stack)
        header = await service.backup.describe()
        stream = sys.stdout if out is None else stack.enter_context(out.open("w"))
        with tqdm(
            total=header["item_count"] or None, unit=" items", desc="export", file=sys.stderr
        ) as bar:
            count = await service.backup.export(stream, bar.update)
        stream.flush()
    print(f"exported {count} items of {config.dynamodb_table_name}", file=sys.stderr)
    return 0


async def _import(config: MemoryConfig, path: Path) -> int:
    from tqdm import tqdm

    from qai_graph.app import open_service
    from qai_graph.errors import InvalidInput

    with path.open() as file:
        total = sum(1 for line in file if line.strip()) - 1
    async with AsyncExitStack() as stack:
        service = await open_service(config, stack)  # creates the table if missing
        with path.open() as file:
            try:
                await service.backup.check_header(file.readline())
                with tqdm(
                    total=max(total, 0), unit=" items", desc="import", file=sys.stderr
                ) as bar:
                    count = await service.backup.import_items(file, bar.update)
            except InvalidInput as exc:
                print(f"qai-graph import: {exc}", file=sys.stderr)
                return 2
    print(f"imported {count} items into {config.dynamodb_table_name}", file=sys.stderr)
    return 0


async def _backfill(config: MemoryConfig, data: bytes, *, form: bool, as_json: bool) -> int:
    """Exit 0 when every line was good, 1 when some were bad (the others are applied) or
    the store failed, 2 when the file cannot be read."""
    from tqdm import tqdm

    from qai_graph.app import open_service
    from qai_graph.errors import MemoryError_

    lines = data.splitlines()  # bytes: splits on \n, \r\n and \r only
    bar = tqdm(total=None, unit=" lines", desc="backfill", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done == total and form:
            bar.set_postfix_str("finishing formation")

    problem = None
    try:
        async with AsyncExitStack() as stack:
            service = await open_service(config, stack)
            report = await service.backfill(lines, progress, form=form)
    except MemoryError_ as exc:
        problem = str(exc)
    except Exception as exc:  # e.g. the store unreachable: one line, no traceback
        logging.getLogger(__name__).debug("backfill failed", exc_info=True)
        problem = f"{type(exc).__name__}: {exc}"
    finally:
        bar.close()
    if problem is not None:
        print(f"qai-graph backfill: {problem}", file=sys.stderr)
        print(
            "qai-graph backfill: lines applied so far stay applied; run again to go on",
            file=sys.stderr,
        )
        return 1
    for bad in report.bad[:BAD_LINES_SHOWN]:
        print(f"line {bad.number}: {bad.reason}", file=sys.stderr)
    if len(report.bad) > BAD_LINES_SHOWN:
        print(f"... and {len(report.bad) - BAD_LINES_SHOWN} more bad lines", file=sys.stderr)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    print(f"qai-graph backfill: {report.summary()}", file=sys.stderr)
    return 1 if report.bad else 0
