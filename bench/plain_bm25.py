"""Plain BM25 over a LoCoMo conversation's turns: the baseline issue 21's "1.1x plain BM25"
bar is measured against (bench/locomo.py's ``bm25`` mode).

Textbook Okapi BM25 (k1 1.2, b 0.75) over each turn's text alone: lower-cased word tokens,
a short English stop list, no stemming, no names, no times, no neighbours, no vectors.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

K1, B = 1.2, 0.75
_STOPWORDS = (
    "a an the and or but if of to in on at by for with about as is are was were be been "
    "being do does did have has had i you he she it we they me him her us them my your his "
    "its our their what when where who whom which why how this that these those there here "
    "not no so than too very can will just would should could"
)
STOPWORDS = frozenset(_STOPWORDS.split())


def tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in STOPWORDS]


def found(
    conversation: dict[str, Any],
    categories: dict[int, str],
    evidence: Callable[[dict[str, Any], dict[str, Any]], set[str]],
    ks: tuple[int, ...],
) -> dict[int, list[list[bool]]]:
    """Per category, each question's found@k (an evidence turn among the top k)."""
    docs = [
        (f"c{conversation['id']}-{turn['dia_id']}", Counter(tokens(turn["text"])))
        for session in conversation["sessions"]
        for turn in session["turns"]
    ]
    n = len(docs)
    average = sum(sum(c.values()) for _, c in docs) / max(n, 1)
    df = Counter(word for _, counts in docs for word in counts)
    results: dict[int, list[list[bool]]] = defaultdict(list)
    for question in conversation["qa"]:
        category = int(question["category"])
        if category not in categories:
            continue
        asked = tokens(question["question"])

        def score(counts: Counter[str], asked: list[str] = asked) -> float:
            length = sum(counts.values())
            total = 0.0
            for word in asked:
                tf = counts.get(word, 0)
                if tf:
                    idf = math.log(1 + (n - df[word] + 0.5) / (df[word] + 0.5))
                    total += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
            return total

        ranked = [ident for ident, _ in sorted(docs, key=lambda d: -score(d[1]))[: max(ks)]]
        wanted = evidence(conversation, question)
        results[category].append([any(i in wanted for i in ranked[:k]) for k in ks])
    return results
