"""The installed package's version, from its metadata (pyproject.toml is the one place it
is written), for ``qai-graph --version``, the MCP server's handshake and /healthz-style
answers."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qai-graph")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
