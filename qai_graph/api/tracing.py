"""Optional OpenTelemetry tracing of GraphQL operations (Strawberry's extension).

On when ``QAI_MEMORY_OTEL_TRACING=true`` and the ``otel`` extra is installed
(``pip install 'qai-graph[otel]'``): each operation, its parsing, validation and
resolvers become spans of the global tracer provider, which the operator configures
(for example ``opentelemetry-instrument`` with an OTLP exporter). Asked for without the
extra, the service starts untraced and says why once.
"""

from __future__ import annotations

import importlib
import logging

from qai_graph.api.limits import ExtensionFactory
from qai_graph.config import MemoryConfig

logger = logging.getLogger("qai_graph.api")


def tracing_extensions(config: MemoryConfig) -> list[ExtensionFactory]:
    """Strawberry's OpenTelemetryExtension when enabled and importable, else nothing."""
    if not config.otel_tracing:
        return []
    try:
        module = importlib.import_module("strawberry.extensions.tracing.opentelemetry")
    except ImportError:
        logger.warning(
            "QAI_MEMORY_OTEL_TRACING is on but OpenTelemetry is not installed "
            "(pip install 'qai-graph[otel]'); tracing is off"
        )
        return []
    extension: ExtensionFactory = module.OpenTelemetryExtension
    return [extension]
