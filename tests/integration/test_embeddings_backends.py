"""Embeddings backends: bedrock against a local stand-in over HTTP, local, none, and the
stored vector format."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import numpy as np
import pytest

from qai_graph.config import MemoryConfig
from qai_graph.embeddings import decode_vector, encode_vector, make_embedder
from qai_graph.embeddings.bedrock import BedrockEmbedder

DIM = 256


class _Bedrock(BaseHTTPRequestHandler):
    """Poses as bedrock-runtime: POST /model/<id>/invoke -> {"embedding": [...]}."""

    requests: ClassVar[list[tuple[str, dict[str, object]]]] = []
    down: ClassVar[bool] = False

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body))
        if type(self).down:
            self.send_response(503)
            self.end_headers()
            return
        seed = sum(map(ord, body["inputText"])) % 1000
        vector = np.random.default_rng(seed).normal(size=body.get("dimensions", 1536))
        payload = json.dumps({"embedding": vector.tolist(), "inputTextTokenCount": 3}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bedrock_url() -> Iterator[str]:
    _Bedrock.requests = []
    _Bedrock.down = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bedrock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


async def test_bedrock_invokes_titan_v2_and_normalises(bedrock_url: str) -> None:
    embedder = make_embedder(MemoryConfig(embeddings="bedrock", bedrock_endpoint=bedrock_url))
    assert isinstance(embedder.backend, BedrockEmbedder)
    try:
        vectors = await embedder.embed(["cnot direction", "fridge lore"])
    finally:
        await embedder.close()
    assert vectors is not None and vectors.shape == (2, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    paths = sorted(p for p, _ in _Bedrock.requests)
    assert paths == ["/model/amazon.titan-embed-text-v2%3A0/invoke"] * 2
    assert all(b["dimensions"] == DIM and b["normalize"] for _, b in _Bedrock.requests)


async def test_bedrock_down_answers_none(
    bedrock_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    _Bedrock.down = True
    embedder = make_embedder(
        MemoryConfig(embeddings="bedrock", bedrock_endpoint=bedrock_url, bedrock_timeout_s=1)
    )
    try:
        assert await embedder.embed(["anything"]) is None
    finally:
        await embedder.close()
    assert any("lexical" in r.getMessage() for r in caplog.records)


async def test_local_model_loads_from_the_wheel_and_relates_words() -> None:
    embedder = make_embedder(MemoryConfig(embeddings="local"))
    await embedder.start()
    vectors = await embedder.embed(["chat celebrates a perfect run", "how does chat celebrate"])
    assert vectors is not None and vectors.shape == (2, 128)
    assert float(vectors[0] @ vectors[1]) > 0.5
    none = make_embedder(MemoryConfig(embeddings="none"))
    assert none.dim == 0 and await none.embed(["x"]) is None


def test_vectors_are_stored_as_float16_bytes() -> None:
    vector = np.linspace(-1, 1, DIM).astype(np.float32)
    data = encode_vector(vector)
    assert len(data) == 2 * DIM
    back = decode_vector(data, DIM)
    assert back is not None and np.allclose(back, vector, atol=1e-3)
    assert decode_vector(data, 128) is None


def test_local_tokenizer_without_its_cache_gives_the_same_ids() -> None:
    from tokenizers import Tokenizer

    from qai_graph.embeddings.local import _load, uncache

    shipped = _load(128).tokenizer.to_str()
    cached, uncached = Tokenizer.from_str(shipped), Tokenizer.from_str(shipped)
    uncache(uncached)
    texts = ["chat celebrates a perfect run", "how does chat celebrate", "gg wp @someone"] * 2
    ids = [[e.ids for e in t.encode_batch(texts)] for t in (cached, uncached)]
    assert ids[0] == ids[1] and len(ids[0][0]) > 3


UNIQUE_TEXTS = r"""
import random
from qai_graph.embeddings.local import _load

def rss():  # VmRSS in bytes (Linux, as the other RSS tests; psutil is not in the lock)
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024

model = _load(128)
if __import__("sys").argv[1] == "cached":
    model.tokenizer.model._resize_cache(10_000)  # the tokenizers default
rng = random.Random(3)
words = [f"word{i}" for i in range(5000)]
texts = [" ".join(rng.choices(words, k=12)) for _ in range(12_000)]
model.embed(texts[:64])
before = rss()
for start in range(0, len(texts), 1000):
    model.embed(texts[start : start + 1000])
print((rss() - before) / 1e6)
"""


def test_embedding_unique_texts_does_not_grow_the_heap() -> None:
    """A chat line is rarely embedded twice: the tokenizer's whole-text cache only grew
    the heap (tens of MB at 10,000 entries; it keeps texts under 256 characters, so these
    are short). Shown to bite with the cache back on."""
    import subprocess
    import sys

    grown = {}
    for mode in ("cached", "uncached"):
        done = subprocess.run(
            [sys.executable, "-c", UNIQUE_TEXTS, mode], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        grown[mode] = float(done.stdout.strip().splitlines()[-1])
    assert grown["cached"] > 20, grown
    assert grown["uncached"] < 8, grown
