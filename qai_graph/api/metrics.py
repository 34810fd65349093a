"""What an operator sees: Prometheus metrics at ``/metrics`` and one log line per operation.

Each app owns its own ``CollectorRegistry`` (tests and several apps in one process never
collide). The metrics, all prefixed ``qai_graph_``:

- ``graphql_operations_total{operation,type,code}``: operations ended, by outcome
  (``OK`` or the first error's code); ``graphql_operation_seconds{operation,type}``:
  their latency histogram (for a subscription, its lifetime).
- ``dynamodb_requests_total{api,outcome}``: requests the store client made (``ok`` or
  the error code); ``dynamodb_request_seconds{api}``: latency, botocore's retries included.
- ``websockets_open``, ``subscriptions_open``: open now.
- ``events_published_total{kind}``, ``events_delivered_total{kind}``: memory events
  published to this replica's subscribers, and sent by subscriptions to clients.
- ``event_feed_reads_total{outcome}``: cross-replica reads of the evolution partition.
- ``embedded_store_seconds{phase}``: embedded store timings (start; journal and
  snapshot when the emulator reports them).

plus the process collector (``process_cpu_seconds_total``, ``process_resident_memory_bytes``).
The operation label is the operation's name, or its first root field when anonymous;
client-chosen names are bounded (``MAX_OPERATION_LABELS``, then ``other``).
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import Token
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import SummaryMetricFamily
from prometheus_client.registry import Collector
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from qai_graph.api.auth import ADMIN, Authenticator, bearer_token, hash_key
from qai_graph.api.context import REQUEST_ID_HEADER, request_id_from
from qai_graph.api.errors import INTERNAL, is_unexpected
from qai_graph.config import MemoryConfig
from qai_graph.errors import MemoryError_
from qai_graph.logs import operation_var, request_id_var
from qai_graph.memory.events.hub import EventKind

logger = logging.getLogger("qai_graph.api.operations")

MAX_OPERATION_LABELS = 200
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

StoreTimingSource = Callable[[], Mapping[str, tuple[int, float]]]
"""Cumulative embedded-store timings: phase -> (count, total seconds)."""


class _StoreTimings(Collector):
    """The embedded store's timings as one summary, read at scrape time."""

    def __init__(self) -> None:
        self.own: dict[str, tuple[int, float]] = {}
        self.sources: list[StoreTimingSource] = []

    def collect(self) -> Iterator[SummaryMetricFamily]:
        """Merge what this process measured with what the sources report."""
        family = SummaryMetricFamily(
            "qai_graph_embedded_store_seconds", "Embedded store timings by phase", labels=["phase"]
        )
        merged = dict(self.own)
        for source in self.sources:
            try:
                reported = source()
            except Exception:
                logger.debug("embedded store timings unavailable", exc_info=True)
                continue
            for phase, (count, total) in reported.items():
                have = merged.get(phase, (0, 0.0))
                merged[phase] = (have[0] + count, have[1] + total)
        for phase, (count, total) in sorted(merged.items()):
            family.add_metric([phase], count_value=count, sum_value=total)
        yield family


class Metrics:
    """One app's metrics and the hooks the store, the bus and the schema call."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.operations = Counter(
            "qai_graph_graphql_operations",
            "GraphQL operations by name, type and outcome code",
            ["operation", "type", "code"],
            registry=r,
        )
        self.operation_seconds = Histogram(
            "qai_graph_graphql_operation_seconds",
            "GraphQL operation latency",
            ["operation", "type"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.dynamodb_requests = Counter(
            "qai_graph_dynamodb_requests",
            "DynamoDB requests by API and outcome",
            ["api", "outcome"],
            registry=r,
        )
        self.dynamodb_seconds = Histogram(
            "qai_graph_dynamodb_request_seconds",
            "DynamoDB request latency (retries included)",
            ["api"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.websockets = Gauge(
            "qai_graph_websockets_open", "WebSocket connections open", registry=r
        )
        self.subscriptions = Gauge(
            "qai_graph_subscriptions_open", "Subscriptions listening for events", registry=r
        )
        self.events_published = Counter(
            "qai_graph_events_published", "Memory events published", ["kind"], registry=r
        )
        self.events_delivered = Counter(
            "qai_graph_events_delivered", "Events sent to subscribers", ["kind"], registry=r
        )
        self.feed_reads = Counter(
            "qai_graph_event_feed_reads",
            "Reads of the evolution partition for cross-replica events",
            ["outcome"],
            registry=r,
        )
        self.store_timings = _StoreTimings()
        r.register(self.store_timings)
        ProcessCollector(registry=r)
        self._labels: set[str] = set()

    # --- hooks -------------------------------------------------------------------------

    def dynamodb_call(self, api: str, outcome: str, seconds: float) -> None:
        """The store client's observer: one request ended."""
        self.dynamodb_requests.labels(api, outcome).inc()
        self.dynamodb_seconds.labels(api).observe(seconds)

    def published(self, kind: EventKind) -> None:
        """The bus published an event."""
        self.events_published.labels(kind.value).inc()

    def delivered(self, kind: EventKind) -> None:
        """A subscription sent an event."""
        self.events_delivered.labels(kind.value).inc()

    def feed_read(self, ok: bool) -> None:
        """The cross-replica feed read the table."""
        self.feed_reads.labels("ok" if ok else "error").inc()

    def store_timing(self, phase: str, seconds: float) -> None:
        """Record one embedded-store timing measured in this process."""
        count, total = self.store_timings.own.get(phase, (0, 0.0))
        self.store_timings.own[phase] = (count + 1, total + seconds)

    def add_store_timings(self, source: StoreTimingSource) -> None:
        """Expose timings another process reports (e.g. the emulator's journal)."""
        self.store_timings.sources.append(source)

    def operation_label(self, name: str | None) -> str:
        """A bounded label for a client-chosen operation name."""
        if not name or not _NAME.match(name):
            return "anonymous" if not name else "invalid"
        if name not in self._labels:
            if len(self._labels) >= MAX_OPERATION_LABELS:
                return "other"
            self._labels.add(name)
        return name

    def extension(self) -> Callable[[], SchemaExtension]:
        """The Strawberry extension factory that times operations into these metrics."""
        return lambda: OperationTelemetry(self)


def error_code(error: GraphQLError) -> str:
    """The stable code a client sees for an error."""
    original = error.original_error
    if isinstance(original, MemoryError_):
        return original.code
    code = (error.extensions or {}).get("code")
    if code:
        return str(code)
    return INTERNAL if is_unexpected(error) else "GRAPHQL_VALIDATION_FAILED"


class OperationTelemetry(SchemaExtension):
    """Counts and times each operation, and logs one line when it ends."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        """Time the whole operation (parse to result)."""
        start = time.perf_counter()
        token = operation_var.set(self.execution_context.operation_name)
        code = "OK"
        try:
            yield
            code = self._code()
        except BaseException:
            # A subscription ends so when its client leaves; a query or mutation when
            # the HTTP deadline (answered STORE_UNAVAILABLE) or a closed socket ends it.
            code = "CLOSED" if self._describe()[0] == "subscription" else "CANCELLED"
            raise
        finally:
            seconds = time.perf_counter() - start
            kind, name = self._describe()
            label = self.metrics.operation_label(name)
            operation_var.set(label)
            self.metrics.operations.labels(label, kind, code).inc()
            self.metrics.operation_seconds.labels(label, kind).observe(seconds)
            logger.info(
                "%s %s %s in %.1f ms",
                kind,
                label,
                code,
                seconds * 1000,
                extra={"duration_ms": round(seconds * 1000, 2), "code": code, "type": kind},
            )
            _reset(token)

    def on_execute(self) -> Iterator[None]:
        """Name the operation in the log lines its resolvers write."""
        _, name = self._describe()
        token = operation_var.set(name)
        try:
            yield
        finally:
            _reset(token)

    def _describe(self) -> tuple[str, str | None]:
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except Exception:
            return "unknown", context.operation_name
        name = context.operation_name
        if name is None and context.graphql_document is not None:
            for definition in context.graphql_document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    first = definition.selection_set.selections[0]
                    name = getattr(getattr(first, "name", None), "value", None)
                    break
        return kind, name

    def _code(self) -> str:
        context = self.execution_context
        errors = getattr(context.result, "errors", None) or context.pre_execution_errors
        return error_code(errors[0]) if errors else "OK"


def _reset(token: Token[str | None]) -> None:
    # A subscription may end in another task than it began in: its context is gone.
    with contextlib.suppress(ValueError):
        operation_var.reset(token)


class RequestTelemetry:
    """ASGI middleware: a request id for every request (the caller's if safe, else new,
    written back into the headers so the view uses the same), set for log lines; and
    the count of open WebSockets."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its id in the logging context."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = request_id_from({REQUEST_ID_HEADER: given})
        if request_id != given:
            headers = [(k, v) for k, v in scope["headers"] if k != REQUEST_ID_HEADER.encode()]
            headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
            scope = {**scope, "headers": headers}
        token = request_id_var.set(request_id)
        try:
            if scope["type"] == "websocket":
                self.metrics.websockets.inc()
                try:
                    await self.app(scope, receive, send)
                finally:
                    self.metrics.websockets.dec()
            else:
                await self.app(scope, receive, send)
        finally:
            request_id_var.reset(token)


def metrics_endpoint(config: MemoryConfig, metrics: Metrics) -> Callable[[Request], Any]:
    """GET /metrics: open in development mode; with keys, the metrics key or an admin key."""
    authenticator = Authenticator(config.api_key_roles)

    async def endpoint(request: Request) -> Response:
        header = request.headers.get("authorization")
        principal = authenticator.authenticate(header)
        token = bearer_token(header)
        allowed = (principal is not None and principal.can(ADMIN)) or (
            bool(config.metrics_key)
            and token is not None
            and hmac.compare_digest(hash_key(token), config.metrics_key)
        )
        if not allowed:
            return JSONResponse(
                {"error": "UNAUTHENTICATED", "message": "send the metrics key or an admin key"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return endpoint
