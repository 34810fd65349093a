"""Schema-driven fuzzing (hypothesis-graphql) of the running app over HTTP: valid and
invalid documents for every query and mutation field; no answer may be a 5xx or an
INTERNAL error. Bounded by example count (derandomized: CI sees the same examples)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from qai_graph.api.schema import export_schema

SCHEMA = export_schema()
SCALARS = {
    "JSON": st.dictionaries(st.text(max_size=5), st.integers(), max_size=3).map(
        lambda d: nodes.String(str(d))
    )
    | st.just(nodes.Null),
    "DateTime": st.just(nodes.String("2026-01-01T00:00:00+00:00")),
}
FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
SEEN: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    started = time.monotonic()
    yield
    print(
        f"\nschema fuzz: {sum(SEEN.values())} requests in {time.monotonic() - started:.1f} s, "
        f"by answer: {dict(SEEN)}"
    )


def check(client: httpx.Client, document: object) -> None:
    response = client.post("/graphql", json={"query": str(document)})
    assert response.status_code < 500, response.text
    body = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL" not in codes, body
    assert all(codes), body  # every error carries a code
    SEEN[f"{response.status_code} {codes[0] if codes else 'data'}"] += 1


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE])
def test_schema_fuzz_queries_and_mutations(sync_client: httpx.Client, mode: Mode) -> None:
    documents = from_schema(SCHEMA, custom_scalars=SCALARS, mode=mode)

    @FUZZ
    @given(document=documents)
    def run(document: object) -> None:
        check(sync_client, document)

    run()
