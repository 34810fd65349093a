"""The recall index under moderation, pure: markers applied in version order, a copy
read before a moderation never undoes it, bans kept through compaction."""

from __future__ import annotations

from qai_graph.memory.recall.search.documents import to_doc
from tests.unit.test_recall_search import build, observation, profile, top


def test_a_copy_read_before_a_moderation_does_not_undo_it() -> None:
    item = observation("o1", "PLAYER#ada", "Ada hums the Grover tune")
    index = build(item)
    assert top(index, "grover tune") == ["o1"]
    assert index.moderate(item["pk"], item["sk"], hidden=True, flag=None, version=1)
    assert top(index, "grover tune") == []
    # A write made from a read before the hide (a reinforcement elsewhere) comes back...
    stale = to_doc({**item, "confidence": 0.6})
    assert stale is not None
    index.upsert(stale)
    assert top(index, "grover tune") == []  # ...and the hide stays
    # An older marker arriving late changes nothing; the newer state does.
    assert not index.moderate(item["pk"], item["sk"], hidden=False, flag=None, version=0)
    assert top(index, "grover tune") == []
    fresh = to_doc({**item, "moderation_version": 2})
    assert fresh is not None
    index.upsert(fresh)  # the item as stored after an unhide (version 2, no hidden)
    assert top(index, "grover tune") == ["o1"]


def test_a_release_shows_a_flagged_memory_to_others() -> None:
    item = observation("o1", "PLAYER#ada", "Ada hums the Grover tune", flag="authority")
    index = build(item)
    assert top(index, "grover tune", asker="bo") == []
    assert top(index, "grover tune", asker="ada") == ["o1"]
    index.moderate(item["pk"], item["sk"], hidden=False, flag=None, version=1)
    assert top(index, "grover tune", asker="bo") == ["o1"]


def test_bans_apply_in_version_order_and_survive_compaction() -> None:
    memories = [observation(f"o{n}", "PLAYER#ada", f"Ada tune number {n}") for n in range(3)]
    index = build(profile("Ada"), *memories)
    assert sorted(top(index, "ada tune")) == ["ada", "o0", "o1", "o2"]  # the profile too
    assert index.set_banned("ada", True, 1)
    assert top(index, "ada tune") == []
    # The profile read from an index lagging behind the ban (no version) does not lift it.
    stale = to_doc(profile("Ada"))
    assert stale is not None
    index.upsert(stale)
    assert top(index, "ada tune") == []
    assert not index.set_banned("ada", False, 0)
    # Compaction rebuilds the slots; the ban is not a slot's and stays.
    for n in range(3):
        index.remove("PLAYER#ada", f"OBSERVATION#o{n}")
    index.compact()
    extra = to_doc(observation("o9", "PLAYER#ada", "Ada tune number nine"))
    assert extra is not None
    index.upsert(extra)
    assert top(index, "ada tune") == []
    assert index.set_banned("ada", False, 2)
    assert sorted(top(index, "ada tune")) == ["ada", "o9"]
    # Erasing the player forgets the ban state: a newcomer of that name starts at 0.
    index.set_banned("ada", True, 3)
    index.clear_ban("ada")
    assert index.set_banned("ada", False, 0)
    assert sorted(top(index, "ada tune")) == ["ada", "o9"]
