"""The local encoder loads and embeds with no network at all (issue 21, item 3).

In a fresh interpreter (the model is cached per process, and a fresh one imports
wordllama anew): Hugging Face's offline switch is on, and every way out of the process
(connect, DNS) raises before wordllama is imported; the guard is shown to bite first,
so the test fails if the loader ever reaches for the hub.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

GUARDED = r"""
import asyncio, json, socket

class NoNetwork(OSError):
    pass

def refuse(*args, **kwargs):
    raise NoNetwork(f"network use: {args!r}")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
try:
    socket.create_connection(("127.0.0.1", 9))
    guard = "open"
except NoNetwork:
    guard = "shut"

from qai_graph.embeddings.local import LocalEmbedder

async def main():
    embedder = LocalEmbedder(dim=128)
    await embedder.start()  # raises, unlike SafeEmbedder, if loading needs the network
    rows = await embedder.embed(["chat celebrates a perfect run", "how does chat celebrate"])
    print(json.dumps({"guard": guard, "name": embedder.name, "shape": list(rows.shape),
                      "cosine": float(rows[0] @ rows[1])}))

asyncio.run(main())
"""


def test_local_model_loads_with_no_network() -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", GUARDED], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["guard"] == "shut"
    assert result["name"] == "wordllama-l2_supercat-128"
    assert result["shape"] == [2, 128]
    assert result["cosine"] > 0.5
