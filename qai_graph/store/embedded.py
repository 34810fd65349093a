"""Compatibility: :class:`EmbeddedDynamo` moved to :mod:`qai_graph.store.emulator.embedded`."""

from qai_graph.store.emulator.embedded import EmbeddedDynamo

__all__ = ["EmbeddedDynamo"]
