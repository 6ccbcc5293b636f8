"""One webhook call: a CloudEvent over HTTP (binary or structured mode), signed the Standard
Webhooks way.

Signature: `webhook-signature: v1,<base64 of HMAC-SHA256(key, content)>` with content
`<webhook-id>.<webhook-timestamp>.<body>`; the key is the base64 part of a `whsec_…` secret
and `webhook-id` is the event's `ce-id` (the same on every retry, so receivers can drop
repeats). While a rotated secret is still in force the header carries both signatures.

The call goes to the address the target guard checked, with the URL's name in `Host` and as
the TLS server name. What the integrator sees of a failure is the HTTP status or "không kết
nối được"; the cause is logged, never shown.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from base64 import b64decode, b64encode
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from opentelemetry import propagate, trace

from services.notification.http1 import Http1Pool
from services.notification.targets import TargetGuard, TargetRefusedError

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
_TRACE_HEADERS = ("traceparent", "tracestate")
UNREACHABLE = "không kết nối được"
REFUSED = "không kết nối được: địa chỉ đích không được phép"
STRUCTURED_TYPE = "application/cloudevents+json"
USER_AGENT = "tdkt-notification/1.0"


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


def signed_headers(headers: dict[str, str], msg_id: str, secrets: Sequence[str], body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets)
    return {**headers, "webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature}


def structured(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    """The same CloudEvent in structured mode: attributes and `data` in one JSON document."""
    attributes = {k.removeprefix("ce-"): v for k, v in headers.items() if k.startswith("ce-")}
    attributes["datacontenttype"] = headers.get("content-type", "application/json")
    document = json.dumps(attributes, ensure_ascii=False)[:-1].encode() + b', "data": ' + body + b"}"
    rest = {k: v for k, v in headers.items() if not k.startswith("ce-") and k != "content-type"}
    return {**rest, "content-type": STRUCTURED_TYPE}, document


def outgoing(headers: dict[str, str], body: bytes, mode: str, secrets: Sequence[str]) -> tuple[dict[str, str], bytes]:
    """Headers and body of the call, with the current trace and the signatures."""
    plain = {k: v for k, v in headers.items() if k not in _TRACE_HEADERS}
    propagate.inject(plain)
    if mode == "structured":
        plain, body = structured(plain, body)
    return signed_headers(plain, headers["ce-id"], secrets, body), body


async def post(client: Http1Pool, guard: TargetGuard, url: str, secrets: Sequence[str],
               headers: dict[str, str], body: bytes, *, mode: str, time_limit: float) -> Outcome:
    """POST one event; never raises: a failure is an Outcome with an error."""
    started = time.monotonic()
    with tracer.start_as_current_span("webhook deliver", context=propagate.extract(headers),
                                      kind=trace.SpanKind.CLIENT) as span:
        sent, content = outgoing(headers, body, mode, secrets)
        try:
            async with asyncio.timeout(time_limit):
                target = await guard.check(url)
                parts = urlsplit(url)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                code = await client.post(parts.scheme, target.address, target.port, target.host, path,
                                         {"host": parts.netloc, "user-agent": USER_AGENT, **sent}, content)
        except TargetRefusedError as error:
            log.warning("webhook %s refused at delivery: %s", url, error)
            return Outcome(None, REFUSED, _since(started))
        except Exception as error:  # refused, reset, timed out: the cause stays in the log
            span.record_exception(error)
            log.info("webhook %s not reached: %s: %s", url, type(error).__name__, error)
            return Outcome(None, UNREACHABLE, _since(started))
        span.set_attribute("http.response.status_code", code)
    return Outcome(code, None if 200 <= code < 300 else f"HTTP {code}", _since(started))


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
