"""``qai-graph serve`` as a child process of the test, and what starting one needs.

The one way the tests (and bench/replicas.py) run the real command rather than the app
in this process (tests.support.api_harness.serve does that): the MCP, log, replica,
pre-auth flood, command-line and durability tests. A caller says how its server starts
(entry point, options, environment, working directory, where the output goes, its own
process group or not); ``ServeProcess`` owns the rest: the port, the wait for /readyz
and the stop.

Both entry points stay in use: the venv's ``qai-graph`` console script (``INSTALLED``,
the default) and ``python -m qai_graph.cli`` (``MODULE``).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

import httpx

QAI_GRAPH = str(Path(sys.executable).with_name("qai-graph"))
"""The venv's ``qai-graph`` console script."""
MODULE = (sys.executable, "-m", "qai_graph.cli")
"""The same command run as a module."""
INSTALLED = (QAI_GRAPH,) if Path(QAI_GRAPH).exists() else MODULE
"""The console script, or the module where the project is not installed."""

Output = Path | int | None
"""Where a stream goes: a file (appended to), ``subprocess.DEVNULL`` or ``STDOUT``, or
None for this process's own."""


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**settings: object) -> dict[str, str]:
    """This environment without any QAI_MEMORY_* variable, plus ``settings`` named by
    MemoryConfig field (``data_dir=...`` sets QAI_MEMORY_DATA_DIR). Formation is off
    unless ``observer`` is given (tests/conftest.py's make_config says why)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
    settings = {"observer": "none", **settings}
    env.update({f"QAI_MEMORY_{k.upper()}": str(v) for k, v in settings.items()})
    return env


class ServeProcess:
    """One ``<command> *options serve --port <port> *serve_args`` child on 127.0.0.1."""

    def __init__(
        self,
        env: Mapping[str, str],
        *serve_args: str,
        options: Sequence[str] = (),
        command: Sequence[str] = INSTALLED,
        port: int | None = None,
        stdout: Output = None,
        stderr: Output = None,
        cwd: Path | None = None,
        own_group: bool = False,
    ) -> None:
        """Start it; ``port`` None picks a free one, ``own_group`` gives it a process
        group of its own (``kill`` then reaches it and nothing else)."""
        self.port = free_port() if port is None else port
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout_path = stdout if isinstance(stdout, Path) else None
        self.stderr_path = stderr if isinstance(stderr, Path) else None
        self.own_group = own_group
        argv = [*command, *options, "serve", "--port", str(self.port), *serve_args]
        with ExitStack() as files:  # the child keeps its own copies of the descriptors
            out, err = (
                files.enter_context(o.open("ab")) if isinstance(o, Path) else o
                for o in (stdout, stderr)
            )
            self.process = subprocess.Popen(
                argv,
                env=dict(env),
                stdout=out,
                stderr=err,
                cwd=cwd,
                start_new_session=own_group,
            )

    @classmethod
    def with_logs(cls, env: Mapping[str, str], logs: Path, *serve_args: str) -> ServeProcess:
        """One whose stdout and stderr go to ``serve-<port>.out`` and ``.err`` in ``logs``."""
        port = free_port()
        out, err = logs / f"serve-{port}.out", logs / f"serve-{port}.err"
        return cls(env, *serve_args, port=port, stdout=out, stderr=err)

    @property
    def ws_url(self) -> str:
        """The WebSocket URL of /graphql."""
        return self.url.replace("http://", "ws://") + "/graphql"

    @property
    def mcp_url(self) -> str:
        """Its MCP endpoint (Streamable HTTP)."""
        return self.url + "/mcp"

    def block_until_ready(self, within: float = 60.0) -> None:
        """Until /readyz answers 200 (the table exists and answers); killed if it never does."""
        deadline = time.monotonic() + within
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}{self._tail()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"serve not ready within {within:g} s{self._tail()}")
            time.sleep(0.1)

    async def wait_ready(self, within: float = 60.0) -> None:
        """``block_until_ready`` off the event loop (several servers can start at once)."""
        await asyncio.to_thread(self.block_until_ready, within)

    def terminate(self) -> None:
        """Ask the server to stop (SIGTERM: a graceful shutdown)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, within: float = 20.0) -> int:
        """SIGTERM, then wait (SIGKILL if it hangs: the status is then -9); the exit status."""
        self.terminate()
        try:
            self.process.wait(within)
        except subprocess.TimeoutExpired:
            self.kill()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL (its whole group with ``own_group``) and reap it, if it still runs."""
        if self.process.poll() is None:
            if self.own_group:
                os.killpg(self.process.pid, signal.SIGKILL)
            else:
                self.process.kill()
            self.process.wait()

    def output_lines(self) -> list[str]:
        """Every non-empty line it wrote to its output files, stdout's then stderr's."""
        paths = dict.fromkeys(p for p in (self.stdout_path, self.stderr_path) if p is not None)
        text = "".join(path.read_text() for path in paths)
        return [line for line in text.splitlines() if line.strip()]

    def _tail(self) -> str:
        """The end of its stderr file (or stdout's, when stderr goes there), for errors."""
        path = self.stderr_path or self.stdout_path
        return f": {path.read_text()[-2000:]}" if path is not None and path.exists() else ""
