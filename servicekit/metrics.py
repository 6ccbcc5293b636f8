"""Metrics of a service, kept with OpenTelemetry's SDK and read by Prometheus at `/metrics`.

Each running service has its own MeterProvider (two replicas in one test process do not mix
their counts) with a pull reader: a scrape first refreshes the figures that need a query (relay
lag, consumer lag, open dead letters), then collects and writes the Prometheus text format
(0.0.4). What a service counts:

- `tdkt_http_requests_total{method, route, status}` and the latency histogram
  `tdkt_http_request_duration_seconds{method, route}`; commands are the requests whose method
  is not GET (the route is its template, `/plans/{plan_id}`, never a value from the path);
- `tdkt_events_published_total{service}` by this replica's outbox relay, and
  `tdkt_relay_lag_events{store}`: events stored and not yet on the bus;
- `tdkt_consumer_events_total{consumer, outcome}` and `tdkt_consumer_lag_messages{consumer}`:
  messages of the stream that a durable consumer has not acknowledged yet;
- `tdkt_dead_letters{source}`: dead letters waiting for an operator;
- whatever a service adds with `counter`/`observe` (webhook and e-mail failures, eligibility
  verdicts).

`/metrics` is public, like the probes: it names routes, consumers and counts, never a person,
a unit or a value from a request; deployments keep it inside the cluster (infra/k8s).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from opentelemetry.metrics import CallbackOptions, Counter, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    Gauge,
    Histogram,
    HistogramDataPoint,
    InMemoryMetricReader,
    Sum,
)
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import PUBLIC

log = logging.getLogger(__name__)
Read = Callable[[], Iterable[tuple[Mapping[str, str], float]]]
Refresh = Callable[[], Awaitable[None]]
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMEASURED = frozenset({"/metrics", "/healthz", "/readyz"})
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

router = APIRouter(tags=["health"], dependencies=[PUBLIC])  # scraped by Prometheus inside the cluster


class Metrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.reader = InMemoryMetricReader()
        self.provider = MeterProvider(
            metric_readers=[self.reader], resource=Resource.create({"service.name": f"tdkt-{service}"}),
            views=[View(instrument_name="tdkt_http_request_duration_seconds",
                        aggregation=ExplicitBucketHistogramAggregation(LATENCY_BUCKETS))])
        self.meter = self.provider.get_meter("tdkt")
        self.requests = self.meter.create_counter(
            "tdkt_http_requests", description="HTTP requests by method, route template and status")
        self.latency = self.meter.create_histogram(
            "tdkt_http_request_duration_seconds", unit="s", description="HTTP request latency")
        self._refreshers: list[Refresh] = []

    def counter(self, name: str, description: str) -> Counter:
        """A counter the service adds to where something happens (`.add(1, {...})`)."""
        return self.meter.create_counter(name, description=description)

    def observe(self, name: str, description: str, read: Read, *, monotonic: bool = False) -> None:
        """A figure read at each scrape from the service's own state: a running total
        (`monotonic`, e.g. events published) or a gauge (a lag, a count of rows)."""
        def callback(_: CallbackOptions) -> Iterable[Observation]:
            try:
                return [Observation(value, dict(attributes)) for attributes, value in read()]
            except Exception as error:  # a figure that cannot be read must not fail the scrape
                log.warning("metric %s not read: %s", name, error)
                return []

        if monotonic:
            self.meter.create_observable_counter(name, [callback], description=description)
        else:
            self.meter.create_observable_gauge(name, [callback], description=description)

    def refresh(self, refresher: Refresh) -> None:
        """Run before each scrape: queries whose result an `observe` then reads."""
        self._refreshers.append(refresher)

    async def exposition(self) -> str:
        for refresher in self._refreshers:
            try:
                await refresher()
            except Exception as error:
                log.warning("metrics refresh failed: %s", error)
        data = self.reader.get_metrics_data()
        lines: list[str] = []
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    lines.extend(_render(metric.name, metric.description, metric.data))
        return "\n".join(lines) + "\n"

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.provider.shutdown()


class MetricsMiddleware:
    """Counts every request by method, route template and status, and times it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in UNMEASURED:
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.requests.add(1, {"method": method, "route": route, "status": str(status)})
            self.metrics.latency.record(time.perf_counter() - started, {"method": method, "route": route})


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(request: Request) -> PlainTextResponse:
    """The service's metrics in Prometheus' text format."""
    found: Metrics = request.app.state.metrics
    return PlainTextResponse(await found.exposition(), media_type=CONTENT_TYPE)


def _render(name: str, description: str | None, data: Any) -> list[str]:
    if isinstance(data, Sum):
        kind, name = ("counter", f"{name}_total") if data.is_monotonic else ("gauge", name)
    elif isinstance(data, Gauge):
        kind = "gauge"
    elif isinstance(data, Histogram):
        kind = "histogram"
    else:
        return []
    lines = [f"# HELP {name} {_escape_help(description or name)}", f"# TYPE {name} {kind}"]
    for point in data.data_points:
        labels = dict(point.attributes or {})
        if isinstance(point, HistogramDataPoint):
            cumulative = 0
            for bound, count in zip([*point.explicit_bounds, math.inf], point.bucket_counts, strict=True):
                cumulative += count
                le = "+Inf" if bound == math.inf else repr(float(bound))
                lines.append(f"{name}_bucket{_labels({**labels, 'le': le})} {cumulative}")
            lines.append(f"{name}_sum{_labels(labels)} {_number(point.sum)}")
            lines.append(f"{name}_count{_labels(labels)} {point.count}")
        else:
            lines.append(f"{name}{_labels(labels)} {_number(point.value)}")
    return lines


def _labels(labels: Mapping[str, Any]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{key}="{_escape(str(value))}"' for key, value in labels.items())
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) and not value.is_integer() else str(int(value))
