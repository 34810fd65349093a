"""The ``qai-graph`` command (see ``qai-graph -h``).

- ``main``: the parser and the dispatch of every command.
- ``serving``: the commands that run a face (serve, mcp, chat).
- ``data``: the commands that move data (emulator, export, import).
- ``hosts``: which addresses count as this machine only.
"""

from qai_graph.cli.hosts import is_loopback
from qai_graph.cli.main import main

__all__ = ["is_loopback", "main"]
