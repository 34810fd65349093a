"""The ``qai-graph`` command's dispatch: serve | mcp | chat (``serving.py``), emulator |
create-table | export | import | backfill (``data.py``), consolidate | reindex |
export-schema | api-key (here); the parser is ``parser.py``.

A command that fails prints one line, ``qai-graph <command>: <what failed and what to
do>``, and exits with its kind's status (``qai_graph.failures``); ``--debug`` prints the
traceback first. Anything of no known kind is told in one line too, with status 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from qai_graph.cli import serving
from qai_graph.cli.data import STORE_COMMANDS, run_store_command
from qai_graph.cli.parser import build_parser
from qai_graph.failures import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_UNEXPECTED, describe
from qai_graph.logs import configure_logging

if TYPE_CHECKING:
    from qai_graph.config import MemoryConfig

logger = logging.getLogger("qai_graph.cli")


async def _consolidate(config: MemoryConfig) -> int:
    from qai_graph.app import open_service

    async with AsyncExitStack() as stack:
        service = await open_service(config, stack)
        result = await service.consolidate_memories()
    print(json.dumps(result.model_dump(mode="json"), indent=2))
    return 0


async def _reindex(config: MemoryConfig) -> int:
    from tqdm import tqdm

    from qai_graph.app import open_service

    async with AsyncExitStack() as stack:
        service = await open_service(config, stack)
        bar = tqdm(desc="reindex", unit=" memories", total=service.recall_index.index.live)

        def progress(seen: int, written: int) -> None:
            bar.update(seen - bar.n)
            bar.set_postfix(written=written)

        seen, written = await service.reindex(progress)
        bar.close()
    print(f"{written} of {seen} items given {config.embeddings} vectors")
    return 0


def _export_schema(output: Path | None) -> int:
    from qai_graph.api.schema import export_schema

    sdl = export_schema()
    if output is None:
        sys.stdout.write(sdl)
    else:
        output.write_text(sdl, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return 0


def _api_key(args: argparse.Namespace) -> int:
    from qai_graph.api.auth import new_key

    try:
        key, entry = new_key(args.role, args.name)
    except ValueError as exc:
        print(f"qai-graph api-key: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"key:   {key}")
    print(f"entry: {entry}")
    print("Give the key to the client; add the entry to QAI_MEMORY_API_KEYS (comma-separated).")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = build_parser().parse_args(argv)  # --version and --help end here
    if args.command == "serve" and argv is None:  # a process of its own, not a caller's
        serving.serve_with_system_allocator()
    # Only what a command needs is imported, after its arguments are read: pydantic (for
    # the configuration) here, the service, a face or the recall encoder by the command.
    from pydantic import ValidationError

    from qai_graph.config import MemoryConfig, describe_errors

    try:
        config: MemoryConfig | None = MemoryConfig()
    except ValidationError as exc:
        config, problems = None, describe_errors(exc)
    args.log_level = args.log_level or (config.log_level if config else "info")
    configure_logging(args.log_level, config.log_format if config else "text")
    try:
        if args.command == "export-schema":
            return _export_schema(args.output)
        if args.command == "api-key":
            return _api_key(args)
        if config is None:
            print("qai-graph: invalid configuration, not starting:", file=sys.stderr)
            for line in problems:
                print(f"  {line}", file=sys.stderr)
            return EXIT_BAD_INPUT
        return _run(config, args)
    except KeyboardInterrupt:
        print(f"qai-graph {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return report(args.command, exc, debug=args.debug)


def report(command: str, exc: BaseException, *, debug: bool) -> int:
    """Tell a command's failure: its traceback when ``debug``, then its one line and any
    notes; returns its exit status."""
    if debug:
        traceback.print_exception(exc)
    failure = describe(exc)
    if failure is not None:
        status, line = failure.status, failure.line
    else:
        status = EXIT_UNEXPECTED
        problem = " ".join(str(exc).split()) or "(no message)"
        line = f"unexpected failure: {type(exc).__name__}: {problem}."
        if not debug:
            line += " Run again with --debug for the traceback, and report it."
    print(f"qai-graph {command}: {line}", file=sys.stderr)
    for note in getattr(exc, "__notes__", ()):
        print(f"qai-graph {command}: {note}", file=sys.stderr)
    return status


def _run(config: MemoryConfig, args: argparse.Namespace) -> int:
    """Run a command that needs the configuration; returns the exit status."""
    import asyncio

    if args.command in STORE_COMMANDS:
        return run_store_command(config, args)
    if args.command == "serve":
        return serving.serve(config, args)
    if args.command == "chat":
        return asyncio.run(serving.chat(config, args))
    if args.command == "mcp":
        return asyncio.run(serving.mcp(config))
    if args.command == "reindex":
        return asyncio.run(_reindex(config))
    return asyncio.run(_consolidate(config))
