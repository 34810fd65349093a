"""GraphQL types of turn context: the turns said around a recalled interaction, and
whether a query selects them (so ``recall`` reads them only when asked for)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry

from qai_graph import models


@strawberry.type(description="A turn said around a recalled interaction, in its conversation.")
class ContextTurn:
    """One turn of a recalled memory's context."""

    position: int = strawberry.field(
        description="-1: the turn just before the memory, 1: the turn just after; -2, 2: "
        "the next ones out. Turns the asker may not see are left out and not counted."
    )
    interaction_id: strawberry.ID = strawberry.field(description="The turn's interaction.")
    player: str = strawberry.field(description="Who said it.")
    message: str = strawberry.field(description="What they said.")
    response: str | None = strawberry.field(description="What QAI answered to it.")
    timestamp: datetime | None = strawberry.field(description="When it was said.")
    channel: str | None = strawberry.field(description="Where it was said.")
    flag: str | None = strawberry.field(
        description="Flagged as instruction-like (only ever the asker's own turn)."
    )
    private: bool = strawberry.field(description="Private (only ever the asker's own turn).")

    @classmethod
    def from_model(cls, item: models.ContextTurn) -> ContextTurn:
        """Map a context turn."""
        return cls(
            **item.model_dump(exclude={"interaction_id"}),
            interaction_id=strawberry.ID(item.interaction_id),
        )


def selects(fields: Iterable[Any], *path: str) -> bool:
    """Whether a selection (``info.selected_fields``) reaches ``path``, through fragments."""
    if not path:
        return True
    for selected in fields:
        name = getattr(selected, "name", None)
        inner = getattr(selected, "selections", None) or []
        if name is None or not hasattr(selected, "arguments"):  # a fragment or spread
            if selects(inner, *path):
                return True
        elif name == path[0] and selects(inner, *path[1:]):
            return True
    return False
