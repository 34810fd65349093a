"""The ``qai-graph`` command (see ``qai-graph -h``).

- ``main``: the dispatch of every command, and its failures told in one line.
- ``parser``: every command and option, with help and defaults.
- ``serving``: the commands that run a face (serve, mcp, chat).
- ``data``: the commands that move data (emulator, create-table, export, import,
  backfill).
- ``hosts``: which addresses count as this machine only.
"""

from qai_graph.cli.hosts import is_loopback
from qai_graph.cli.main import main

__all__ = ["is_loopback", "main"]
