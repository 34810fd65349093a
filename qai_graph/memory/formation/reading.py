"""What an exchange says: the observer's sentences about the player, checked and embedded.

The exchange is read with its session's earlier turns (from the pending item, else the
working-memory session), the observer forms sentences, and each is kept only when it is
long enough and the trust rules find no instruction in it (text that reads as
instructions is never what QAI believes); kept sentences get their vectors in one call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from qai_graph.embeddings.base import encode_vector
from qai_graph.memory import validation
from qai_graph.memory.formation.beliefs import Sentence
from qai_graph.memory.formation.report import FormationReport
from qai_graph.memory.recall.search.documents import MODEL_ATTRIBUTE, VECTOR_ATTRIBUTE
from qai_graph.memory.recall.search.sync import RecallIndex
from qai_graph.memory.sessions import WorkingMemory, turns_of
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.observers import ExchangeView, Formed, Observer, Turn
from qai_graph.store import formation
from qai_graph.store.formation import PendingExchange

logger = logging.getLogger(__name__)

OBSERVE_CONCURRENCY = 8  # model backends: calls in flight per run
MIN_CONTENT_CHARS = 8
MODEL_BACKENDS = frozenset({"bedrock", "anthropic"})


class ExchangeReader:
    """Turns pending exchanges into the sentences formation applies."""

    def __init__(
        self,
        observer: Observer,
        working: WorkingMemory,
        recall: RecallIndex | None,
        trust: TrustGate,
    ) -> None:
        self.observer = observer
        self._working = working
        self._recall = recall
        self._trust = trust

    async def sentences(
        self,
        pendings: Sequence[PendingExchange],
        report: FormationReport,
        *,
        context_given: bool = False,
    ) -> list[list[Sentence]]:
        """What the observer forms from each exchange, checked and embedded.
        ``context_given``: each exchange's earlier turns are all its context (backfill:
        the earlier lines of its session in the file); the working memory is not read."""
        gate = asyncio.Semaphore(OBSERVE_CONCURRENCY)

        async def observe(pending: PendingExchange) -> list[Formed]:
            async with gate:
                view = await self._view(pending, context_given)
                try:
                    return await self.observer.observe(view)
                except Exception:
                    logger.exception("observer %s failed on one exchange", self.observer.name)
                    return []

        formed = await asyncio.gather(*(observe(p) for p in pendings))
        kept: list[list[tuple[Formed, str]]] = []
        for items in formed:
            good: list[tuple[Formed, str]] = []
            for f in items:
                text = _clean(f.content)
                if text is None or self._trust.assess_text(text).flag is not None:
                    # Text that reads as instructions is never what QAI believes.
                    report.skipped += 1
                    continue
                good.append((f, text))
            kept.append(good)
        texts = [text for good in kept for _, text in good]
        vectors = None
        if self._recall is not None and texts:
            vectors = await self._recall.embedder.embed(texts)
        out: list[list[Sentence]] = []
        n = 0
        for good in kept:
            row: list[Sentence] = []
            for f, text in good:
                vector = vectors[n] if vectors is not None else None
                attributes = (
                    {VECTOR_ATTRIBUTE: encode_vector(vector), MODEL_ATTRIBUTE: self._recall.model}
                    if vector is not None and self._recall is not None
                    else {}
                )
                row.append(
                    Sentence(
                        text,
                        f.category,
                        _formed_by(f),
                        vector,
                        attributes,
                    )
                )
                n += 1
            out.append(row)
        return out

    async def _view(self, pending: PendingExchange, context_given: bool) -> ExchangeView:
        earlier = pending.earlier
        if not earlier and pending.session_id and not context_given:
            with contextlib.suppress(Exception):
                session = await self._working.get_session(pending.session_id)
                if session is not None:
                    earlier = formation.earlier_turns(turns_of(session, before=pending.at))
        return ExchangeView(
            player=pending.player,
            message=pending.message,
            reply=pending.reply,
            earlier=tuple(Turn(s, t) for s, t in earlier),
            time=pending.at,
            channel=pending.channel,
            interaction_id=pending.interaction_id,
        )


def _formed_by(formed: Formed) -> str:
    """Which backend formed it: a model's name, else the local rules (a model backend
    forms unsampled exchanges, and every exchange while it is down, with them)."""
    return formed.rule if formed.rule in MODEL_BACKENDS else "local"


def _clean(content: str) -> str | None:
    text = " ".join(content.split()).strip()
    if len(text) < MIN_CONTENT_CHARS:
        return None
    return text[: validation.MAX_CONTENT_CHARS]
