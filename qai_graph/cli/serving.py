"""The CLI's commands that run a face: ``serve`` (GraphQL, MCP over HTTP and the pages,
under uvicorn), ``mcp`` (MCP on stdio) and ``chat`` (QAI's response loop)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

from qai_graph.cli.hosts import is_loopback
from qai_graph.failures import EXIT_REFUSED, Failure
from qai_graph.logs import uvicorn_logging

if TYPE_CHECKING:  # imported when a command runs: --version and --help need no pydantic
    from qai_graph.config import MemoryConfig

logger = logging.getLogger("qai_graph.cli")

DEVELOPMENT_MODE_REFUSAL = """\
qai-graph: refusing to serve on {host}: no API keys are configured (development mode,
where anyone who can connect may read, write and forget players). Development mode
serves only a loopback address (127.0.0.1, ::1, localhost). To serve on {host}, add keys:

    qai-graph api-key --role admin     # prints a key and its entry
    export QAI_MEMORY_API_KEYS="admin:<sha256>,writer:<sha256>,reader:<sha256>"
"""


def uvicorn_options(config: MemoryConfig) -> dict[str, Any]:
    """uvicorn settings that enforce the API's limits at the server (WebSocket messages)."""
    from qai_graph.api.shutdown import drain_timeout

    return {
        "ws_max_size": config.max_body_bytes,
        "ws_ping_interval": 20.0,
        "ws_ping_timeout": 20.0,
        # A stop drains requests in flight for at most the operation deadline (+1 s).
        "timeout_graceful_shutdown": drain_timeout(config.operation_timeout_s),
        **proxy_options(config),
    }


def proxy_options(config: MemoryConfig) -> dict[str, Any]:
    """uvicorn's proxy headers, from the trusted proxies only (none by default): its
    middleware sets each request's and WebSocket's client before the app sees it, so the
    pre-auth cap and the access log get the client's address (docs/operations.md)."""
    from qai_graph.config import trusted_proxies

    return {
        "proxy_headers": True,
        "forwarded_allow_ips": trusted_proxies(config.forwarded_allow_ips),
    }


def forwarded_allow_ips(value: str) -> str:
    """``--forwarded-allow-ips``, checked as QAI_MEMORY_FORWARDED_ALLOW_IPS is."""
    from qai_graph.config import trusted_proxies

    try:
        return ",".join(trusted_proxies(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def serve(config: MemoryConfig, args: argparse.Namespace) -> int:
    if config.development_mode and not is_loopback(args.host):
        print(DEVELOPMENT_MODE_REFUSAL.format(host=args.host), file=sys.stderr, end="")
        return EXIT_REFUSED
    from qai_graph.api.shutdown import run as run_server
    from qai_graph.app import create_app

    if config.development_mode:
        logger.warning("development mode: no API keys, everything is open (loopback only)")
    if getattr(args, "forwarded_allow_ips", None) is not None:
        config = config.model_copy(update={"forwarded_allow_ips": args.forwarded_allow_ips})
    if config.forwarded_allow_ips:
        logger.info("client addresses from X-Forwarded-For of %s", config.forwarded_allow_ips)

    app = create_app(config, graphiql=args.graphiql, allowed_origins=args.allowed_origins)
    # uvicorn turns SIGINT/SIGTERM into a drain, then a lifespan shutdown that stops the
    # embedded store; run_server adds WebSockets closed with 1001 (api/shutdown.py).
    try:
        run_server(
            app,
            host=args.host,
            port=args.port,
            **uvicorn_logging(args.log_level),
            **uvicorn_options(config),
        )
    except SystemExit:  # uvicorn's exit when the start failed
        failure: Failure | None = getattr(app.state, "startup_failure", None)
        if failure is None:
            raise
        if args.debug and failure.error is not None:
            traceback.print_exception(failure.error)
        print(f"qai-graph serve: {failure.line}", file=sys.stderr)
        return failure.status
    return 0


async def mcp(config: MemoryConfig) -> int:
    from qai_graph.app import open_service
    from qai_graph.mcp.server import serve_stdio

    async with AsyncExitStack() as stack:
        service = await open_service(config, stack)
        await serve_stdio(service, deadline_s=config.operation_timeout_s)
    return 0


async def chat(config: MemoryConfig, args: argparse.Namespace) -> int:
    from qai_graph.chat.main import chat_main
    from qai_graph.chat.memory import ChatMemory, GraphQLMemory, InProcessMemory

    async with AsyncExitStack() as stack:
        memory: ChatMemory
        if args.in_process:
            from qai_graph.app import open_service

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


def serve_with_system_allocator() -> None:
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
