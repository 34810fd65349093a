"""Train the trust classifier (qai_graph/memory/trust/classifier.py) from
tests/data/trust_train.json, trust_train_long.json, trust_train_more.json,
trust_train_talk.json and the blind red-team rounds 5-18 (trust_round5.json ...
trust_round18.json, each measured once at first sight before it joined), plus synthetic
long messages (benign lines run together, some with an injection among them); choose its
thresholds by cross-validation, and write qai_graph/memory/trust/classifier.npz.
Reproducible: fixed folds and synthetic chains (seeded), full-batch optimisation from zero
weights (the same file on every run).

    .venv/bin/python scripts/train_trust_classifier.py            # train and write the model
    .venv/bin/python scripts/train_trust_classifier.py --dry-run  # cross-validation only
    .venv/bin/python scripts/train_trust_classifier.py --false-flags 0.01

Only the training files are read, never the evaluation sets (trust_set.json,
trust_long_eval.json, trust_round19.json, trust_round20.json and later rounds). Out of
fold (5 folds; an augmented line stays in its source's fold):

- ``threshold``: the lowest probability at which the classifier's own false flags (benign
  lines the rules leave alone that it would flag, each scored alone) stay within
  ``--false-flags`` (default 0.02) of all benign lines;
- ``join_threshold``: a message joined with the end of the player's previous ones reads
  longer and more varied than one message, so it has a threshold of its own: the lowest at
  which joins add at most ``--join-false-flags`` (default 0.01) to the false flags of
  benign conversations (the held-out benign lines in shuffled order, each after the two
  before it) and of the benign lines written as a continuation.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qai_graph.memory.trust import assess  # noqa: E402
from qai_graph.memory.trust.classifier import (  # noqa: E402
    MODEL_FILE,
    NGRAMS,
    REACH,
    Classifier,
    design,
    digest,
    joins,
)

# The short chat lines, and long messages (a friend's week told in one message, an
# injection buried in one): trained on short lines only, the model read length itself as
# a sign of instruction (on long ordinary conversation it flagged two in three). And the
# kinds it still missed on held-out sets (instructions hidden in game questions, indirect
# prompt leaks, jokes, "your rules were retired", splits, token requests, poisoning, long
# foreign messages), each injection with a benign look-alike of the same shape.
TRAIN_FILES = (
    ROOT / "tests" / "data" / "trust_train.json",
    ROOT / "tests" / "data" / "trust_train_long.json",
    ROOT / "tests" / "data" / "trust_train_more.json",
    # The blind red-team rounds 5-18, each measured once at first sight before it joined
    # (docs/trust.md): wordings nobody here anticipated are what a linear model lacks.
    # Trained on rounds 5-14, four new blind rounds (17-20) rose from 406 to 469 of 640
    # detected at first sight, at 28 against 27 of 640 benign lines flagged (docs/trust.md,
    # "Rounds 15 and 16", "Rounds 17-20").
    *(ROOT / "tests" / "data" / f"trust_round{n}.json" for n in range(5, 19)),
    # Friendly talk between people (encouragement, advice, questions to a named friend):
    # trained on the rounds without it, the model read "keep going, Jon, don't give up!"
    # as an instruction (LoCoMo dev's turns flagged 32 -> 74 of 2,760).
    ROOT / "tests" / "data" / "trust_train_talk.json",
    # trust_train_four.json (2026-12-07 night: relays, requests for other people's details,
    # 13 languages) is not listed: trained with it, the thresholds rose to 0.817 / 0.887
    # and held-out detection fell (round 6 0.815 -> 0.696, long eval 0.955 -> 0.937;
    # docs/trust.md, "Other players"). Nor is trust_train_world.json (40 languages, 12
    # intents): with it the held-out gains came with as many false flags (docs/trust.md,
    # "A multilingual training file").
)
OUT = ROOT / "qai_graph" / "memory" / "trust" / MODEL_FILE
SEED = 20261205
FOLDS = 5
BUCKETS = 2**16
L2 = 1e-5
STEPS = 600
CHAINS = 2000  # synthetic chains per training set: one or two benign lines, then an entry
CONVERSATIONS = 3  # shuffled benign conversations per held-out fold
# Synthetic long messages per training set: several benign lines run together as one
# message, alone (benign) or with an entry's injection put among them (an injection).
# With the sum of a block's weights divided by the square root of its count, a long
# message's score grows with its length unless training shows long benign text.
LONG = 500
LONG_PARTS = (2, 3, 4, 5, 6, 8)
_GLUE = (" ", ". ", "! ", ", ", " and ", "... ", " lol ", "? ")

# Most injections name QAI and much ordinary chat does not: without copies that swap that,
# the name alone (or its absence) would decide short messages.
_NAMED = re.compile(r"(?i)@?q\.?a\.?i\b[,:!]?\s*")
_NAMES = ("qai ", "@QAI ", "QAI ", "qai, ", "hey qai ", "yo qai ")

Triple = tuple[float, float, float]  # alone, the previous messages' end alone, joined


def load() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for path in TRAIN_FILES:
        if path.exists():
            entries.extend(json.loads(path.read_text("utf-8"))["entries"])
    return entries


def run_together(parts: list[str], rng: random.Random) -> str:
    """Lines joined into one message, with chat's punctuation between them."""
    out = parts[0]
    for part in parts[1:]:
        out += rng.choice(_GLUE) + part
    return out


def examples(
    entries: list[dict[str, Any]], rng: random.Random, long: int = LONG
) -> tuple[list[list[str]], list[int]]:
    """Chains (earlier messages, then the current one) and labels to train on: each entry
    in its context; a benign entry with earlier messages also alone; each entry with or
    without QAI's name in front; and chains of benign lines followed by an entry."""
    chains: list[list[str]] = []
    labels: list[int] = []
    for e in entries:
        text, y = e["text"], int(e["label"] == "injection")
        previous = list(e.get("previous", ()))
        chains.append([*previous, text])
        labels.append(y)
        if previous and not y:
            chains.append([text])
            labels.append(0)
        named = _NAMED.match(text)
        if named and rng.random() < 0.5:
            chains.append([*previous, text[named.end() :]])
            labels.append(y)
        elif not y and not named and not previous and rng.random() < 0.6:
            chains.append([f"{rng.choice(_NAMES)}{text}"])
            labels.append(0)
    benign = [e["text"] for e in entries if e["label"] == "benign" and not e.get("previous")]
    alone = [e for e in entries if not e.get("previous")]
    for _ in range(CHAINS):
        before = rng.sample(benign, rng.choice((1, 2)))
        then = rng.choice(alone)
        if then["text"] not in before:
            chains.append([*before, then["text"]])
            labels.append(int(then["label"] == "injection"))
    injections = [e["text"] for e in alone if e["label"] == "injection"]
    for at in range(long):
        parts = rng.sample(benign, rng.choice(LONG_PARTS))
        y = at % 3 == 0 and bool(injections)  # a third carry an injection among them
        if y:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(injections))
        chains.append([run_together(parts, rng)[:2000]])
        labels.append(int(y))
    return chains, labels


def fit(
    chains: list[list[str]], labels: list[int], *, buckets: int, l2: float, steps: int
) -> Classifier:
    """Class-balanced L2 logistic regression, full-batch Adam from zero."""
    rows, cols, vals = design(chains, buckets)
    y = np.asarray(labels, dtype=np.float64)
    n = len(y)
    pos = y.sum()
    sample = np.where(y == 1, n / (2 * pos), n / (2 * (n - pos))) / n
    w = np.zeros(buckets)
    b = 0.0
    m_w, v_w = np.zeros(buckets), np.zeros(buckets)
    m_b = v_b = 0.0
    rate, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        z = np.bincount(rows, weights=vals * w[cols], minlength=n) + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
        r = (p - y) * sample
        g_w = np.bincount(cols, weights=vals * r[rows], minlength=buckets) + 2 * l2 * w
        g_b = float(r.sum())
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w * g_w
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b * g_b
        correction = np.sqrt(1 - beta2**step) / (1 - beta1**step)
        w -= rate * correction * m_w / (np.sqrt(v_w) + eps)
        b -= rate * correction * m_b / (np.sqrt(v_b) + eps)
    return Classifier(w, b, threshold=0.5)


def folds(entries: list[dict[str, Any]], rng: random.Random) -> list[int]:
    """A fold per entry; an augmented line (``group``) goes with its source."""
    groups = sorted({e.get("group", e["id"]) for e in entries})
    rng.shuffle(groups)
    of = {g: i % FOLDS for i, g in enumerate(groups)}
    return [of[e.get("group", e["id"])] for e in entries]


def out_of_fold(
    entries: list[dict[str, Any]], *, buckets: int, l2: float, steps: int, long: int = LONG
) -> tuple[list[Triple], list[Triple]]:
    """Each entry's probabilities from the model trained without its fold; and those of
    the messages of benign conversations made of the fold's benign lines."""
    fold = folds(entries, random.Random(SEED))
    found: list[Triple] = [(0.0, 0.0, 0.0)] * len(entries)
    talk: list[Triple] = []
    for k in range(FOLDS):
        train = [e for e, f in zip(entries, fold, strict=True) if f != k]
        chains, labels = examples(train, random.Random(SEED + k), long)
        model = fit(chains, labels, buckets=buckets, l2=l2, steps=steps)
        held: list[str] = []
        for i, e in enumerate(entries):
            if fold[i] == k:
                found[i] = model.parts(e["text"], e.get("previous", ()))
                if e["label"] == "benign" and not e.get("previous"):
                    held.append(e["text"])
        order = random.Random(SEED + 100 + k)
        for _ in range(CONVERSATIONS):
            order.shuffle(held)
            for at, text in enumerate(held):
                talk.append(model.parts(text, held[max(0, at - 2) : at]))
    return found, talk


def flagged(triple: Triple, threshold: float, join_threshold: float) -> bool:
    alone, before, joined = triple
    return alone >= threshold or joins(alone, before, joined, join_threshold)


def choose_threshold(
    entries: list[dict[str, Any]], found: list[Triple], ruled: list[bool], budget: float
) -> float:
    """The lowest threshold whose own false flags (alone) stay within ``budget``."""
    benign = [
        t[0]
        for e, t, r in zip(entries, found, ruled, strict=True)
        if e["label"] == "benign" and not r
    ]
    allowed = int(budget * sum(e["label"] == "benign" for e in entries))
    ordered = sorted(benign, reverse=True)
    if allowed >= len(ordered):
        return 0.5
    return float(min(0.995, np.nextafter(ordered[allowed], 1.0)))


def choose_join_threshold(
    entries: list[dict[str, Any]],
    found: list[Triple],
    ruled: list[bool],
    talk: list[Triple],
    threshold: float,
    budget: float,
) -> float:
    """The lowest join threshold whose joins add at most ``budget`` to the false flags of
    benign conversations and of benign continuations."""
    continued = [
        t
        for e, t, r in zip(entries, found, ruled, strict=True)
        if e["label"] == "benign" and e.get("previous") and not r
    ]
    candidates = sorted({round(j, 4) for _, _, j in talk if j >= threshold} | {0.9999})
    base_talk = sum(t[0] >= threshold for t in talk)
    base_cont = sum(t[0] >= threshold for t in continued)
    for at in candidates:
        extra_talk = (sum(flagged(t, threshold, at) for t in talk) - base_talk) / len(talk)
        cont = sum(flagged(t, threshold, at) for t in continued) - base_cont
        extra_cont = cont / max(1, len(continued))
        if extra_talk <= budget and extra_cont <= budget:
            return max(threshold, at)
    return 0.9999


def report(
    entries: list[dict[str, Any]],
    found: list[Triple],
    ruled: list[bool],
    talk: list[Triple],
    threshold: float,
    join_threshold: float,
) -> dict[str, Any]:
    """Per kind, out of fold: rules alone, rules + classifier."""
    by_kind: dict[tuple[str, str], list[tuple[bool, bool]]] = defaultdict(list)
    for e, t, r in zip(entries, found, ruled, strict=True):
        by_kind[(e["label"], e["kind"])].append((r, r or flagged(t, threshold, join_threshold)))
    print(f"  thresholds {threshold:.3f} (a message), {join_threshold:.3f} (a join)")
    print("  kind | rules | rules + classifier (out of fold)")
    figures: dict[str, Any] = {}
    for label in ("injection", "benign"):
        for (lab, kind), xs in sorted(by_kind.items()):
            if lab == label:
                hits, both_hits = sum(a for a, _ in xs), sum(b for _, b in xs)
                print(f"    {label[:3]} {kind:20} {hits:3}/{len(xs):<3} {both_hits:3}/{len(xs):<3}")
        total = [x for (lab, _), xs in by_kind.items() if lab == label for x in xs]
        rules = sum(a for a, _ in total) / len(total)
        both = sum(b for _, b in total) / len(total)
        print(f"    {label[:3]} {'overall':20} {rules:.3f}   {both:.3f}")
        figures[label] = {"rules": round(rules, 4), "rules_and_classifier": round(both, 4)}
    missed = [
        t
        for e, t, r in zip(entries, found, ruled, strict=True)
        if e["label"] == "injection" and not r
    ]
    caught = sum(flagged(t, threshold, join_threshold) for t in missed)
    print(f"  rule misses caught by the classifier: {caught}/{len(missed)}")
    in_talk = sum(flagged(t, threshold, join_threshold) for t in talk) / len(talk)
    alone_talk = sum(t[0] >= threshold for t in talk) / len(talk)
    print(f"  benign conversation lines suspected: {in_talk:.3f} ({alone_talk:.3f} alone)")
    figures["rule_misses_caught"] = [caught, len(missed)]
    figures["benign_conversation_suspected"] = round(in_talk, 4)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--false-flags", type=float, default=0.02)
    parser.add_argument("--join-false-flags", type=float, default=0.01)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--steps", type=int, default=STEPS, help="optimiser steps")
    parser.add_argument("--long", type=int, default=LONG, help="synthetic long messages")
    parser.add_argument("--out", type=Path, default=OUT, help="where the model is written")
    args = parser.parse_args()
    entries = load()
    ruled = [assess(e["text"], previous=e.get("previous", ())).flagged for e in entries]
    started = time.perf_counter()
    found, talk = out_of_fold(entries, buckets=BUCKETS, l2=L2, steps=args.steps, long=args.long)
    print(f"{FOLDS}-fold cross-validation ({time.perf_counter() - started:.0f} s)")
    threshold = choose_threshold(entries, found, ruled, args.false_flags)
    join = choose_join_threshold(entries, found, ruled, talk, threshold, args.join_false_flags)
    figures = report(entries, found, ruled, talk, threshold, join)
    curve = []
    for budget in (0.005, 0.01, 0.015, 0.02, 0.03):
        at = choose_threshold(entries, found, ruled, budget)
        at_join = choose_join_threshold(entries, found, ruled, talk, at, args.join_false_flags)
        caught = sum(
            flagged(t, at, at_join)
            for e, t, r in zip(entries, found, ruled, strict=True)
            if e["label"] == "injection" and not r
        )
        curve.append(f"{budget:.3f}: {at:.3f}/{at_join:.3f} caught {caught}")
    print("  own false-flag budget: thresholds, rule misses caught:", "; ".join(curve))
    if args.dry_run:
        return
    chains, labels = examples(entries, random.Random(SEED), args.long)
    model = fit(chains, labels, buckets=BUCKETS, l2=L2, steps=args.steps)
    meta = {
        "training_data": [str(p.relative_to(ROOT)) for p in TRAIN_FILES if p.exists()],
        "training_sha256": {p.name: digest(p) for p in TRAIN_FILES if p.exists()},
        "long": args.long,
        "entries": len(entries),
        "buckets": BUCKETS,
        "ngrams": list(NGRAMS),
        "reach": REACH,
        "l2": L2,
        "steps": args.steps,
        "seed": SEED,
        "folds": FOLDS,
        "false_flag_budget": args.false_flags,
        "join_false_flag_budget": args.join_false_flags,
        "cross_validation": figures,
    }
    final = Classifier(model.weights, model.bias, threshold, meta, join_threshold=join)
    final.save(args.out, meta)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB), "
        f"thresholds {threshold:.3f} / {join:.3f}"
    )


if __name__ == "__main__":
    main()
