"""Configuration: the seed's defaults, env overrides, and refusals that name the variable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qai_graph import MemoryConfig


def test_seed_defaults() -> None:
    config = MemoryConfig()
    assert config.dynamodb_table_name == "QAI-Memory"
    assert config.dynamodb_region == "us-east-1"
    assert config.dynamodb_endpoint is None
    assert config.short_term_ttl == config.interaction_ttl == 72 * 60 * 60
    assert (config.max_observations_per_player, config.max_interactions_per_player) == (100, 500)
    assert config.observation_sample_rate == 0.1
    assert (config.observation_promotion_confidence, config.observation_promotion_evidence) == (
        0.8,
        3,
    )
    assert (config.evolution_stage_2_interactions, config.evolution_stage_3_interactions) == (
        10000,
        100000,
    )
    assert config.enable_semantic_search is False
    # Issue 8 moved Bedrock to Titan v2 (256-d vectors on request; v1 is fixed at 1536).
    assert config.bedrock_embedding_model == "amazon.titan-embed-text-v2:0"
    assert config.session_ttl == 3600


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_TABLE_NAME", "Other")
    monkeypatch.setenv("QAI_MEMORY_SHORT_TERM_TTL", "60")
    monkeypatch.setenv("QAI_MEMORY_DATA_DIR", "/tmp/qai")
    config = MemoryConfig()
    assert (config.dynamodb_table_name, config.short_term_ttl, str(config.data_dir)) == (
        "Other",
        60,
        "/tmp/qai",
    )


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("QAI_MEMORY_SHORT_TERM_TTL", "-5", "short_term_ttl"),
        ("QAI_MEMORY_OBSERVATION_SAMPLE_RATE", "1.5", "observation_sample_rate"),
        ("QAI_MEMORY_COUNTER_SHARDS", "0", "counter_shards"),
        ("QAI_MEMORY_INDEX_SHARDS", "0", "index_shards"),
        ("QAI_MEMORY_PLAYER_INDEX_SHARDS", "0", "player_index_shards"),
        ("QAI_MEMORY_TIER_INDEX_SHARDS", "101", "tier_index_shards"),
        ("QAI_MEMORY_LOG_FORMAT", "xml", "log_format"),
        ("QAI_MEMORY_METRICS_KEY", "not-a-hash", "metrics_key"),
        ("QAI_MEMORY_DYNAMODB_TIMEOUT_S", "0", "dynamodb_timeout_s"),
        ("QAI_MEMORY_EVOLUTION_STAGE_3_INTERACTIONS", "5", "evolution_stage_3_interactions"),
    ],
)
def test_invalid_values_stop_start_up_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as raised:
        MemoryConfig()
    assert field in str(raised.value)


@pytest.mark.parametrize(
    ("env", "player", "tier"),
    [
        ({}, 1, 4),
        ({"QAI_MEMORY_INDEX_SHARDS": "3"}, 3, 3),
        ({"QAI_MEMORY_INDEX_SHARDS": "3", "QAI_MEMORY_PLAYER_INDEX_SHARDS": "1"}, 1, 3),
        ({"QAI_MEMORY_PLAYER_INDEX_SHARDS": "2", "QAI_MEMORY_TIER_INDEX_SHARDS": "8"}, 2, 8),
    ],
)
def test_index_shard_settings_fall_back_to_the_legacy_one(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], player: int, tier: int
) -> None:
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    config = MemoryConfig()
    assert (config.player_index_shards, config.tier_index_shards) == (player, tier)


def test_the_legacy_index_shards_keyword_sets_both() -> None:
    config = MemoryConfig(index_shards=5)
    assert (config.player_index_shards, config.tier_index_shards) == (5, 5)


def test_every_model_is_importable_from_the_package() -> None:
    import qai_graph
    from qai_graph import models

    for name in (
        "PlayerProfile",
        "Interaction",
        "Observation",
        "PatternStats",
        "Insight",
        "EvolutionState",
        "SessionContext",
        "PlayerContext",
        "RecallResult",
        "ConsolidationResult",
        "MemoryTier",
        "EntityType",
        "ObservationCategory",
        "Channel",
    ):
        assert getattr(qai_graph, name) is getattr(models, name)
    for name in ("MemoryService", "MemoryConfig", "build_qai_system_prompt", "format_for_twitch"):
        assert callable(getattr(qai_graph, name))


def test_api_keys_may_name_a_key_and_moderator_is_a_role() -> None:
    from qai_graph.config import api_key_entries
    from qai_graph.security import Authenticator, hash_key

    digest = hash_key("k1")
    config = MemoryConfig(api_keys=f"moderator:{digest}:alice, reader:{hash_key('k2')}")
    assert config.api_key_roles == {digest: "moderator", hash_key("k2"): "reader"}
    assert config.api_key_names == {digest: "alice"}
    who = Authenticator(config.api_key_roles, config.api_key_names).authenticate("Bearer k1")
    assert who is not None and who.actor == "alice" and who.can("writer")
    assert not who.can("admin")
    anonymous = Authenticator(config.api_key_roles).authenticate("Bearer k2")
    assert anonymous is not None and anonymous.actor == f"key:{hash_key('k2')[:12]}"
    for bad in (f"moderator:{digest}:two words", f"moderator:{digest}:a,moderator:{digest}:b"):
        with pytest.raises(ValueError):
            api_key_entries(bad)
