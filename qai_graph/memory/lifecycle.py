"""The service's lifecycle: opening and closing what it holds, readiness, call observers.

Kept apart from :mod:`qai_graph.memory.service` so the facade reads as the use cases;
``MemoryService`` builds the parts this class opens and closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Self

from qai_graph.config import MemoryConfig
from qai_graph.embeddings import Embedder
from qai_graph.memory.formation import Formation
from qai_graph.memory.prompt.assembly import PromptAssembler
from qai_graph.memory.prompt.persona import load_persona
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.store.client import CallObserver, DynamoClient
from qai_graph.store.table import create_table_if_not_exists

logger = logging.getLogger("qai_graph.memory.service")


class Lifecycle:
    """Start and stop the store client, the embedder and the recall index."""

    config: MemoryConfig
    store: DynamoClient
    embedder: Embedder
    recall_index: RecallIndex
    trust: TrustGate
    formation: Formation
    _prompt: PromptAssembler

    async def initialize(self) -> None:
        """Open the client and create the table if it is missing (idempotent)."""
        await self.store.open()
        await create_table_if_not_exists(self.store)
        self._prompt.persona = load_persona(self.config.persona_file)
        self.trust.warm_up()
        await self.embedder.start()
        await self.recall_index.open()
        if not self.recall_index.ready:
            await self.recall_index.build()
        self.recall_index.start_polling()
        self.formation.start()
        logger.info("memory service ready on table %s", self.config.dynamodb_table_name)

    async def close(self) -> None:
        """Stop formation and the recall index's poll, then close the embedder and the
        DynamoDB client (pending formation stays in the table for the next start)."""
        await self.formation.close()
        await self.recall_index.stop()
        await self.recall_index.close()
        await self.embedder.close()
        await self.store.close()

    async def __aenter__(self) -> Self:
        await self.initialize()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def observe_store_calls(self, observer: CallObserver) -> Callable[[], None]:
        """Tell ``observer`` of every DynamoDB call (the recall index's own client too);
        returns the function that stops it."""
        stop_store = self.store.observe(observer)
        stop_index = self.recall_index.db.observe(observer)

        def stop() -> None:
            stop_store()
            stop_index()

        return stop

    async def ready(self) -> bool:
        """True when the table answers."""
        return await self.store.ready()
