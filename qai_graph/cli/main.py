"""The ``qai-graph`` command: serve | mcp | chat | create-table | consolidate | reindex |
export-schema | api-key (and emulator | export | import, from cli_store.py)."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import logging
import os
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qai_graph.cli.data import STORE_COMMANDS, add_store_commands, run_store_command
from qai_graph.config import API_ROLES, MemoryConfig, describe_errors
from qai_graph.logs import configure_logging, uvicorn_logging

logger = logging.getLogger("qai_graph.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qai-graph",
        description="QAI's memory as a GraphQL service. Settings come from QAI_MEMORY_* "
        "variables; with no QAI_MEMORY_DYNAMODB_ENDPOINT (and not QAI_MEMORY_USE_AWS=true) "
        "an embedded DynamoDB emulator keeps data in QAI_MEMORY_DATA_DIR.",
    )
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
    return parser


DEVELOPMENT_MODE_REFUSAL = """\
qai-graph: refusing to serve on {host}: no API keys are configured (development mode,
where anyone who can connect may read, write and forget players). Development mode
serves only a loopback address (127.0.0.1, ::1, localhost). To serve on {host}, add keys:

    qai-graph api-key --role admin     # prints a key and its entry
    export QAI_MEMORY_API_KEYS="admin:<sha256>,writer:<sha256>,reader:<sha256>"
"""


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def uvicorn_options(config: MemoryConfig) -> dict[str, Any]:
    """uvicorn settings that enforce the API's limits at the server (WebSocket messages)."""
    from qai_graph.api.shutdown import drain_timeout

    return {
        "ws_max_size": config.max_body_bytes,
        "ws_ping_interval": 20.0,
        "ws_ping_timeout": 20.0,
        # A stop drains requests in flight for at most the operation deadline (+1 s).
        "timeout_graceful_shutdown": drain_timeout(config.operation_timeout_s),
    }


def _serve(config: MemoryConfig, args: argparse.Namespace) -> int:
    if config.development_mode and not is_loopback(args.host):
        print(DEVELOPMENT_MODE_REFUSAL.format(host=args.host), file=sys.stderr, end="")
        return 3
    from qai_graph.app import create_app
    from qai_graph.api.shutdown import run as run_server

    if config.development_mode:
        logger.warning("development mode: no API keys, everything is open (loopback only)")

    app = create_app(config, graphiql=args.graphiql, allowed_origins=args.allowed_origins)
    # uvicorn turns SIGINT/SIGTERM into a drain, then a lifespan shutdown that stops the
    # embedded store; run_server adds WebSockets closed with 1001 (api/shutdown.py).
    run_server(
        app,
        host=args.host,
        port=args.port,
        **uvicorn_logging(args.log_level),
        **uvicorn_options(config),
    )
    return 0


async def _create_table(config: MemoryConfig) -> int:
    from qai_graph.memory.opening import open_service

    async with AsyncExitStack() as stack:
        await open_service(config, stack)  # initialize() creates the table if missing
    print(f"table {config.dynamodb_table_name} is ready")
    return 0


async def _consolidate(config: MemoryConfig) -> int:
    from qai_graph.memory.opening import open_service

    async with AsyncExitStack() as stack:
        service = await open_service(config, stack)
        result = await service.consolidate_memories()
    print(json.dumps(result.model_dump(mode="json"), indent=2))
    return 0


async def _mcp(config: MemoryConfig) -> int:
    from qai_graph.mcp.server import serve_stdio
    from qai_graph.memory.opening import open_service

    async with AsyncExitStack() as stack:
        service = await open_service(config, stack)
        await serve_stdio(service, deadline_s=config.operation_timeout_s)
    return 0


async def _chat(config: MemoryConfig, args: argparse.Namespace) -> int:
    from qai_graph.chat.main import chat_main
    from qai_graph.chat.memory import ChatMemory, GraphQLMemory, InProcessMemory

    async with AsyncExitStack() as stack:
        memory: ChatMemory
        if args.in_process:
            from qai_graph.memory.opening import open_service

            memory = InProcessMemory(await open_service(config, stack))
        else:
            client = GraphQLMemory(args.url, os.environ.get("QAI_CHAT_API_KEY"))
            stack.push_async_callback(client.aclose)
            memory = client
        return await chat_main(
            memory,
            model=args.model,
            model_id=args.model_id,
            region=config.dynamodb_region,
            twitch_channel=args.twitch_channel,
            twitch_login=args.twitch_login,
        )


async def _reindex(config: MemoryConfig) -> int:
    from tqdm import tqdm

    from qai_graph.memory.opening import open_service

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


def _serve_with_system_allocator() -> None:
    """Re-run ``qai-graph serve`` (same PID, same arguments) with ``PYTHONMALLOC=malloc``
    unless PYTHONMALLOC is set already (set it to ``pymalloc`` to keep Python's own).

    Python's small-object allocator keeps an arena while any object in it lives, so after
    a flood of connections (1,000 unauthenticated WebSockets, issue 9) the server stayed
    ~26 MB above its baseline for good; with glibc's malloc, which the pre-auth gate trims
    when a flood ends, it comes back to within ~2 MB. Measured in bench/RESULTS.md."""
    if os.environ.get("PYTHONMALLOC") is not None or not sys.platform.startswith("linux"):
        return
    env = {**os.environ, "PYTHONMALLOC": "malloc"}
    # orig_argv: the interpreter's own options and the script or -m as first invoked.
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "serve" and argv is None:  # a process of its own, not a caller's
        _serve_with_system_allocator()
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

        key, entry = new_key(args.role)
        print(f"key:   {key}")
        print(f"entry: {entry}")
        print("Give the key to the client; add the entry to QAI_MEMORY_API_KEYS (comma-separated).")
        return 0
    if config is None:
        print("qai-graph: invalid configuration, not starting:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 2
    if args.command in STORE_COMMANDS:
        return run_store_command(config, args)
    if args.command == "serve":
        return _serve(config, args)
    if args.command == "chat":
        return asyncio.run(_chat(config, args))
    if args.command == "mcp":
        return asyncio.run(_mcp(config))
    if args.command == "create-table":
        return asyncio.run(_create_table(config))
    if args.command == "reindex":
        return asyncio.run(_reindex(config))
    return asyncio.run(_consolidate(config))


if __name__ == "__main__":
    raise SystemExit(main())
