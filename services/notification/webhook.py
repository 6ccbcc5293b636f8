"""One webhook call: a CloudEvent in HTTP binary mode, signed the Standard Webhooks way.

Signature: `webhook-signature: v1,<base64 of HMAC-SHA256(key, content)>` with content
`<webhook-id>.<webhook-timestamp>.<body>`; the key is the base64 part of the subscription's
`whsec_…` secret and `webhook-id` is the event's `ce-id` (the same on every retry, so
receivers can drop repeats).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from base64 import b64decode, b64encode
from dataclasses import dataclass

import httpx
from opentelemetry import propagate, trace

tracer = trace.get_tracer(__name__)
_TRACE_HEADERS = ("traceparent", "tracestate")


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + b64encode(digest).decode()


def signed_headers(headers: dict[str, str], secret: str, body: bytes) -> dict[str, str]:
    msg_id = headers["ce-id"]
    timestamp = str(int(time.time()))
    signature = sign(secret, msg_id, timestamp, body)
    return {**headers, "webhook-id": msg_id, "webhook-timestamp": timestamp,
            "webhook-signature": signature}


async def post(client: httpx.AsyncClient, url: str, secret: str, headers: dict[str, str],
               body: bytes, time_limit: float) -> Outcome:
    """POST one event; never raises: a failure is an Outcome with an error."""
    outgoing = {k: v for k, v in headers.items() if k not in _TRACE_HEADERS}
    started = time.monotonic()
    with tracer.start_as_current_span("webhook deliver", context=propagate.extract(headers),
                                      kind=trace.SpanKind.CLIENT) as span:
        propagate.inject(outgoing)
        try:
            async with asyncio.timeout(time_limit):
                request = client.build_request(
                    "POST", url, content=body, headers=signed_headers(outgoing, secret, body))
                response = await client.send(request, stream=True)
                await response.aclose()  # the answer's body is not read: only its status counts
        except Exception as error:  # refused, reset, timed out, bad URL: a failed attempt
            span.record_exception(error)
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return Outcome(None, reason[:500], _since(started))
        span.set_attribute("http.response.status_code", response.status_code)
    code = response.status_code
    return Outcome(code, None if 200 <= code < 300 else f"HTTP {code}", _since(started))


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
