"""Prometheus metrics for the API: request count and latency per GraphQL operation.

Why a registry per app (not the global one): tests and benchmarks build several apps in one
process, and the global registry refuses duplicate metric names. Operation names come from
clients, so only well-formed names are used as labels and at most `MAX_OPERATIONS` distinct
ones — anything else is counted as "other" — or a client could blow up the label cardinality.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from strawberry.extensions import SchemaExtension

MAX_OPERATIONS = 200
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class ApiMetrics:
    """The app's metrics and the registry `/metrics` exposes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "marketgraph_graphql_requests",
            "GraphQL operations executed, by operation name and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "marketgraph_graphql_request_seconds",
            "GraphQL operation latency in seconds, by operation name.",
            ["operation"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self._seen: set[str] = set()

    def label(self, operation: str | None) -> str:
        """A bounded, well-formed label for a client-chosen operation name."""
        if not operation or not _NAME.match(operation):
            return "anonymous" if not operation else "other"
        if operation not in self._seen:
            if len(self._seen) >= MAX_OPERATIONS:
                return "other"
            self._seen.add(operation)
        return operation


class MetricsExtension(SchemaExtension):
    """Times each operation and counts it as ok or error."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        metrics = getattr(self.execution_context.context, "metrics", None)
        if not isinstance(metrics, ApiMetrics):
            return
        label = metrics.label(self.execution_context.operation_name)
        result = self.execution_context.result
        outcome = "error" if result is not None and getattr(result, "errors", None) else "ok"
        metrics.requests.labels(label, outcome).inc()
        metrics.latency.labels(label).observe(time.perf_counter() - started)
