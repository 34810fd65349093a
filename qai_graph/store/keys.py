"""The key schema: the one place key strings are built and parsed.

| item                     | pk                    | sk                               |
| ------------------------ | --------------------- | -------------------------------- |
| player profile           | PLAYER#<key>          | PROFILE                          |
| interaction              | PLAYER#<key>          | INTERACTION#<time id>            |
| observation              | PLAYER#<key> / PATTERN#<id> / GENERAL | OBSERVATION#<time id> |
| observation dedup guard  | (subject)             | DEDUP#<sha256 of content>        |
| idempotency record       | (player or subject)   | IDEMPOTENCY#<op>#<sha256 of key> |
| session                  | SESSION#<id>          | STATE                            |
| evolution                | EVOLUTION#current     | STATE, SHARD#<n>                 |
| pattern stats            | PATTERN#<id>          | STATS                            |
| consolidation runs       | CONSOLIDATION#runs    | STATE, RUN#<time id>             |
| forgotten-player marker  | FORGOTTEN#<key>       | MARKER                           |
| backfilled-line marker   | PLAYER#<key>          | BACKFILL#<line id>               |
| flagged-memory queue     | MODERATION#flagged    | FLAG#<time id>#<memory pk>#<sk>  |
| moderation log           | MODERATION#audit      | AUDIT#<time id>                  |
| ban list                 | MODERATION#banned     | BAN#<key>                        |
| moderation marker        | MODERATED#<time id>   | MARKER                           |

Sort keys are chosen so that a descending Query of a player partition yields
PROFILE, then OBSERVATION# (newest first), then INTERACTION# (newest first), and only
then IDEMPOTENCY#, FORMING#, DEDUP# and BACKFILL#: the bot's context is the head of one
Query. (A backfilled player has one marker per line, thousands at times: they sort below
INTERACTION# so the context's key range never reads them.)

Sparse index keys are write-sharded: ``PLAYER#<n>`` on the entity-type index and
``SHORT_TERM#<n>`` on the memory-tier index, so no index partition takes every write.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qai_graph.errors import InvalidInput

PLAYER_PREFIX = "PLAYER#"
PATTERN_PREFIX = "PATTERN#"
SESSION_PREFIX = "SESSION#"
GENERAL = "GENERAL"

PROFILE_SK = "PROFILE"
STATE_SK = "STATE"
STATS_SK = "STATS"
INTERACTION_PREFIX = "INTERACTION#"
OBSERVATION_PREFIX = "OBSERVATION#"
DEDUP_PREFIX = "DEDUP#"
IDEMPOTENCY_PREFIX = "IDEMPOTENCY#"
SHARD_PREFIX = "SHARD#"
RUN_PREFIX = "RUN#"

FORGOTTEN_PREFIX = "FORGOTTEN#"
FORMING_PREFIX = "FORMING#"  # an exchange whose formation is pending (store/formation.py)
# A backfilled line already applied (its id): backfill is idempotent. Not "LINE#": that
# sorts between INTERACTION# and OBSERVATION#, inside the range the bot's context reads.
LINE_PREFIX = "BACKFILL#"
MARKER_SK = "MARKER"

EVOLUTION_PK = "EVOLUTION#current"
FLAGGED_PK = "MODERATION#flagged"  # the moderators' queue of flagged memories
FLAGGED_PREFIX = "FLAG#"
AUDIT_PK = "MODERATION#audit"  # every moderation action, newest last
AUDIT_PREFIX = "AUDIT#"
BANNED_PK = "MODERATION#banned"  # the players under a ban, by key
BAN_PREFIX = "BAN#"
MODERATED_PREFIX = "MODERATED#"  # markers that tell other replicas of a moderation
CONSOLIDATION_PK = "CONSOLIDATION#runs"

MAX_NAME_LENGTH = 64
MAX_ID_LENGTH = 128
_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]+$")


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


# --- players ---------------------------------------------------------------------------


def clean_display_name(name: str) -> str:
    """Validate a player's name as given and return it trimmed (the display name)."""
    if not isinstance(name, str):
        raise InvalidInput("player name must be a string", field="name")
    display = unicodedata.normalize("NFKC", name).strip()
    if not display:
        raise InvalidInput("player name must not be empty", field="name")
    if len(display) > MAX_NAME_LENGTH:
        raise InvalidInput(f"player name is longer than {MAX_NAME_LENGTH} characters", field="name")
    if "#" in display or _has_control(display):
        raise InvalidInput("player name must not contain '#' or control characters", field="name")
    return display


def player_key(name: str) -> str:
    """The normalised key of a player: Twitch logins are case-insensitive."""
    return clean_display_name(name).casefold()


def player_pk(name: str) -> str:
    """Partition key of a player (profile, interactions, observations about them)."""
    return PLAYER_PREFIX + player_key(name)


def player_partition(key: str) -> str:
    """Partition key of a player key already normalised (what :func:`player_key` gave)."""
    return PLAYER_PREFIX + key


def player_subject(name: str) -> str:
    """A player's observation subject as clients write it (``PLAYER#<name>``, not yet
    normalised: :func:`parse_subject` does that when it is used)."""
    return PLAYER_PREFIX + name


def is_player_pk(pk: str) -> bool:
    """True for a player's partition (``PLAYER#<key>``), as a subject or an item's pk."""
    return pk.startswith(PLAYER_PREFIX)


def is_pattern_pk(pk: str) -> bool:
    """True for a pattern's partition (``PATTERN#<id>``), as a subject or an item's pk."""
    return pk.startswith(PATTERN_PREFIX)


def player_key_or_none(pk: str) -> str | None:
    """The player key of a ``PLAYER#<key>`` partition key; None for any other partition."""
    return pk[len(PLAYER_PREFIX) :] if pk.startswith(PLAYER_PREFIX) else None


def player_key_from_pk(pk: str) -> str:
    """The player key inside a ``PLAYER#<key>`` partition key."""
    if not pk.startswith(PLAYER_PREFIX):
        raise ValueError(f"not a player partition: {pk!r}")
    return pk[len(PLAYER_PREFIX) :]


# --- identifiers -----------------------------------------------------------------------


def check_id(value: str, what: str) -> str:
    """Validate an opaque identifier (session, pattern, observation, interaction id)."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{what} must not be empty", field=what)
    if len(value) > MAX_ID_LENGTH or not _ID_PATTERN.match(value):
        raise InvalidInput(
            f"{what} must be 1-{MAX_ID_LENGTH} characters of letters, digits, '.', '_', ':', '-'",
            field=what,
        )
    return value


def new_time_id(now: float | None = None) -> str:
    """A time-sortable unique id: 13-digit epoch milliseconds, '-', 12 random hex digits."""
    millis = int((time.time() if now is None else now) * 1000)
    return f"{millis:013d}-{os.urandom(6).hex()}"


def line_time_id(at: float, key: str, line_id: str) -> str:
    """The time id of a backfilled line's interaction: like :func:`new_time_id`, but the
    12 hex digits come from the player and the line's id, so a replay names the same key."""
    millis = int(at * 1000)
    digest = hashlib.sha256(f"{key}#{line_id}".encode()).hexdigest()[:12]
    return f"{millis:013d}-{digest}"


# --- subjects of observations ------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A parsed observation subject: its partition key and its canonical text."""

    pk: str
    kind: str  # "PLAYER", "PATTERN", "GENERAL"
    ident: str  # player key, pattern id, or ""

    @property
    def text(self) -> str:
        """Canonical subject string, as clients write it."""
        return self.pk


def parse_subject(subject: str) -> Subject:
    """Parse ``PLAYER#<name>``, ``PATTERN#<id>`` or ``GENERAL``; anything else is invalid."""
    if not isinstance(subject, str):
        raise InvalidInput("subject must be a string", field="subject")
    text = subject.strip()
    if text.upper() == GENERAL:
        return Subject(GENERAL, "GENERAL", "")
    head, sep, rest = text.partition("#")
    if sep and head.upper() == "PLAYER":
        key = player_key(rest)
        return Subject(PLAYER_PREFIX + key, "PLAYER", key)
    if sep and head.upper() == "PATTERN":
        pattern = check_id(rest, "pattern_id")
        return Subject(PATTERN_PREFIX + pattern, "PATTERN", pattern)
    raise InvalidInput(
        "subject must be 'PLAYER#<name>', 'PATTERN#<id>' or 'GENERAL'", field="subject"
    )


def pattern_pk(pattern_id: str) -> str:
    """Partition key of a pattern (its stats and observations)."""
    return PATTERN_PREFIX + check_id(pattern_id, "pattern_id")


# --- sort keys -------------------------------------------------------------------------


def interaction_sk(interaction_id: str) -> str:
    """Sort key of an interaction."""
    return INTERACTION_PREFIX + interaction_id


def observation_sk(observation_id: str) -> str:
    """Sort key of an observation."""
    return OBSERVATION_PREFIX + observation_id


def id_from_sk(sk: str, prefix: str) -> str:
    """The id after a sort-key prefix."""
    if not sk.startswith(prefix):
        raise ValueError(f"sort key {sk!r} does not start with {prefix!r}")
    return sk[len(prefix) :]


def dedup_sk(normalised_content: str) -> str:
    """Sort key of the guard that makes an observation's content unique per subject."""
    return DEDUP_PREFIX + hashlib.sha256(normalised_content.encode()).hexdigest()


def idempotency_sk(operation: str, idempotency_key: str) -> str:
    """Sort key of an idempotency record; the key is hashed so any string is safe."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
    return f"{IDEMPOTENCY_PREFIX}{operation}#{digest}"


def session_pk(session_id: str) -> str:
    """Partition key of a session (working memory)."""
    return SESSION_PREFIX + check_id(session_id, "session_id")


def shard_sk(shard: int) -> str:
    """Sort key of one evolution counter shard."""
    return f"{SHARD_PREFIX}{shard:03d}"


def forgotten_pk(key: str) -> str:
    """Partition of the marker that tells other replicas' recall indexes a player is gone."""
    return FORGOTTEN_PREFIX + key


def run_sk(run_id: str) -> str:
    """Sort key of one consolidation run record."""
    return RUN_PREFIX + run_id


# --- sparse, write-sharded index keys ----------------------------------------------------


def _shard_of(text: str, shards: int) -> int:
    return zlib.crc32(text.encode()) % shards


def player_index_pk(key: str, shards: int) -> str:
    """entity-type-index partition of a player profile: ``PLAYER#<n>``."""
    return f"PLAYER#{_shard_of(key, shards)}"


def player_index_pks(shards: int) -> list[str]:
    """Every entity-type-index partition that holds player profiles."""
    return [f"PLAYER#{n}" for n in range(shards)]


def forming_sk(interaction_id: str) -> str:
    """Sort key of an exchange's pending formation, in its player's partition."""
    return f"{FORMING_PREFIX}{interaction_id}"


def forming_index_pk(key: str, shards: int) -> str:
    """entity-type-index partition of pending formations: ``FORMING#<n>``."""
    return f"{FORMING_PREFIX}{_shard_of(key, shards)}"


def forming_index_pks(shards: int) -> list[str]:
    """Every entity-type-index partition that holds pending formations."""
    return [f"{FORMING_PREFIX}{n}" for n in range(shards)]


def line_sk(line_id: str) -> str:
    """Sort key of a backfilled line's marker, in its player's partition."""
    return f"{LINE_PREFIX}{line_id}"


def pattern_index_pk() -> str:
    """entity-type-index partition of pattern stats (few items, rarely written)."""
    return "PATTERN"


def recency_sort_key(last_seen_iso: str, key: str) -> str:
    """entity-type-index sort key: last seen, then the key, so ties order stably."""
    return f"{last_seen_iso}#{key}"


def tier_index_pk(pk: str, shards: int) -> str:
    """memory-tier-index partition of a short-term item: ``SHORT_TERM#<n>``."""
    return f"SHORT_TERM#{_shard_of(pk, shards)}"


def tier_index_pks(shards: int) -> list[str]:
    """Every memory-tier-index partition that holds short-term items."""
    return [f"SHORT_TERM#{n}" for n in range(shards)]


# --- items -----------------------------------------------------------------------------


def item_key(item: Mapping[str, Any]) -> tuple[str, str]:
    """An item's primary key, ``(pk, sk)``."""
    return item["pk"], item["sk"]


def item_key_or_none(item: Mapping[str, Any]) -> tuple[str, str] | None:
    """An item's primary key, or None when it lacks a string ``pk`` and ``sk``."""
    pk, sk = item.get("pk"), item.get("sk")
    return (pk, sk) if isinstance(pk, str) and isinstance(sk, str) else None


def sort_key(item: Mapping[str, Any]) -> str:
    """An item's sort key."""
    return str(item["sk"])


def flagged_sk(memory_pk: str, memory_sk: str) -> str:
    """Sort key of a flagged memory's queue entry: newest last, one entry per memory."""
    time_id = memory_sk.rsplit("#", 1)[-1]
    return f"{FLAGGED_PREFIX}{time_id}#{memory_pk}#{memory_sk}"


# --- moderation ------------------------------------------------------------------------


def memory_key(kind: str, subject: str, memory_id: str) -> tuple[str, str]:
    """The (pk, sk) of an interaction (``subject`` ``PLAYER#<name>``) or an observation."""
    parsed = parse_subject(subject)
    if kind == "interaction":
        if parsed.kind != "PLAYER":
            raise InvalidInput("an interaction's subject is 'PLAYER#<name>'", field="subject")
        return parsed.pk, interaction_sk(check_id(memory_id, "id"))
    if kind == "observation":
        return parsed.pk, observation_sk(check_id(memory_id, "id"))
    raise InvalidInput("kind must be interaction or observation", field="kind")


def memory_ref_of(pk: str, sk: str) -> tuple[str, str, str] | None:
    """(kind, subject, id) of a memory's key; None for any other item."""
    if sk.startswith(INTERACTION_PREFIX):
        return "interaction", pk, sk[len(INTERACTION_PREFIX) :]
    if sk.startswith(OBSERVATION_PREFIX):
        return "observation", pk, sk[len(OBSERVATION_PREFIX) :]
    return None


def audit_sk(time_id: str) -> str:
    """Sort key of one moderation log entry (time-sortable)."""
    return AUDIT_PREFIX + time_id


def ban_sk(key: str) -> str:
    """Sort key of a banned player's entry in the ban list."""
    return BAN_PREFIX + key


def moderation_marker_pk(time_id: str) -> str:
    """Partition of one moderation marker: unique per action, so every replica reads each."""
    return MODERATED_PREFIX + time_id


def is_moderation_marker_pk(pk: str) -> bool:
    """True for a moderation marker's partition."""
    return pk.startswith(MODERATED_PREFIX)
