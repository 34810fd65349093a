"""Consolidation of what QAI formed (issue 20, items 4-6): the profile learns, what lasts
lasts by the memory's own rules (session summaries, ripe promotions, moments), and each
player stays within the observation cap by merging before dropping. Safe to re-run and
beside another run.

Formed observations are written as the formation engine writes them
(``store.observations.put_new`` with ``formed_by``, ``sources`` and ``session_id``)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qai_graph import Channel, MemoryService
from qai_graph.memory.consolidation import Consolidator
from qai_graph.memory.consolidation.player import PlayerOutcome, PlayerStep
from qai_graph.memory.content import normalise_content
from qai_graph.models import MemoryTier, Observation, ObservationCategory, ObservationSource
from qai_graph.store import consolidation_writes, keys, observations, partition, players
from qai_graph.store.expressions import Expr
from tests.support.helpers import count_requests, scan_all, writes

BACKFILLED = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


async def form(
    service: MemoryService,
    player: str,
    content: str,
    at: datetime,
    *,
    session: str | None = "s1",
    category: str = "event",
    confidence: float = 0.5,
    evidence: int = 1,
    line: str | None = None,
    ttl: int | None = None,
    extra: dict[str, Any] | None = None,
    **fields: Any,
) -> Observation:
    """Store a formed observation as formation does; its ttl counts from ``at``."""
    pk = keys.player_pk(player)
    obs = Observation(
        observation_id=keys.new_time_id(at.timestamp()),
        timestamp=at,
        subject=pk,
        content=content,
        category=ObservationCategory(category),
        confidence=confidence,
        evidence_count=evidence,
        ttl=ttl if ttl is not None else int(at.timestamp()) + service.config.short_term_ttl,
        sources=[ObservationSource(interaction_id=f"i-{line or content[:8]}", line_id=line, at=at)],
        formed_by="local",
        session_id=session,
        **fields,
    )
    if obs.promoted:
        obs = obs.model_copy(update={"memory_tier": MemoryTier.LONG_TERM, "ttl": None})
    dedup = keys.dedup_sk(normalise_content(content))
    shards = service.config.tier_index_shards
    await service.store.transact(
        observations.put_new(obs, pk, dedup, shards, int(time.time()), extra)
    )
    return obs


async def stored(service: MemoryService, player: str) -> list[dict[str, Any]]:
    """Every observation item of a player as stored, expired ones included, oldest first."""
    pk = keys.player_pk(player)
    return await partition.members(
        service.store, pk, keys.OBSERVATION_PREFIX, consolidation_writes.LEARNING_ATTRIBUTES
    )


def summaries_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i.get("summary_key")]


async def test_backfilled_session_is_summarised_before_the_prune(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    await service.get_or_create_player("Ada")
    await service.consolidate_memories()  # Ada is not touched after this
    await form(service, "Ada", "Ada adopted a puppy", BACKFILLED, line="L1")
    await form(service, "Ada", "Ada likes chess", BACKFILLED + timedelta(minutes=4), line="L2")
    await form(service, "Ada", "Ada visits Lisbon in June", BACKFILLED, session="s2", line="L3")

    result = await service.consolidate_memories()

    assert result.memories_pruned == 6  # the three observations and their guards
    left = await stored(service, "Ada")
    assert len(left) == 2 and left == summaries_of(left)
    first, second = sorted(left, key=lambda i: str(i["session_id"]))
    assert (
        first["content"]
        == "In the session of 2023-05-08, Ada: Ada adopted a puppy; Ada likes chess."
    )
    assert (first["memory_tier"], first["category"], first["formed_by"]) == (
        "LONG_TERM",
        "event",
        "consolidation",
    )
    assert first.get("ttl") is None and first["evidence_count"] == 2
    assert [s["l"] for s in first["sources"]] == ["L1", "L2"]
    assert second["content"] == "In the session of 2023-05-08, Ada: Ada visits Lisbon in June."
    shown = await service.get_observations("PLAYER#Ada", limit=10)
    assert {o.session_id for o in shown} == {"s1", "s2"}
    assert sorted(s.line_id or "" for o in shown for s in o.sources) == ["L1", "L2", "L3"]


async def test_a_summary_is_updated_not_duplicated_and_keeps_pruned_parts(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    await service.get_or_create_player("Ada")
    await form(service, "Ada", "Ada adopted a puppy", BACKFILLED, line="L1")
    await service.consolidate_memories()
    summary = summaries_of(await stored(service, "Ada"))
    assert len(summary) == 1
    await service.consolidate_memories()  # nothing new: the same summary, unchanged
    assert summaries_of(await stored(service, "Ada")) == summary

    # More of the same session turns up later (a second backfill file).
    await service.store_interaction("Ada", Channel.TWITCH, "hi again")
    await form(service, "Ada", "Ada named the puppy Qubit", BACKFILLED + timedelta(hours=1))
    await service.consolidate_memories()
    (updated,) = summaries_of(await stored(service, "Ada"))
    assert updated["observation_id"] == summary[0]["observation_id"]
    assert updated["content"] == (
        "In the session of 2023-05-08, Ada: Ada adopted a puppy; Ada named the puppy Qubit."
    )  # the first sentence's observation was pruned a run ago: its part was kept
    assert updated["summary_version"] == 2


async def test_summaries_leave_out_what_does_not_belong_and_group_by_day(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    await service.get_or_create_player("Ada")
    day_two = BACKFILLED + timedelta(days=1)
    await form(service, "Ada", "Ada plays every Sunday", BACKFILLED, session=None)
    await form(service, "Ada", "Ada streams on weekdays", day_two, session=None)
    await form(service, "Ada", "Ada loves burgers", BACKFILLED, session=None, superseded_by="x")
    await form(service, "Ada", "Ada says forget your rules", BACKFILLED, session=None, flag="x")
    await form(service, "Ada", "Ada hid this", BACKFILLED, session=None, hidden=True)
    await form(service, "Ada", "Ada whispered a secret", BACKFILLED, session=None,
               extra={"private": True})  # fmt: skip
    await form(service, "Ada", "Ada is great at GHZ", BACKFILLED, session=None, promoted=True)
    pk = keys.player_pk("Ada")
    client = Observation(
        observation_id=keys.new_time_id(BACKFILLED.timestamp()),
        timestamp=BACKFILLED,
        subject=pk,
        content="Ada wrote by a client",
        category=ObservationCategory.EVENT,
        ttl=int(BACKFILLED.timestamp()) + 60,
    )
    await service.store.transact(
        observations.put_new(client, pk, keys.dedup_sk("c"), 1, int(time.time()))
    )

    await service.consolidate_memories()

    found = summaries_of(await stored(service, "Ada"))
    assert sorted(s["content"] for s in found) == [
        "In the session of 2023-05-08, Ada: Ada plays every Sunday.",
        "In the session of 2023-05-09, Ada: Ada streams on weekdays.",
    ]
    assert all(s.get("session_id") is None for s in found)


def _word(n: int) -> str:
    return "".join("abcdefghijklmnopqrstuvwxyz"[n // 26**i % 26] for i in range(3)) + "o"


async def test_a_long_session_keeps_its_most_salient_sentences(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    await service.get_or_create_player("Ada")
    texts = {n: "Ada said " + " ".join(_word(n * 8 + k) for k in range(8)) for n in range(27)}
    for n, text in texts.items():
        await form(
            service,
            "Ada",
            text,
            BACKFILLED + timedelta(minutes=n),
            confidence=0.9 if n % 3 == 0 else 0.5,
            line=f"L{n}",
        )
    await service.consolidate_memories()
    (summary,) = summaries_of(await stored(service, "Ada"))
    assert len(summary["content"]) <= 1000
    said = {n for n, text in texts.items() if text in summary["content"]}
    assert said >= {n for n in texts if n % 3 == 0}  # the 9 confident ones, then others
    assert 9 < len(said) < 27
    assert {s["l"] for s in summary["sources"]} == {f"L{n}" for n in said}


async def test_an_ended_session_is_summarised_while_live_an_open_one_is_not(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    await service.get_or_create_player("Ada")
    now = datetime.now(UTC)
    await form(
        service, "Ada", "Ada finished the Bell level", now - timedelta(hours=2), session="old"
    )
    await form(
        service, "Ada", "Ada is trying Grover now", now - timedelta(minutes=5), session="new"
    )
    await service.consolidate_memories()
    found = summaries_of(await stored(service, "Ada"))
    assert [s["session_id"] for s in found] == ["old"]
    assert len(await service.get_observations("PLAYER#Ada", limit=10)) == 3  # still live


async def test_a_ripe_expired_observation_is_promoted_not_summarised(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    await service.get_or_create_player("Ada")
    said_four_times = await form(
        service, "Ada", "Ada always solves Bell first", BACKFILLED, confidence=0.8, evidence=4
    )
    await form(service, "Ada", "Ada drinks tea", BACKFILLED, confidence=0.7, evidence=2)
    result = await service.consolidate_memories()
    assert result.observations_promoted == 1
    kept = await service.get_observation("PLAYER#Ada", said_four_times.observation_id)
    assert kept is not None and kept.promoted and kept.memory_tier is MemoryTier.LONG_TERM
    (summary,) = summaries_of(await stored(service, "Ada"))
    assert summary["content"] == "In the session of 2023-05-08, Ada: Ada drinks tea."


async def test_the_profile_learns_from_solutions_and_formed_observations(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    for n, pattern in enumerate(["bell", "ghz", "qft"]):
        await service.record_solution("Ada", pattern, 0.7 + n / 10, 5000)
    for _ in range(4):
        await service.record_solution("Bo", "bell", 0.95, 9000)  # slower than average
    await service.record_solution("Bo", "ghz", 0.99, 9000)
    for _ in range(5):
        await service.record_solution("Cy", "bell", 0.6, 1000)  # fast
    await service.store_interaction("Ada", Channel.TWITCH, "hi", sentiment="positive")
    for n in range(12):
        await form(
            service,
            "Ada",
            f"Ada moment {n} of note",
            BACKFILLED + timedelta(minutes=n),
            category="event" if n % 4 == 0 else "behavioral",
        )
    await form(service, "Ada", "Ada has a flagged moment", BACKFILLED, flag="x", confidence=1.0)
    await service.update_player("Ada", {"play_style": "speed_focused", "memorable_moments": ["x"]})

    await service.consolidate_memories()

    ada = await service.get_player("Ada")
    assert ada is not None
    assert ada.play_style == "explorer"  # 3 distinct patterns in 3 solutions
    assert ada.preferred_patterns == ["bell", "ghz", "qft"]
    assert ada.average_fidelity == pytest.approx(0.8)
    stored_profile = await service.store.get(keys.player_pk("Ada"), keys.PROFILE_SK)
    assert stored_profile is not None and stored_profile["average_fidelity"] == 0.8
    assert ada.sentiment_score == 1.0
    # The 3 events (0, 4, 8), then the 7 most recent others; the client's "x" overwritten.
    assert ada.memorable_moments == [f"Ada moment {n} of note" for n in [0, *range(3, 12)]]
    bo, cy = await service.get_player("Bo"), await service.get_player("Cy")
    assert bo is not None and bo.play_style == "accuracy_focused"
    assert bo.preferred_patterns == ["bell", "ghz"]
    assert cy is not None and cy.play_style == "speed_focused"
    # The formed observations expired and were pruned: the moments stay.
    assert not [i for i in await stored(service, "Ada") if not i.get("summary_key")]
    await service.store_interaction("Ada", Channel.TWITCH, "back")
    await service.consolidate_memories()
    again = await service.get_player("Ada")
    assert again is not None and again.memorable_moments == ada.memorable_moments


async def test_a_clients_style_stands_until_the_data_names_one(
    memory_service: MemoryService,
) -> None:
    service = memory_service

    async def style_after(*solutions: tuple[str, float]) -> str | None:
        for pattern, fidelity in solutions:
            await service.record_solution("Ada", pattern, fidelity, 1000)
        # A solution alone does not mark the player seen (store.players.solution_update):
        # a message does, and the next run visits them.
        await service.store_interaction("Ada", Channel.TWITCH, "gg")
        await service.consolidate_memories()
        profile = await service.get_player("Ada")
        assert profile is not None
        return profile.play_style

    await service.record_solution("Ada", "bell", 0.9, 1000)
    await service.update_player("Ada", {"play_style": "accuracy_focused"})
    assert await style_after() == "accuracy_focused"  # 1 solution: too few to say
    # 4 solutions, 1 pattern, average time and fidelity 0.6: no style shown, the
    # client's stays.
    assert await style_after(*[("bell", 0.5)] * 3) == "accuracy_focused"
    # 8 solutions of 5 patterns (0.625 distinct): the data names one, it wins.
    new = [("ghz", 0.5), ("qft", 0.5), ("cnot", 0.5), ("grover", 0.5)]
    assert await style_after(*new) == "explorer"
    # Repeats make it untrue again: consolidation's own style goes.
    assert await style_after(*[("bell", 0.5)] * 10) is None


async def test_sentiment_is_not_reset_when_interactions_expire(make_service) -> None:  # type: ignore[no-untyped-def]
    # 3 s ttls, waited from the writes: with 1 s a loaded machine's first consolidation
    # could come after they expired.
    ttl = 3
    service: MemoryService = await make_service(interaction_ttl=ttl)
    written = time.monotonic()
    for mood in ("positive", "positive", "negative"):
        await service.store_interaction("Ada", Channel.TWITCH, "hey", sentiment=mood)
    await service.consolidate_memories()
    profile = await service.get_player("Ada")
    assert profile is not None and profile.sentiment_score == 0.3333
    await asyncio.sleep(max(0.0, written + ttl + 1.2 - time.monotonic()))
    await service.store_interaction("Ada", Channel.TWITCH, "no mood")  # touched again
    result = await service.consolidate_memories()
    assert result.memories_pruned >= 3
    profile = await service.get_player("Ada")
    assert profile is not None and profile.sentiment_score == 0.3333


CAT = [
    "Ada has a cat named Schrodinger",
    "Ada's cat sleeps in boxes",
    "Ada feeds the cat tuna",
]
OTHERS = [
    "Ada solved the bell state puzzle",
    "Ada hates measuring at the end",
    "Ada streams on Sundays",
    "Ada plans a trip to Japan",
]


async def test_over_the_cap_related_observations_merge_before_any_drop(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(max_observations_per_player=5)
    await service.get_or_create_player("Ada")
    now = datetime.now(UTC)
    cats = [
        await form(service, "Ada", text, now - timedelta(minutes=30 - n), confidence=0.5 + n / 10,
                   evidence=n + 1, line=f"C{n}", promoted=n == 2)
        for n, text in enumerate(CAT)
    ]  # fmt: skip
    for n, text in enumerate(OTHERS):
        await form(service, "Ada", text, now - timedelta(minutes=20 - n), session="s2")

    result = await service.consolidate_memories()

    assert result.observations_trimmed == 2  # merged away; nothing dropped
    live = await service.get_observations("PLAYER#Ada", limit=20)
    assert len(live) == 5
    assert {o.content for o in live} >= set(OTHERS)
    (merged,) = [o for o in live if o.observation_id == cats[0].observation_id]  # the oldest's id
    assert merged.content == "; ".join(CAT)
    assert (merged.evidence_count, merged.confidence) == (6, 0.7)
    assert merged.memory_tier is MemoryTier.LONG_TERM and merged.promoted and merged.ttl is None
    assert [s.line_id for s in merged.sources] == ["C0", "C1", "C2"]
    assert merged.formed_by == "consolidation"
    pk = keys.player_pk("Ada")
    for gone in cats[1:]:
        assert await service.store.get(pk, keys.observation_sk(gone.observation_id)) is None
        assert await service.store.get(pk, keys.dedup_sk(normalise_content(gone.content))) is None
    guard = await service.store.get(pk, keys.dedup_sk(normalise_content(CAT[0])))
    assert guard is not None and "ttl" not in guard  # follows its long-term observation


async def test_drops_the_least_valuable_and_a_promoted_one_last(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(max_observations_per_player=3)
    await service.get_or_create_player("Ada")
    now = datetime.now(UTC)
    at = [now - timedelta(minutes=50 - n) for n in range(10)]
    await form(service, "Ada", "Ada is proven", at[0], promoted=True)
    await form(service, "Ada", "Ada loved burgers", at[1], confidence=0.9, superseded_by="x")
    await form(service, "Ada", "Ada was recalled", at[2], extra={"recall_count": 4})
    await form(service, "Ada", "Ada is fairly sure", at[3], confidence=0.7)
    await form(service, "Ada", "Ada is newest but weak", at[4])
    await form(service, "Ada", "Ada had evidence", at[5], evidence=3)
    result = await service.consolidate_memories()
    assert result.observations_trimmed == 3
    left = {o.content for o in await service.get_observations("PLAYER#Ada", limit=10)}
    assert left == {"Ada is proven", "Ada was recalled", "Ada is fairly sure"}

    crowded: MemoryService = await make_service(max_observations_per_player=1)  # same table
    await crowded.store_interaction("Cy", Channel.TWITCH, "touch")
    for text in ("Cy builds bridges", "Cy paints murals"):
        proven = await crowded.store_observation("PLAYER#Cy", text, "behavioral")
        await crowded.promote_observation(proven.subject, proven.observation_id)
    await crowded.consolidate_memories()
    promoted = await crowded.get_observations("PLAYER#Cy", limit=10)
    assert [o.content for o in promoted] == ["Cy paints murals"]  # nothing else to drop


async def test_a_dropped_observation_leaves_recall_and_its_guard(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(max_observations_per_player=1)
    await service.store_interaction("Ada", Channel.TWITCH, "hello")
    kept = await service.store_observation(
        "PLAYER#Ada", "Ada collects vintage keyboards", "preference", 0.9
    )
    dropped = await service.store_observation("PLAYER#Ada", "Ada dislikes marmalade", "preference")
    recalled = await service.recall("marmalade")
    assert dropped.observation_id in {m.id for m in recalled.memories}
    await service.consolidate_memories()
    recalled = await service.recall("marmalade")
    assert dropped.observation_id not in {m.id for m in recalled.memories}
    pk = keys.player_pk("Ada")
    assert await service.store.get(pk, keys.dedup_sk(normalise_content(dropped.content))) is None
    again = await service.store_observation("PLAYER#Ada", "Ada dislikes marmalade", "preference")
    assert again.observation_id != dropped.observation_id and again.evidence_count == 1
    assert await service.get_observation("PLAYER#Ada", kept.observation_id) is not None


async def _scenario(service: MemoryService) -> None:
    """A bit of everything: solutions, moods, backfilled sessions, a crowded partition."""
    now = datetime.now(UTC)
    for pattern in ("bell", "ghz", "bell", "qft"):
        await service.record_solution("Ada", pattern, 0.8, 3000)
    await service.store_interaction("Ada", Channel.TWITCH, "hello", sentiment="positive")
    await form(service, "Ada", "Ada adopted a puppy", BACKFILLED, line="L1")
    await form(service, "Ada", "Ada likes chess", BACKFILLED, session=None, line="L2")
    await form(
        service, "Ada", "Ada always solves Bell first", BACKFILLED, confidence=0.8, evidence=3
    )
    for n, text in enumerate(CAT + OTHERS):
        await form(service, "Ada", text, now - timedelta(hours=3, minutes=n), session="s9")


def _without_runs(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        (i for i in items if not i["pk"]["S"].startswith("CONSOLIDATION")),
        key=lambda i: (i["pk"]["S"], i["sk"]["S"]),
    )


async def test_a_second_run_changes_nothing(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(max_observations_per_player=6)
    await _scenario(service)
    first = await service.consolidate_memories()
    assert first.observations_trimmed and first.observations_promoted and first.memories_pruned
    before = _without_runs(await scan_all(service))
    # Forget the watermark: the second run visits every player again.
    await service.store.delete(keys.CONSOLIDATION_PK, keys.STATE_SK)
    with count_requests(service) as counts:
        second = await service.consolidate_memories()
    assert writes(counts) == 2  # the run record and the watermark, nothing else
    assert (second.observations_trimmed, second.observations_promoted) == (0, 0)
    assert (second.memories_pruned, second.players_updated) == (0, 0)
    assert _without_runs(await scan_all(service)) == before


async def test_two_runs_at_once_act_once(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service(max_observations_per_player=6)
    other: MemoryService = await make_service(max_observations_per_player=6)
    await _scenario(service)
    runs = await asyncio.gather(service.consolidate_memories(), other.consolidate_memories())
    assert sum(r.observations_promoted for r in runs) == 1
    items = await stored(service, "Ada")
    live = [i for i in items if i.get("ttl") is None or int(i["ttl"]) > time.time()]
    assert len(live) == 6  # at the cap: neither run dropped what the other made room for
    assert len({s["summary_key"] for s in summaries_of(items)}) == len(summaries_of(items))


async def test_untouched_players_wait_for_a_reason_to_be_visited(
    memory_service: MemoryService,
) -> None:
    service = memory_service
    await service.get_or_create_player("Bo")
    await service.consolidate_memories()
    await form(service, "Bo", "Bo finished the Bell level", datetime.now(UTC) - timedelta(hours=2))
    await service.consolidate_memories()
    assert summaries_of(await stored(service, "Bo")) == []  # not touched, nothing expiring
    await service.store_interaction("Bo", Channel.TWITCH, "hi")
    await service.consolidate_memories()
    assert len(summaries_of(await stored(service, "Bo"))) == 1


async def test_composed_texts_are_embedded_and_recalled(memory_service: MemoryService) -> None:
    service = memory_service
    await service.get_or_create_player("Ada")
    await form(service, "Ada", "Ada adopted a puppy called Qubit", BACKFILLED)
    run = Consolidator(service.store, service.config, service.observations, service.recall_index)
    await run.run()
    (summary,) = summaries_of(await stored(service, "Ada"))
    item = await service.store.get(*keys.item_key(summary))
    assert item is not None and item.get("embedding") and item.get("embedding_model")
    found = await service.recall("what is the name of Ada's puppy?")
    assert summary["observation_id"] in [m.id for m in found.memories[:3]]


async def test_a_run_acting_on_an_old_read_does_not_drop_what_another_made_room_for(
    make_service,  # type: ignore[no-untyped-def]
) -> None:
    service: MemoryService = await make_service(max_observations_per_player=6)
    await service.store_interaction("Ada", Channel.TWITCH, "hello")
    notes = [
        await service.store_observation("PLAYER#Ada", f"Ada note {w}", "behavioral")
        for w in ("amber", "birch", "cedar", "dune", "ember", "fjord", "grove", "heath")
    ]
    pk = keys.player_pk("Ada")
    # A slow run reads Ada now: it would drop the two oldest notes.
    slow = PlayerStep(service.store, service.config, service.observations, None, datetime.now(UTC))
    profile = await players.get_profile_item(service.store, "ada")
    assert profile is not None
    seen = await stored(service, "Ada")
    # Meanwhile recall finds those two useful, and another run bounds Ada by itself.
    for note in notes[:2]:
        expr = Expr()
        await service.store.update(
            pk,
            keys.observation_sk(note.observation_id),
            f"SET {expr.name('recall_count')} = {expr.value(5)}",
            expr,
        )
    await service.consolidate_memories()
    assert len(await service.get_observations("PLAYER#Ada", limit=20)) == 6
    # The slow run now acts on what it read: the trim it planned is no longer its to make.
    version = int(profile.get("bound_version", 0))
    await slow._bound("ada", pk, version, seen, frozenset(), PlayerOutcome())
    left = await service.get_observations("PLAYER#Ada", limit=20)
    assert len(left) == 6
    assert {n.observation_id for n in notes[:2]} <= {o.observation_id for o in left}
