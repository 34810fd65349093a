"""How often trust detection flags long, ordinary conversation: per length band, the
rules alone, the classifier alone and both (``TrustGate.assess``, as recordInteraction
runs them, with the speaker's last messages of the session as the gate keeps them).

Reads the turns of ``../shared/data/locomo-dev.json`` (evaluation data: read, never
copied; every turn is ordinary conversation, so every flag is a false one) and, when
present, ``tests/data/trust_long_eval.json`` (long benign and injection lines, held out
from training). Reports; asserts nothing. The bar it informs is issue 19's ">= 95 % of
benign messages still recalled and reaching prompts" and, through it, issue 21's recall
(a flagged memory never reaches another player's recall).

Run: .venv/bin/python bench/trust_long.py [--limit N]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from qai_graph.memory.trust import assess
from qai_graph.memory.trust.classifier import default_classifier
from qai_graph.memory.trust.gate import RECENT_MESSAGES, TrustGate

ROOT = Path(__file__).resolve().parent.parent
LOCOMO = ROOT.parent / "shared" / "data" / "locomo-dev.json"
LONG_EVAL = ROOT / "tests" / "data" / "trust_long_eval.json"
BANDS = ((0, 50), (50, 150), (150, 250), (250, 350), (350, 10_000))

Check = Callable[[str, Sequence[str]], bool]


def band(n: int) -> str:
    for low, high in BANDS:
        if low <= n < high:
            return f"{low}-{high - 1}" if high < 10_000 else f">={low}"
    raise ValueError(n)


def checks() -> dict[str, Check]:
    model = default_classifier()
    gate = TrustGate()
    return {
        "rules": lambda text, previous: assess(text, previous=previous).flagged,
        "classifier": lambda text, previous: model.suspects(text, previous=previous) is not None,
        "both": lambda text, previous: gate.assess(text, previous=previous).flagged,
    }


def locomo_turns(limit: int | None) -> Iterable[tuple[str, list[str]]]:
    """Each turn with the same speaker's last messages of its session (oldest first)."""
    conversations = json.loads(LOCOMO.read_text("utf-8"))["conversations"]
    seen = 0
    for conversation in conversations:
        for session in conversation["sessions"]:
            recent: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=RECENT_MESSAGES))
            for turn in session["turns"]:
                text = turn["text"][:2000]
                yield text, list(recent[turn["speaker"]])
                recent[turn["speaker"]].append(text)
                seen += 1
                if limit is not None and seen >= limit:
                    return


def table(rows: Iterable[tuple[str, list[str]]], label: str) -> None:
    found: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    run = checks()
    for text, previous in rows:
        for name, check in run.items():
            for key in (band(len(text)), "all"):
                cell = found[name][key]
                cell[0] += check(text, previous)
                cell[1] += 1
    keys = [band(low) for low, _ in BANDS] + ["all"]
    print(f"\n{label}: flagged / lines, per length band (characters)")
    print("  " + f"{'line':11}" + "".join(f"{k:>17}" for k in keys))
    for name, cells in found.items():
        row = ""
        for k in keys:
            hit, n = cells.get(k, [0, 0])
            row += f"{f'{hit}/{n} {hit / n:.3f}' if n else '-':>17}"
        print(f"  {name:11}{row}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="read only the first N LoCoMo turns")
    args = parser.parse_args()
    model = default_classifier()
    print(f"classifier thresholds {model.threshold:.3f} / {model.join_threshold:.3f}")
    if LOCOMO.exists():
        table(locomo_turns(args.limit), f"LoCoMo dev turns ({LOCOMO.name}, all benign)")
    else:
        print(f"{LOCOMO} not found: LoCoMo part skipped")
    if LONG_EVAL.exists():
        entries = json.loads(LONG_EVAL.read_text("utf-8"))["entries"]
        for label in ("benign", "injection"):
            rows = [
                (e["text"], list(e.get("previous", ()))) for e in entries if e["label"] == label
            ]
            what = "flagged" if label == "benign" else "caught"
            table(rows, f"{LONG_EVAL.name}, {label} ({what})")


if __name__ == "__main__":
    main()
