"""Traces of HTTP requests never carry an identification number typed into a query string."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from servicekit.telemetry import instrument


async def test_numbers_in_a_query_are_masked_in_the_trace() -> None:
    app = FastAPI()

    @app.get("/people")
    async def search(q: str = "") -> dict[str, str]:
        return {"q": q}

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrument(app, provider)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        for q in ("004085000123", "004 085 000 123", "Nguyễn Văn A"):
            assert (await client.get("/people", params={"q": q})).json() == {"q": q}
    recorded = [dict(span.attributes or {}) for span in exporter.get_finished_spans()]
    urls = [str(a.get("http.url") or a.get("url.full") or "") for a in recorded if a.get("http.url") or
            a.get("url.full")]
    assert len(urls) == 3
    text = str(recorded)
    assert "004085000123" not in text and "004 085 000 123" not in text and "004+085" not in text
    assert "q=************" in urls[0] and "Nguyễn+Văn+A" in urls[2]  # other queries left as they were
