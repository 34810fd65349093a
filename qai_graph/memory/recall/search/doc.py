"""One memory as recall sees it (``Doc``), and the kinds of memory the index holds."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

OBSERVATION, INTERACTION, PROFILE = 0, 1, 2
KIND_NAMES = ("observation", "interaction", "profile")
NO_TTL = math.inf

F32 = npt.NDArray[np.float32]
# One source of a formed observation as the index keeps it: (interaction id, line id,
# epoch seconds it was said or 0.0). A tuple, not a model: the index may hold ~1M docs.
SourceRef = tuple[str | None, str | None, float]


@dataclass(slots=True)
class Doc:
    """One memory as recall sees it."""

    pk: str
    sk: str
    kind: int
    ident: str  # observation id, interaction id, or the player's key for a profile
    subject: str  # the partition key: PLAYER#<key>, PATTERN#<id> or GENERAL
    player: str | None  # the player's key when the memory is about or with a player
    text: str  # observation content, the player's message, or the profile summary
    response: str | None  # QAI's reply (interactions)
    timestamp: float  # epoch seconds it was written or last reinforced
    ttl: float  # epoch seconds it expires; NO_TTL for long-term
    confidence: float
    evidence: int
    promoted: bool
    terms: tuple[str, ...]  # the indexed stems (to tell whether a re-index changes them)
    category: str | None = None
    display: str | None = None  # the player's display name
    # Trust (issue 19): a flagged or private memory is shown only to its player (the
    # speaker, or whom the observation is about); a hidden one, and every memory of a
    # banned player (``banned`` on their profile), to nobody.
    flag: str | None = None
    private: bool = False
    hidden: bool = False
    banned: bool = False
    channel: str | None = None  # interactions: where it was said (the prompt says so)
    # How many moderations the item had seen when read (its ``moderation_version``): a
    # copy read before a moderation never undoes it here (see ``upsert``, ``moderate``).
    moderated: int = 0
    # Formation (issue 20). Observations: the newest source only (recall reads them all
    # with the item; 64 per memory would multiply the index's size), and the id of the
    # observation that superseded it (ranked below that one, in no prompt). Interactions:
    # the backfilled line's id, when it was one.
    source: SourceRef | None = None
    superseded_by: str | None = None
    line_id: str | None = None
    # A session summary consolidation keeps (memory/consolidation/summaries.py): it tells
    # of one session, so a newer one never speaks over it (ranking's ``_supersede``).
    summary: bool = False
    # Interactions: the conversation it was said in (``threads``: its session, else its
    # channel's day), interned so a thread's docs share one string.
    thread: str | None = None
    # When it began (issue 21): an observation's first sighting, a profile's first_seen;
    # 0.0 for an interaction (a moment: ``timestamp``). Recall's periods match the span
    # from here to ``timestamp``.
    first: float = 0.0

    @property
    def superseded(self) -> bool:
        """Replaced by a newer observation of its subject (kept, out of every prompt)."""
        return self.superseded_by is not None

    @property
    def restricted(self) -> bool:
        """Shown to its own player only."""
        return self.flag is not None or self.private
