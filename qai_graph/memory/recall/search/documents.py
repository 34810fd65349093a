"""Table items -> index documents: what each kind of memory says, and its vector.

Only three kinds of item are memories: observations (any subject), interactions and
player profiles. Their indexed text:
- observation: its content;
- interaction: the player's message twice (what they asked is what a question about
  the exchange names) and QAI's reply once;
- profile: play style, preferred patterns and the words people use to ask about a
  player's history with QAI ("known", "met", "talked"), but no counts, which change
  on every message and would re-index the profile each time.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np

from qai_graph.embeddings.base import decode_vector
from qai_graph.memory.recall.search.doc import (
    F32,
    INTERACTION,
    NO_TTL,
    OBSERVATION,
    PROFILE,
    Doc,
    SourceRef,
)
from qai_graph.memory.recall.search.text import terms
from qai_graph.memory.recall.search.threads import thread_key
from qai_graph.store import keys
from qai_graph.store.observations import sources_from_attribute

VECTOR_ATTRIBUTE = "embedding"
MODEL_ATTRIBUTE = "embedding_model"
RESPONSE_KEPT = 600  # characters of QAI's reply kept in memory (the prompt quotes 200)
PROFILE_WORDS = (
    "player profile: how long known, first met, first seen, last seen, how many times "
    "talked and chatted, interactions, play style, playstyle, describe, "
    "favourite preferred patterns"
)


def _epoch(value: Any) -> float:
    if not isinstance(value, str) or not value:
        return 0.0
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return 0.0


def _ttl(item: Mapping[str, Any]) -> float:
    ttl = item.get("ttl")
    return NO_TTL if ttl is None else float(ttl)


def _shared(name: Any) -> str | None:
    """A display name, interned: every line a player says carries the same one."""
    return sys.intern(name) if isinstance(name, str) else None


def kind_of(item: Mapping[str, Any]) -> int | None:
    """Which kind of memory an item is, or None for every other item."""
    entity = item.get("entity_type")
    if entity == "OBSERVATION":
        return OBSERVATION
    if entity == "INTERACTION":
        return INTERACTION
    if entity == "PLAYER":
        return PROFILE
    return None


def times(count: int) -> str:
    """How often we met, as the prompt and summaries say it: "1 time", "3 times"."""
    return f"{count} time" if count == 1 else f"{count} times"


def profile_text(item: Mapping[str, Any]) -> str:
    """A profile as one line (what the prompt and recall show)."""
    name = item.get("name", "")
    parts = [f"Player {name}: met {times(int(item.get('total_interactions', 0)))}"]
    first = str(item.get("first_seen", ""))[:10]
    if first:
        parts[0] += f" since {first}"
    if item.get("play_style"):
        parts.append(f"play style {item['play_style']}")
    patterns = item.get("preferred_patterns") or []
    if patterns:
        parts.append("prefers patterns " + ", ".join(str(p) for p in patterns[:5]))
    return "; ".join(parts)


def _trust(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "flag": item.get("flag") or None,
        "hidden": bool(item.get("hidden", False)),
        "moderated": int(item.get("moderation_version", 0)),
    }


def newest_source(item: Mapping[str, Any]) -> SourceRef | None:
    """An observation's newest source (provenance is stored oldest first), or None."""
    stored = item.get("sources")
    if not isinstance(stored, list) or not stored:
        return None
    try:
        (source,) = sources_from_attribute(stored[-1:])
    except (TypeError, ValueError, AttributeError):
        return None  # a malformed entry: the item is still a memory, without provenance
    at = source.at.timestamp() if source.at is not None else 0.0
    return (source.interaction_id, source.line_id, at)


def to_doc(item: Mapping[str, Any]) -> Doc | None:
    """The index document of a memory item, or None when the item is not a memory."""
    kind = kind_of(item)
    primary = keys.item_key_or_none(item)
    if kind is None or primary is None:
        return None
    pk, sk = primary
    # A partition's docs share one pk and one player key (a player has many memories).
    pk = sys.intern(pk)
    player = keys.player_key_or_none(pk)
    player = sys.intern(player) if player is not None else None
    if kind == OBSERVATION:
        content = str(item.get("content", ""))
        written = _epoch(item.get("timestamp"))
        seen = _epoch(item.get("last_reinforced")) or written
        return Doc(
            pk,
            sk,
            kind,
            str(item.get("observation_id", "")),
            pk,
            player,
            content,
            None,
            seen,
            _ttl(item),
            float(item.get("confidence", 0.5)),
            int(item.get("evidence_count", 1)),
            bool(item.get("promoted", False)),
            tuple(terms(content)),
            category=item.get("category"),
            **_trust(item),
            source=newest_source(item),
            superseded_by=item.get("superseded_by") or None,
            summary=bool(item.get("summary_key")),
            first=written,
        )
    if kind == INTERACTION:
        message = str(item.get("message", ""))
        reply = item.get("qai_response")
        reply_text = str(reply) if reply else ""
        said_at = _epoch(item.get("timestamp"))
        session = item.get("session_id")
        thread = thread_key(str(session) if session else None, item.get("channel"), said_at)
        return Doc(
            pk,
            sk,
            kind,
            str(item.get("interaction_id", "")),
            pk,
            player,
            message,
            reply_text[:RESPONSE_KEPT] or None,
            said_at,
            _ttl(item),
            0.5,
            1,
            False,
            tuple(terms(message) * 2 + terms(reply_text)),
            display=_shared(item.get("player")),
            private=bool(item.get("private", False)),
            channel=item.get("channel"),
            **_trust(item),
            line_id=item.get("line_id") or None,
            thread=sys.intern(thread),
        )
    style = item.get("play_style") or ""
    patterns = " ".join(str(p) for p in (item.get("preferred_patterns") or []))
    return Doc(
        pk,
        sk,
        kind,
        str(player or ""),
        pk,
        player,
        profile_text(item),
        None,
        _epoch(item.get("last_seen")),
        _ttl(item),
        1.0,
        int(item.get("total_interactions", 0)),
        False,
        tuple(terms(f"{PROFILE_WORDS} {style} {patterns}")),
        display=item.get("name"),
        banned=bool(item.get("banned", False)),
        moderated=int(item.get("moderation_version", 0)),
        first=_epoch(item.get("first_seen")),
    )


def embed_text(item: Mapping[str, Any]) -> str:
    """The text whose vector represents a memory (what ``to_doc`` indexes, once)."""
    kind = kind_of(item)
    if kind == OBSERVATION:
        return str(item.get("content", ""))
    if kind == INTERACTION:
        reply = item.get("qai_response") or ""
        return f"{item.get('message', '')} {str(reply)[:RESPONSE_KEPT]}"
    return ""


def stored_vector(item: Mapping[str, Any], model: str, dim: int) -> F32 | None:
    """The item's stored vector when it was made by ``model``, else None."""
    if item.get(MODEL_ATTRIBUTE) != model:
        return None
    data = item.get(VECTOR_ATTRIBUTE)
    if data is None:
        return None
    vector = decode_vector(bytes(data), dim)
    if vector is None or not np.all(np.isfinite(vector)):
        return None
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 and not math.isclose(norm, 0.0) else None
