"""OpenTelemetry set-up shared by every service: one trace from the HTTP command through
the event store and the bus to every consumer (W3C `traceparent`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from servicekit.settings import ServiceSettings

_LOWER_HEX = frozenset("0123456789abcdef")


def span_context_of(carrier: Mapping[str, str]) -> trace.SpanContext:
    """The span a W3C `traceparent` names (a message's, a stored event's), read directly when it is
    version 00 with no `tracestate`, as the propagator reads it, at about a third of its cost;
    anything else through the propagator. The carrier holds a `traceparent`."""
    parts = carrier["traceparent"].strip().split("-")
    if (len(parts) == 4 and parts[0] == "00" and "tracestate" not in carrier
            and len(parts[1]) == 32 and len(parts[2]) == 16 and len(parts[3]) == 2
            and _LOWER_HEX.issuperset(parts[1]) and _LOWER_HEX.issuperset(parts[2])
            and _LOWER_HEX.issuperset(parts[3])):
        return trace.SpanContext(int(parts[1], 16), int(parts[2], 16), is_remote=True,
                                 trace_flags=trace.TraceFlags(int(parts[3], 16)))
    return trace.get_current_span(propagate.extract(carrier)).get_span_context()


def distinct_origins(carriers: Iterable[Mapping[str, str] | None], limit: int, *,
                     per_trace: bool) -> list[trace.SpanContext]:
    """The valid spans the carriers' `traceparent`s name, in order, one per distinct span (or per
    distinct trace with `per_trace`), at most `limit`: what a batch's span links to."""
    origins: list[trace.SpanContext] = []
    seen: set[int | tuple[int, int]] = set()
    for carrier in carriers:
        if len(origins) >= limit:
            break
        if carrier and "traceparent" in carrier:
            origin = span_context_of(carrier)
            key = origin.trace_id if per_trace else (origin.trace_id, origin.span_id)
            if origin.is_valid and key not in seen:
                seen.add(key)
                origins.append(origin)
    return origins


def setup_telemetry(settings: ServiceSettings, app: FastAPI | None = None) -> None:
    """Install a tracer provider (once per process) and instrument the HTTP app."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": f"tdkt-{settings.service}"}))
        if settings.otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(
                BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint}/v1/traces"))
            )
        trace.set_tracer_provider(provider)
    if app is not None:
        instrument(app)


def instrument(app: FastAPI, tracer_provider: trace.TracerProvider | None = None) -> None:
    """Trace every request but the probes, identification numbers masked in the URL recorded.
    A request is one server span: the instrumentation's inner spans for each ASGI message
    received and sent (`http receive`, `http send`) add three spans a command and say nothing
    the server span does not."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz", tracer_provider=tracer_provider,
                                       server_request_hook=mask_numbers_in_url, exclude_spans=["receive", "send"])


# a personal (12 digits) or an old identity card (9) number, a phone number, typed with spaces or not
LONG_NUMBER = re.compile(r"\d(?:[\s.+-]*\d){8,}")
URL_ATTRIBUTES = ("http.url", "url.full", "url.query", "http.target")


def mask_numbers_in_url(span: Any, scope: dict[str, Any]) -> None:
    """A search by personal number (`?q=004085000123`) leaves "?q=************" in the trace."""
    query = scope.get("query_string") or b""
    query = unquote(query.decode("latin-1") if isinstance(query, bytes) else str(query))
    if span is None or not span.is_recording() or not LONG_NUMBER.search(query):
        return
    for name in URL_ATTRIBUTES:
        value = (getattr(span, "attributes", None) or {}).get(name)
        if isinstance(value, str):
            span.set_attribute(name, LONG_NUMBER.sub(lambda m: "*" * len(m[0]), unquote(value)))
