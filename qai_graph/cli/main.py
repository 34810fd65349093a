"""The ``qai-graph`` command's parser and dispatch: serve | mcp | chat (``serving.py``),
emulator | export | import (``data.py``), create-table | consolidate | reindex |
export-schema | api-key (here)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path

from pydantic import ValidationError

from qai_graph.cli import serving
from qai_graph.cli.data import STORE_COMMANDS, add_store_commands, run_store_command
from qai_graph.config import API_ROLES, MemoryConfig, describe_errors
from qai_graph.failures import describe
from qai_graph.logs import configure_logging
from qai_graph.version import __version__

logger = logging.getLogger("qai_graph.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qai-graph",
        description="QAI's memory as a GraphQL service. Settings come from QAI_MEMORY_* "
        "variables; with no QAI_MEMORY_DYNAMODB_ENDPOINT (and not QAI_MEMORY_USE_AWS=true) "
        "an embedded DynamoDB emulator keeps data in QAI_MEMORY_DATA_DIR.",
    )
    parser.add_argument("--version", action="version", version=f"qai-graph {__version__}")
    log_levels = ["debug", "info", "warning", "error"]
    parser.add_argument(
        "--log-level", choices=log_levels, help="default: QAI_MEMORY_LOG_LEVEL, else info"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL API under uvicorn")
    # Also after `serve`; SUPPRESS keeps a level given before `serve` when none is given here.
    serve.add_argument("--log-level", choices=log_levels, default=argparse.SUPPRESS)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--allow-origin",
        dest="allowed_origins",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin (e.g. an overlay's https://host) allowed to call the API and "
        "open subscriptions; repeatable; '*' allows any",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        type=serving.forwarded_allow_ips,
        metavar="ADDRESSES",
        help="proxies (comma-separated addresses or networks, '*' for any) whose "
        "X-Forwarded-For names the client for the pre-auth cap and the logs; default: "
        "QAI_MEMORY_FORWARDED_ALLOW_IPS, else none (docs/operations.md)",
    )
    ide = serve.add_mutually_exclusive_group()
    ide.add_argument("--graphiql", dest="graphiql", action="store_true", default=None)
    ide.add_argument("--no-graphiql", dest="graphiql", action="store_false")

    commands.add_parser(
        "mcp",
        help="serve QAI's memory as MCP tools on stdin/stdout (Claude Desktop, IDEs); "
        "the same settings as serve, logs on stderr",
    )
    chat = commands.add_parser(
        "chat",
        help="QAI's response loop: answer chat lines ('player: message') from stdin, or a "
        "Twitch channel, with memory; API key in QAI_CHAT_API_KEY, Twitch token in "
        "TWITCH_OAUTH_TOKEN",
    )
    chat.add_argument("--url", default="http://127.0.0.1:8000/graphql", help="the GraphQL API")
    chat.add_argument(
        "--in-process", action="store_true", help="open the memory here (serve's settings)"
    )
    chat.add_argument("--model", choices=["offline", "anthropic", "bedrock"], default="offline")
    chat.add_argument("--model-id", help="the hosted model's id")
    chat.add_argument("--twitch-channel", help="answer this Twitch channel instead of stdin")
    chat.add_argument("--twitch-login", help="the bot's Twitch login")
    add_store_commands(commands)
    commands.add_parser("create-table", help="create the table (and its TTL) if missing")
    commands.add_parser("consolidate", help="promote, prune and trim memory once")
    commands.add_parser(
        "reindex",
        help="store embeddings on memories written without one (QAI_MEMORY_EMBEDDINGS model); "
        "idempotent",
    )

    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")

    api_key = commands.add_parser(
        "api-key", help="print a new random API key and its QAI_MEMORY_API_KEYS entry"
    )
    api_key.add_argument("--role", choices=API_ROLES, required=True)
    api_key.add_argument(
        "--name", help="who holds the key (letters, digits, . _ @ -): the moderation log's 'by'"
    )
    return parser


async def _create_table(config: MemoryConfig) -> int:
    from qai_graph.app import open_service

    async with AsyncExitStack() as stack:
        await open_service(config, stack)  # initialize() creates the table if missing
    print(f"table {config.dynamodb_table_name} is ready")
    return 0


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "serve" and argv is None:  # a process of its own, not a caller's
        serving.serve_with_system_allocator()
    try:
        config: MemoryConfig | None = MemoryConfig()
    except ValidationError as exc:
        config, problems = None, describe_errors(exc)
    args.log_level = args.log_level or (config.log_level if config else "info")
    configure_logging(args.log_level, config.log_format if config else "text")
    if args.command == "export-schema":
        return _export_schema(args.output)
    if args.command == "api-key":
        from qai_graph.api.auth import new_key

        try:
            key, entry = new_key(args.role, args.name)
        except ValueError as exc:
            print(f"qai-graph api-key: {exc}", file=sys.stderr)
            return 2
        print(f"key:   {key}")
        print(f"entry: {entry}")
        print("Give the key to the client; add the entry to QAI_MEMORY_API_KEYS (comma-separated).")
        return 0
    if config is None:
        print("qai-graph: invalid configuration, not starting:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 2
    try:
        return _run(config, args)
    except Exception as exc:
        failure = describe(exc)
        if failure is None:
            raise
        print(f"qai-graph {args.command}: {failure.line}", file=sys.stderr)
        return failure.status


def _run(config: MemoryConfig, args: argparse.Namespace) -> int:
    """Run a command that needs the configuration; returns the exit status."""
    if args.command in STORE_COMMANDS:
        return run_store_command(config, args)
    if args.command == "serve":
        return serving.serve(config, args)
    if args.command == "chat":
        return asyncio.run(serving.chat(config, args))
    if args.command == "mcp":
        return asyncio.run(serving.mcp(config))
    if args.command == "create-table":
        return asyncio.run(_create_table(config))
    if args.command == "reindex":
        return asyncio.run(_reindex(config))
    return asyncio.run(_consolidate(config))
