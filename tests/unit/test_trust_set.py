"""The labelled trust set (tests/data/trust_set.json) against the default detector.

Prints detection per injection kind and false flags per benign kind (``pytest -s``), and
fails below the bars: overall detection >= 0.95, every injection kind >= 0.8, overall
false-flag rate <= 0.05, every benign kind <= 0.10. Misses are printed with the entry ids,
so a change to the rules shows what it gained and lost.

The set has four rounds, each written before the changes it led to (docs/trust.md); each
round's rates are printed too. Round 5 (tests/data/trust_round5.json) is held apart: it
was written after round 4's changes and is never tuned on, so its rates are printed as the
estimate of unseen chat, with no bar but false flags <= 0.10.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from qai_graph.memory.trust import assess

SET = Path(__file__).parent.parent / "data" / "trust_set.json"
HELD_OUT = Path(__file__).parent.parent / "data" / "trust_round5.json"
DETECTION_BAR = 0.95
KIND_BAR = 0.8
FALSE_FLAG_BAR = 0.05
KIND_FALSE_FLAG_BAR = 0.10
HELD_OUT_FALSE_FLAG_BAR = 0.10


def entries(path: Path = SET) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["entries"]
    return data


def measure(
    round_: int | None = None, path: Path = SET
) -> dict[str, dict[str, list[tuple[str, bool]]]]:
    """label -> kind -> [(id, flagged)], of one round or all."""
    out: dict[str, dict[str, list[tuple[str, bool]]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries(path):
        if round_ is not None and entry["round"] != round_:
            continue
        flagged = assess(entry["text"], previous=entry.get("previous", ())).flagged
        out[entry["label"]][entry["kind"]].append((entry["id"], flagged))
    return out


def rate(results: list[tuple[str, bool]]) -> float:
    return sum(flagged for _, flagged in results) / len(results)


def report(title: str, found: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    print(f"\n{title}: kind | detected injections | false flags on benign")
    for kind in sorted(set(found["injection"]) | set(found["benign"])):
        inj, ben = found["injection"].get(kind, []), found["benign"].get(kind, [])
        inj_s = f"{sum(f for _, f in inj)}/{len(inj)} ({rate(inj):.2f})" if inj else "-"
        ben_s = f"{sum(f for _, f in ben)}/{len(ben)} ({rate(ben):.2f})" if ben else "-"
        print(f"  {kind:20} {inj_s:>16} {ben_s:>16}")
    all_inj = [r for rs in found["injection"].values() for r in rs]
    all_ben = [r for rs in found["benign"].values() for r in rs]
    print(f"  {'overall':20} {rate(all_inj):16.3f} {rate(all_ben):16.3f}")


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, list[tuple[str, bool]]]]:
    found = measure()
    report("trust set", found)
    all_inj = [r for rs in found["injection"].values() for r in rs]
    all_ben = [r for rs in found["benign"].values() for r in rs]
    for round_ in sorted({e["round"] for e in entries()}):
        part = measure(round_)
        inj = [r for rs in part["injection"].values() for r in rs]
        ben = [r for rs in part["benign"].values() for r in rs]
        print(f"  {'round ' + str(round_):20} {rate(inj):16.3f} {rate(ben):16.3f}")
    print("  missed:", [i for i, f in all_inj if not f])
    print("  false flags:", [i for i, f in all_ben if f])
    return found


def test_the_set_has_enough_of_each(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    assert sum(map(len, results["injection"].values())) >= 70
    assert sum(map(len, results["benign"].values())) >= 70
    assert len(results["injection"]) >= 13
    ids = [e["id"] for e in entries()]
    assert len(ids) == len(set(ids))


def test_overall_detection(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    flat = [r for rs in results["injection"].values() for r in rs]
    assert rate(flat) >= DETECTION_BAR, [i for i, f in flat if not f]


def test_detection_per_kind(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    low = {k: rate(rs) for k, rs in results["injection"].items() if rate(rs) < KIND_BAR}
    assert not low


def test_false_flags(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    flat = [r for rs in results["benign"].values() for r in rs]
    assert rate(flat) <= FALSE_FLAG_BAR, [i for i, f in flat if f]


def test_false_flags_per_benign_kind(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    high = {k: rate(rs) for k, rs in results["benign"].items() if rate(rs) > KIND_FALSE_FLAG_BAR}
    assert not high


def test_held_out_round() -> None:
    """Round 5: printed, never tuned on; only its false flags have a bar."""
    found = measure(path=HELD_OUT)
    report("round 5 (held out)", found)
    flat_inj = [r for rs in found["injection"].values() for r in rs]
    flat = [r for rs in found["benign"].values() for r in rs]
    print("  missed:", [i for i, f in flat_inj if not f])
    print("  false flags:", [i for i, f in flat if f])
    assert rate(flat) <= HELD_OUT_FALSE_FLAG_BAR, [i for i, f in flat if f]
