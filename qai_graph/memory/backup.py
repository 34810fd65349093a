"""Export and import of the whole table (``qai-graph export`` / ``import``), through the
service so the CLI never reaches the store; the format is :mod:`qai_graph.store.transfer`'s.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import IO, Any

from qai_graph.store import transfer
from qai_graph.store.client import DynamoClient
from qai_graph.store.transfer import Progress


class Backup:
    """JSON Lines out of and into the service's table."""

    def __init__(self, db: DynamoClient) -> None:
        self._db = db

    async def describe(self) -> dict[str, Any]:
        """The export header: format, version, the table's schema and its item count."""
        return await transfer.describe(self._db)

    async def export(self, out: IO[str], progress: Progress) -> int:
        """Write the header and every live item to ``out``; returns how many items."""
        return await transfer.export(self._db, out, int(time.time()), progress)

    async def check_header(self, line: str) -> dict[str, Any]:
        """The header line of an export, checked against this table;
        :class:`~qai_graph.errors.InvalidInput` for another format or schema."""
        header = transfer.read_header(line)
        await transfer.check_schema(self._db, header)
        return header

    async def import_items(self, lines: Iterable[str], progress: Progress) -> int:
        """Put every item of an export's lines after its header (idempotent: full puts)."""
        return await transfer.import_items(self._db, lines, progress)
