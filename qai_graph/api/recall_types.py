"""GraphQL types of recall's answer: the memories, and the time the query named.

(Beside ``types``, which holds ``Memory`` and the other object types.)
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from qai_graph import models
from qai_graph.api.types import Memory


@strawberry.type(
    description="A time the query named ('on 31 July, 2023', 'yesterday', 'last stream'), "
    "as recall read it: memories of [start, end) were lifted."
)
class TimePeriod:
    """One period read from a recall query."""

    start: datetime
    end: datetime
    text: str = strawberry.field(description="The query's words it was read from.")

    @classmethod
    def from_model(cls, item: models.TimePeriod) -> TimePeriod:
        """Map a period."""
        return cls(start=item.start, end=item.end, text=item.text)


@strawberry.type(description="The memories recalled for a query, best first.")
class RecallResult:
    """Result of a recall."""

    memories: list[Memory]
    sources: list[str]
    query: str
    total_found: int
    periods: list[TimePeriod] = strawberry.field(
        description="The times the query named, as read (empty: it named none). They lift "
        "memories of that time; since/until are what filter."
    )

    @classmethod
    def from_model(cls, item: models.RecallResult) -> RecallResult:
        """Map a recall result."""
        return cls(
            memories=[Memory.from_model(m) for m in item.memories],
            sources=list(item.sources),
            query=item.query,
            total_found=item.total_found,
            periods=[TimePeriod.from_model(p) for p in item.periods],
        )
