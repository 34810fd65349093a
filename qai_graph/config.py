"""Configuration: every setting comes from the environment with the prefix ``QAI_MEMORY_``."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qai_graph.roles import API_ROLES


class MemoryConfig(BaseSettings):
    """Settings for QAI's memory; ``QAI_MEMORY_<FIELD>`` overrides each field."""

    model_config = SettingsConfigDict(env_prefix="QAI_MEMORY_", extra="ignore", frozen=True)

    # DynamoDB (the seed's names and defaults)
    dynamodb_table_name: str = Field("QAI-Memory", min_length=3, max_length=255)
    dynamodb_region: str = "us-east-1"
    dynamodb_endpoint: str | None = None  # unset: the embedded store (or AWS when use_aws)
    dynamodb_timeout_s: float = Field(5.0, gt=0, le=120)
    dynamodb_max_attempts: int = Field(5, ge=1, le=20)
    dynamodb_retry_mode: Literal["standard", "adaptive"] = "standard"
    # With no endpoint, the service starts the embedded emulator unless this is true.
    use_aws: bool = False

    # Memory TTLs (seconds)
    short_term_ttl: int = Field(72 * 60 * 60, gt=0)
    interaction_ttl: int = Field(72 * 60 * 60, gt=0)
    session_ttl: int = Field(60 * 60, gt=0)  # slides from the session's last activity
    idempotency_ttl: int = Field(24 * 60 * 60, gt=0)

    # Limits
    max_observations_per_player: int = Field(100, ge=1)
    max_interactions_per_player: int = Field(500, ge=1)
    observation_sample_rate: float = Field(0.1, ge=0.0, le=1.0)
    session_max_messages: int = Field(20, ge=1, le=200)

    # Promotion thresholds
    observation_promotion_confidence: float = Field(0.8, ge=0.0, le=1.0)
    observation_promotion_evidence: int = Field(3, ge=1)

    # Evolution thresholds
    evolution_stage_2_interactions: int = Field(10000, ge=1)
    evolution_stage_3_interactions: int = Field(100000, ge=1)

    # Write sharding: evolution counters and the sparse index partitions (docs/design.md: "The
    # table" has the numbers). One player-index shard makes a players page 1 Query.
    counter_shards: int = Field(8, ge=1, le=100)
    player_index_shards: int = Field(1, ge=1, le=100)
    tier_index_shards: int = Field(4, ge=1, le=100)
    index_shards: int | None = Field(None, ge=1, le=100)  # legacy: the default of both above

    # Trust (docs/security.md): chat is data. Detection flags instruction-like memories
    # when they are written; a private channel's interactions are private unless the
    # caller says otherwise.
    trust_detection: bool = True
    trust_disabled_rules: list[str] = Field(default_factory=list)  # rule names or flags
    # The second line: a classifier flags what the rules let through (suspected_injection).
    trust_classifier: bool = True
    trust_classifier_threshold: float | None = Field(None, gt=0, lt=1)  # None: the model's
    private_channels: list[str] = Field(default_factory=lambda: ["whisper"])

    # Prompt
    prompt_memory_budget_chars: int = Field(1500, ge=200, le=20000)
    persona_file: Path | None = None

    # Embedded store
    data_dir: Path = Path(".qai-data")
    # How often the embedded store may compact (snapshot + journal truncation).
    snapshot_interval_s: float = Field(2.0, gt=0, le=3600)
    # false: no journal, snapshots only (a crash loses up to one interval); for comparison.
    journal: bool = True

    # API security and limits (docs/security.md)
    # "<role>:<sha256 hex of the key>[:<name>],...": unset means development mode (all open,
    # loopback only). The name (optional) is who the moderation log says acted.
    api_keys: str = ""
    max_query_depth: int = Field(10, ge=2, le=50)  # nesting of fields in one operation
    max_aliases: int = Field(20, ge=0, le=1000)  # aliased fields in one document
    max_tokens: int = Field(2000, ge=100, le=100_000)  # lexical tokens in one document
    max_body_bytes: int = Field(64 * 1024, ge=1024, le=16 * 1024 * 1024)  # HTTP body, WS message
    max_subscriptions_per_connection: int = Field(10, ge=1, le=1000)
    max_connections_per_key: int = Field(20, ge=1, le=10_000)  # open WebSockets per API key
    # The API's edge (docs/security.md): cost = product of `first` along nested lists.
    max_query_cost: int = Field(20_000, ge=1, le=10_000_000)  # QUERY_TOO_COSTLY above it
    operation_timeout_s: float = Field(10.0, gt=0, le=600)  # every operation, then TIMEOUT
    ws_init_timeout_s: float = Field(5.0, gt=0, le=300)  # connection_init must come by then
    ws_max_unauthenticated: int = Field(500, ge=1, le=100_000)  # sockets before init, total
    ws_max_unauthenticated_per_address: int = Field(20, ge=1, le=100_000)  # ... per client IP
    # Proxies (addresses or networks, comma-separated; "*": any peer) whose X-Forwarded-For
    # gives the client's address to the cap above and the logs. Empty: trust none, unlike
    # uvicorn's 127.0.0.1 (a tunnel or port-forward on loopback passes clients' headers).
    forwarded_allow_ips: str = ""
    # None: on in development mode (no keys), off when keys are configured.
    enable_introspection: bool | None = None
    graphiql: bool | None = None
    # The /overlay and /dashboard pages (static; data only through /graphql with a key).
    # None: on in development mode, off when keys are configured.
    pages: bool | None = None

    # Operators: cross-replica events, logs, metrics, tracing (docs/operations.md: "Monitoring")
    events: Literal["table", "process"] = "table"  # process: one replica, no polling
    # With subscribers: the longest pause between evolution reads (0.2 s after a change,
    # doubling while nothing moves), so another replica's first change after a quiet
    # spell arrives within it. 3 s: ~0.35 requests/s idle in all (docs/operations.md).
    event_poll_interval_s: float = Field(3.0, ge=0.05, le=60)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["text", "json"] = "text"
    metrics_key: str = ""  # sha256 hex of a key that may read /metrics (besides admin keys)
    otel_tracing: bool = False  # Strawberry's OpenTelemetryExtension (extra: qai-graph[otel])

    # Semantic search (optional; not implemented in Phase 1)
    enable_semantic_search: bool = False
    # Titan v2: 256-d vectors on request, a quarter of v1's 1536 (see qai_graph/embeddings).
    bedrock_embedding_model: str = "amazon.titan-embed-text-v2:0"

    # Memory formation (docs/formation.md): what QAI concludes by itself.
    observer: Literal["local", "bedrock", "anthropic", "none"] = "local"
    bedrock_observer_model: str = "anthropic.claude-3-5-haiku-20241022-v1:0"
    anthropic_model: str = "claude-3-5-haiku-latest"
    anthropic_api_key: str = ""  # unset: ANTHROPIC_API_KEY from the environment
    anthropic_base_url: str = "https://api.anthropic.com"
    observer_timeout_s: float = Field(5.0, gt=0, le=60)
    # Formation runs off the bot's path: when the replica has been idle this long, or when
    # the oldest pending exchange has waited formation_max_delay_s, whichever comes first.
    formation_idle_s: float = Field(0.25, ge=0, le=60)
    formation_max_delay_s: float = Field(10.0, gt=0, le=3600)
    # A replica's claim on a pending exchange; after it another replica may take it over.
    formation_lease_s: float = Field(60.0, gt=0, le=3600)
    formation_batch: int = Field(25, ge=1, le=100)

    # Recall (docs/recall.md)
    embeddings: Literal["local", "bedrock", "none"] = "local"
    # Unset: 128 for local (as good as 256 on the dev set, half the memory and time),
    # 256 for bedrock (Titan v2 offers 256, 512 or 1024).
    embeddings_dim: int | None = Field(None, ge=32, le=1536)
    bedrock_region: str | None = None  # unset: dynamodb_region
    bedrock_endpoint: str | None = None  # a stand-in endpoint (tests); unset: AWS
    bedrock_timeout_s: float = Field(3.0, gt=0, le=60)
    recall_max_query_chars: int = Field(500, ge=10, le=2000)
    # Dates in a query ("on 31 July, 2023", "yesterday", "last stream") lift the memories
    # of that time (docs/recall.md); off: dates are words like any other.
    recall_read_dates: bool = True
    # The streamer's time zone (an IANA name): "yesterday" in a query is their yesterday,
    # and the dates QAI and agents read are their dates; stored times stay UTC.
    timezone: str = "UTC"
    # MMR's weight of relevance against coverage when picking the top k (docs/recall.md):
    # 1.0 is the plain ranking; at 0.5 a copy (an observation and the exchange it came
    # from, a line said twice) comes after every other memory that matched at all.
    recall_diversity: float = Field(0.5, ge=0.0, le=1.0)
    # How often the recall index reads what other replicas wrote (its staleness bound).
    index_poll_interval_s: float = Field(1.0, gt=0, le=60)
    # It reads only while searches come: it polls for this long after the last one; the
    # first search after a longer pause catches up first (an idle replica reads nothing).
    index_active_s: float = Field(10.0, gt=0, le=3600)

    @model_validator(mode="before")
    @classmethod
    def _legacy_index_shards(cls, data: object) -> object:
        # QAI_MEMORY_INDEX_SHARDS once set both indexes' shards: it still does, unless
        # the new per-index setting is given too.
        if isinstance(data, dict) and data.get("index_shards") is not None:
            data = dict(data)
            data.setdefault("player_index_shards", data["index_shards"])
            data.setdefault("tier_index_shards", data["index_shards"])
        return data

    @field_validator("timezone")
    @classmethod
    def _timezone_is_known(cls, value: str) -> str:
        value = value.strip()
        named_zone(value)
        return value

    @property
    def zone(self) -> tzinfo:
        """``timezone`` as a tzinfo (zoneinfo keeps each zone it loads)."""
        return named_zone(self.timezone)

    @field_validator("metrics_key")
    @classmethod
    def _metrics_key_is_a_hash(cls, value: str) -> str:
        value = value.strip().lower()
        if value and not _SHA256_HEX.match(value):
            raise ValueError("expected the 64 hex digits of sha256(key), as in QAI_MEMORY_API_KEYS")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _forwarded_allow_ips_well_formed(cls, value: str) -> str:
        return ",".join(trusted_proxies(value))

    @field_validator("api_keys")
    @classmethod
    def _api_keys_well_formed(cls, value: str) -> str:
        parse_api_keys(value)
        return value

    @property
    def api_key_roles(self) -> dict[str, str]:
        """sha256 hex of each configured key -> its role; empty in development mode."""
        return parse_api_keys(self.api_keys)

    @property
    def api_key_names(self) -> dict[str, str]:
        """sha256 hex of each configured key -> its name, for the keys given one."""
        return {e.digest: e.name for e in api_key_entries(self.api_keys) if e.name}

    @property
    def development_mode(self) -> bool:
        """No API keys: everything is open, and only loopback addresses may be served."""
        return not self.api_key_roles

    @property
    def introspection_enabled(self) -> bool:
        """Introspection is on when asked, else only in development mode."""
        on = self.enable_introspection
        return self.development_mode if on is None else on

    @property
    def pages_enabled(self) -> bool:
        """The pages are served when asked, else only in development mode."""
        return self.development_mode if self.pages is None else self.pages

    @field_validator("evolution_stage_3_interactions")
    @classmethod
    def _stage_3_after_stage_2(cls, value: int, info: object) -> int:
        data = getattr(info, "data", {})
        stage_2 = data.get("evolution_stage_2_interactions")
        if stage_2 is not None and value <= stage_2:
            raise ValueError("must be greater than evolution_stage_2_interactions")
        return value


_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_KEY_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


@dataclass(frozen=True)
class ApiKeyEntry:
    """One entry of QAI_MEMORY_API_KEYS: a role, the key's sha256, and its optional name."""

    role: str
    digest: str
    name: str | None = None


def api_key_entries(value: str) -> list[ApiKeyEntry]:
    """``"<role>:<sha256 hex>[:<name>],..."`` parsed; ValueError naming a bad entry."""
    entries: dict[str, ApiKeyEntry] = {}
    for raw in value.split(","):
        entry = raw.strip()
        if not entry:
            continue
        role, _, rest = entry.partition(":")
        digest, _, name = rest.partition(":")
        role, digest, name = role.strip().lower(), digest.strip().lower(), name.strip()
        if role not in API_ROLES:
            raise ValueError(f"entry {entry[:20]!r}: role must be one of {', '.join(API_ROLES)}")
        if not _SHA256_HEX.match(digest):
            raise ValueError(
                f"entry for role {role!r}: expected <role>:<64 hex digits of sha256(key)>; "
                "make one with `qai-graph api-key --role <role>`"
            )
        if name and not _KEY_NAME.match(name):
            raise ValueError(
                f"entry for role {role!r}: a key's name is 1-64 letters, digits, '.', '_', "
                "'@' or '-'"
            )
        known = entries.get(digest)
        if known is not None and known.role != role:
            raise ValueError(f"one key is listed with two roles ({known.role}, {role})")
        if known is not None and known.name and name and known.name != name:
            raise ValueError(f"one key is listed with two names ({known.name}, {name})")
        entries[digest] = ApiKeyEntry(role, digest, name or (known.name if known else None))
    return list(entries.values())


def parse_api_keys(value: str) -> dict[str, str]:
    """``"<role>:<sha256 hex>[:<name>],..."`` as {hash: role}; ValueError naming a bad entry."""
    return {e.digest: e.role for e in api_key_entries(value)}


def trusted_proxies(value: str) -> list[str]:
    """``QAI_MEMORY_FORWARDED_ALLOW_IPS`` as uvicorn's ``forwarded_allow_ips`` takes it;
    ValueError for an entry that is not an address or network (uvicorn would keep it as a
    literal that never matches, so a typo would silently trust nobody)."""
    entries = [part.strip() for part in value.split(",") if part.strip()]
    if "*" in entries:
        if len(entries) > 1:
            raise ValueError("'*' trusts every peer: give it alone")
        return entries
    for entry in entries:
        try:
            ipaddress.ip_network(entry)  # an address is a network of one
        except ValueError:
            raise ValueError(
                f"{entry!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/16)"
            ) from None
    return entries


def named_zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` ("Europe/Berlin"); ValueError naming it when this
    machine has no such zone. "UTC" needs no time zone data (a slim image may have none)."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{name!r} is not a time zone this machine knows: give an IANA name such as "
            "Europe/Berlin or America/Los_Angeles (names are case-sensitive; the data "
            "comes from the OS's /usr/share/zoneinfo, or the tzdata package)"
        ) from None


def describe_errors(error: ValidationError) -> list[str]:
    """One line per invalid setting, naming its environment variable."""
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        lines.append(f"QAI_MEMORY_{field.upper()}: {problem['msg']} (got {problem.get('input')!r})")
    return lines
