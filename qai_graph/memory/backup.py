"""The table as a whole: create it, describe it, export and import it (``qai-graph
create-table``, ``export``, ``import``); the format is :mod:`qai_graph.store.transfer`'s.

A memory-level facade beside :class:`~qai_graph.memory.service.MemoryService`, opened
by the composition root (``qai_graph.app.open_backup``) for the data commands: it holds
only a DynamoDB client, so those commands pay no service start (no recall index build,
which is a full-table Scan, no embedding model, no trust classifier) and the CLI still
never reaches the store.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from types import TracebackType
from typing import IO, Any, Self

from qai_graph.config import MemoryConfig
from qai_graph.errors import Conflict
from qai_graph.store import transfer
from qai_graph.store.client import DynamoClient
from qai_graph.store.table import create_table_if_not_exists
from qai_graph.store.transfer import Progress


class Backup:
    """JSON Lines out of and into the configured table, through a client of its own."""

    def __init__(self, config: MemoryConfig, endpoint: str | None = None) -> None:
        self.table_name = config.dynamodb_table_name
        self._db = DynamoClient(config, endpoint)

    async def open(self) -> None:
        """Open the DynamoDB client (no request is made)."""
        await self._db.open()

    async def close(self) -> None:
        """Close the client and its connections."""
        await self._db.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def create_table(self) -> bool:
        """Create the table (and its TTL) if missing; True when this call created it."""
        return await create_table_if_not_exists(self._db)

    async def holds_items(self) -> bool:
        """True when the table holds any item (one Scan of at most one item)."""
        return await transfer.holds_items(self._db)

    async def describe(self) -> dict[str, Any]:
        """The export header: format, version, the table's schema and its item count."""
        return await transfer.describe(self._db)

    async def export(self, out: IO[str], progress: Progress) -> int:
        """Write the header and every live item to ``out``; returns how many items."""
        return await transfer.export(self._db, out, int(time.time()), progress)

    async def prepare_import(self, header_line: str, *, force: bool = False) -> dict[str, Any]:
        """Ready the table for an export whose first line is ``header_line``: the table
        created if missing, its key schema checked against the header's. Raises
        :class:`~qai_graph.errors.InvalidInput` for another format or schema, and
        :class:`~qai_graph.errors.Conflict` when the table holds items and not ``force``
        (an import puts the file's items over theirs: a wrong table would be changed
        beyond undoing)."""
        header = transfer.read_header(header_line)
        await self.create_table()
        await transfer.check_schema(self._db, header)
        if not force and await self.holds_items():
            raise Conflict(
                f"table {self.table_name} already holds items; an import would put the "
                "file's items over theirs. Pass --force to import anyway, or set "
                "QAI_MEMORY_DYNAMODB_TABLE_NAME to an empty table."
            )
        return header

    async def import_items(self, lines: Iterable[str], progress: Progress) -> int:
        """Put every item of an export's lines after its header (idempotent: full puts)."""
        return await transfer.import_items(self._db, lines, progress)
