"""Trust detection per labelled set and kind: the rules alone and the rules + classifier
(``TrustGate().assess``, as recordInteraction runs them), on the trust set, every red-team
round (tests/data/trust_round*.json) and the long eval. For before/after tables (issue 19).

Prints, per set: each kind's injections detected and benign lines flagged by both lines,
the overall rates, and the ids missed by both lines. ``--json FILE`` also writes the
figures, ``--compare FILE`` prints them against an earlier ``--json`` (before -> after).
Run: .venv/bin/python bench/trust_rounds.py [--json after.json] [--compare before.json]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from qai_graph.memory.trust import assess
from qai_graph.memory.trust.gate import TrustGate

DATA = Path(__file__).parent.parent / "tests" / "data"
# Every round on disk, in order: a new round file is measured without an edit here.
ROUNDS = sorted(
    DATA.glob("trust_round*.json"), key=lambda p: int(p.stem.removeprefix("trust_round"))
)
SETS = {
    "trust set": "trust_set.json",
    **{f"round {p.stem.removeprefix('trust_round')}": p.name for p in ROUNDS},
    "long eval": "trust_long_eval.json",
}


def measure() -> dict[str, Any]:
    """set -> line -> label -> kind -> [flagged ids, all ids]."""
    lines = {"rules": assess, "both": TrustGate().assess}
    out: dict[str, Any] = {}
    for title, name in SETS.items():
        entries = json.loads((DATA / name).read_text("utf-8"))["entries"]
        found: dict[str, Any] = {}
        for line, check in lines.items():
            table: dict[str, dict[str, list[list[str]]]] = defaultdict(dict)
            for e in entries:
                cell = table[e["label"]].setdefault(e["kind"], [[], []])
                cell[1].append(e["id"])
                if check(e["text"], previous=e.get("previous", ())).flagged:
                    cell[0].append(e["id"])
            found[line] = table
        out[title] = found
    return out


def rate(cells: list[list[list[str]]]) -> tuple[int, int]:
    return sum(len(c[0]) for c in cells), sum(len(c[1]) for c in cells)


def fmt(hit: int, n: int) -> str:
    return f"{hit}/{n} {hit / n:.3f}" if n else "-"


def pick(src: dict[str, Any], title: str, line: str, label: str, kind: str) -> tuple[int, int]:
    table = src[title][line][label]
    if kind == "overall":
        return rate(list(table.values()))
    return rate([table[kind]] if kind in table else [])


def show(found: dict[str, Any], before: dict[str, Any] | None) -> None:
    for title, by_line in found.items():
        print(f"\n{title}: kind | detected: rules, +classifier | benign flagged: same")
        kinds = sorted(set(by_line["rules"]["injection"]) | set(by_line["rules"]["benign"]))
        for kind in [*kinds, "overall"]:
            cells = []
            for label in ("injection", "benign"):
                for line in ("rules", "both"):
                    cell = fmt(*pick(found, title, line, label, kind))
                    if before is not None and title in before:
                        old = pick(before, title, line, label, kind)
                        cell = f"{old[0] / old[1]:.3f}->{cell}" if old[1] else cell
                    cells.append(cell)
            print(f"  {kind:20} " + " | ".join(f"{c:>17}" for c in cells))
        missed = [i for c in by_line["both"]["injection"].values() for i in c[1] if i not in c[0]]
        flagged = [i for c in by_line["both"]["benign"].values() for i in c[0]]
        print(f"  missed by both ({len(missed)}):", " ".join(missed))
        print(f"  benign flagged by both ({len(flagged)}):", " ".join(flagged))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--compare", type=Path, help="an earlier --json to compare with")
    args = parser.parse_args()
    found = measure()
    before = json.loads(args.compare.read_text("utf-8")) if args.compare else None
    show(found, before)
    if args.json:
        args.json.write_text(json.dumps(found, indent=1), "utf-8")


if __name__ == "__main__":
    main()
