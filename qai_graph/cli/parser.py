"""The ``qai-graph`` command line: every command and option, with its help and default.

Two options belong to every command and are accepted before or after its name:
``--log-level`` and ``--debug`` (a failure's traceback after its one line). A subcommand
declares them with ``SUPPRESS`` defaults, so a value given before the command is kept
when none is given after it. Exit statuses (``qai_graph.failures``) close ``--help``.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from qai_graph.cli import serving
from qai_graph.cli.data import add_store_commands
from qai_graph.failures import EXIT_CODES
from qai_graph.roles import API_ROLES
from qai_graph.version import __version__

WIDTH = 78  # descriptions are wrapped here: the formatter keeps the epilog's lines as written
LOG_LEVELS = ("debug", "info", "warning", "error")
DESCRIPTION = (
    "QAI's memory as a GraphQL service. Settings come from QAI_MEMORY_* variables; with "
    "no QAI_MEMORY_DYNAMODB_ENDPOINT (and not QAI_MEMORY_USE_AWS=true) an embedded "
    "DynamoDB emulator keeps data in QAI_MEMORY_DATA_DIR. --log-level and --debug are "
    "accepted before or after any command."
)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help with each option's default appended, as
    ``ArgumentDefaultsHelpFormatter`` does, but not for flags (off unless given),
    required options, a default of None (its help says what happens instead) or help
    that already names its default; the epilog keeps its line breaks."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (
            "default" in text
            or action.default in (None, argparse.SUPPRESS)
            or action.nargs == 0
            or action.required
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


def _epilog() -> str:
    lines = [f"  {status:>3}  {kind}" for status, kind in {0: "done", **EXIT_CODES}.items()]
    return "exit status:\n" + "\n".join(lines) + "\n\nMore: docs/cli.md"


def _common(*, top: bool) -> argparse.ArgumentParser:
    """--log-level and --debug; after a command their defaults are SUPPRESS (see above)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=None if top else argparse.SUPPRESS,
        help="log verbosity (default: QAI_MEMORY_LOG_LEVEL, else info)",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="on a failure, print its traceback too",
    )
    return common


class _Commands:
    """Adds a command with the shared options, formatter and epilog."""

    def __init__(self, commands: Any) -> None:
        self._commands = commands
        self._common = _common(top=False)

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """Register command ``name`` (argparse's ``add_parser`` keywords)."""
        parser: argparse.ArgumentParser = self._commands.add_parser(
            name,
            parents=[self._common],
            formatter_class=HelpFormatter,
            description=textwrap.fill(kwargs.get("help", ""), WIDTH),
            epilog="exit status: see qai-graph --help (docs/cli.md)",
            **kwargs,
        )
        return parser


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    parser = argparse.ArgumentParser(
        prog="qai-graph",
        description=textwrap.fill(DESCRIPTION, WIDTH),
        epilog=_epilog(),
        formatter_class=HelpFormatter,
        parents=[_common(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"qai-graph {__version__}")
    commands = _Commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    _add_serving_commands(commands)
    add_store_commands(commands)
    _add_maintenance_commands(commands)
    return parser


def _add_serving_commands(commands: _Commands) -> None:
    serve = commands.add_parser("serve", help="run the GraphQL API under uvicorn")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on")
    serve.add_argument(
        "--allow-origin",
        dest="allowed_origins",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin (e.g. an overlay's https://host) allowed to call the API and "
        "open subscriptions; repeatable; '*' allows any (default: none)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        type=serving.forwarded_allow_ips,
        metavar="ADDRESSES",
        help="proxies (comma-separated addresses or networks, '*' for any) whose "
        "X-Forwarded-For names the client for the pre-auth cap and the logs (default: "
        "QAI_MEMORY_FORWARDED_ALLOW_IPS, else none; docs/operations.md)",
    )
    ide = serve.add_mutually_exclusive_group()
    ide.add_argument(
        "--graphiql",
        dest="graphiql",
        action="store_true",
        default=None,
        help="serve the GraphiQL IDE at GET /graphql (default: QAI_MEMORY_GRAPHIQL, else "
        "only in development mode on a local store)",
    )
    ide.add_argument("--no-graphiql", dest="graphiql", action="store_false", help="do not serve it")

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
    chat.add_argument(
        "--model",
        choices=["offline", "anthropic", "bedrock"],
        default="offline",
        help="who writes QAI's answers",
    )
    chat.add_argument(
        "--model-id",
        help="the hosted model's id (default: claude-sonnet-4-5 for anthropic, "
        "Claude 3.5 Haiku for bedrock)",
    )
    chat.add_argument(
        "--twitch-channel", help="answer this Twitch channel (default: lines from stdin)"
    )
    chat.add_argument(
        "--twitch-login",
        help="the bot's Twitch login (default: none; needed with --twitch-channel)",
    )


def _add_maintenance_commands(commands: _Commands) -> None:
    commands.add_parser("create-table", help="create the table (and its TTL) if missing")
    commands.add_parser("consolidate", help="promote, prune and trim memory once")
    commands.add_parser(
        "reindex",
        help="store embeddings on memories written without one (QAI_MEMORY_EMBEDDINGS model); "
        "idempotent",
    )
    export = commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    export.add_argument("--output", type=Path, help="write to this file (default: standard output)")
    api_key = commands.add_parser(
        "api-key", help="print a new random API key and its QAI_MEMORY_API_KEYS entry"
    )
    api_key.add_argument("--role", choices=API_ROLES, required=True, help="what the key may do")
    api_key.add_argument(
        "--name",
        help="who holds the key (letters, digits, . _ @ -): the moderation log's 'by' "
        "(default: none; the log shows key:<its hash prefix>)",
    )
