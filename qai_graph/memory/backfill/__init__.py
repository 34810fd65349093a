"""Backfill: chat history (JSON Lines) applied to memory as if recorded at its own time."""

from qai_graph.memory.backfill.apply import Backfiller
from qai_graph.memory.backfill.lines import BackfillLine, BadLine, parse_lines
from qai_graph.memory.backfill.report import BackfillReport

__all__ = ["BackfillLine", "BackfillReport", "Backfiller", "BadLine", "parse_lines"]
