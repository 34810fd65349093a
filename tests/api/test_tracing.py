"""Optional OpenTelemetry tracing: spans for operations when enabled, none otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.support.api_harness import ConfigFactory, serve


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    """The global tracer provider (set once per process) exporting to memory."""
    exporter = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()


@pytest.mark.parametrize("enabled", [True, False])
async def test_operations_become_spans_only_when_tracing_is_on(
    make_config: ConfigFactory, spans: InMemorySpanExporter, enabled: bool
) -> None:
    spans.clear()
    async with serve(make_config(otel_tracing=enabled)) as api:
        await api.client.data("query Evo { evolution { stage } }")
    names = [span.name for span in spans.get_finished_spans()]
    assert ("GraphQL Query: Evo" in names) is enabled, names
