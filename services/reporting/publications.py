"""Publishing a report or a form freezes it: its exact bytes are stored with their SHA-256 and
the stream position they were built from, and `ReportPublished` tells everyone. A published file
is never rebuilt: asking for it again returns the stored bytes; the same report, form and format
is published once.

The announcement follows the row (outbox): a row not yet announced is published with the
message id `reporting:<publication id>`, so JetStream drops a second send, and marked; a worker
retries rows left unannounced by a crash or a bus outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from datetime import date
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID, uuid4

import asyncpg

from contracts import wrap
from contracts.reporting import ReportPublished
from services.reporting.documents import report as documents
from services.reporting.documents.heading import heading
from services.reporting.forms import render
from services.reporting.periods import parse
from services.reporting.snapshots import build, filled

if TYPE_CHECKING:
    from services.reporting.runtime import ReportingRuntime

log = logging.getLogger(__name__)
Kind = Literal["period", "form"]
_COLUMNS = ("publication_id, kind, ref, format, media_type, sha256, stream_position, length(content) AS size, "
            "published_by, published_at, announced")


class AlreadyPublishedError(Exception):
    """Raised when the same report, form and format was published before (a published file never changes)."""


class PublicationNotFoundError(LookupError):
    """Raised when no publication has the id asked for."""


async def figures_of(runtime: ReportingRuntime, kind: Kind, ref: str) -> dict[str, Any]:
    """The figures of a report or form as of now (with the stream position they include)."""
    if kind == "period":
        return await build(runtime, parse(ref))
    code, year = ref.split("/")
    return await filled(runtime, code, int(year))


async def content(runtime: ReportingRuntime, kind: Kind, ref: str, fmt: str, signed_on: date,
                  number: str | None) -> tuple[bytes, dict[str, Any]]:
    """The bytes of a report or form as of now, and the figures they show."""
    body = await figures_of(runtime, kind, ref)
    if fmt == "json":
        return json.dumps(body, default=str, ensure_ascii=False).encode(), body
    if kind == "period":
        return documents.render(body, heading(signed_on, number=number), fmt), body  # type: ignore[arg-type]
    return render.render(body, fmt, signed_on), body  # type: ignore[arg-type]


async def publish(runtime: ReportingRuntime, kind: Kind, ref: str, fmt: str, *, by: str, signed_on: date,
                  number: str | None = None) -> dict[str, Any]:
    existing = await runtime.pool.fetchval(
        "SELECT publication_id FROM report_publications WHERE kind = $1 AND ref = $2 AND format = $3", kind, ref, fmt)
    if existing is not None:
        raise AlreadyPublishedError(f"Đã công bố {ref} ({fmt}) với mã {existing}; tệp đã công bố không thay đổi.")
    data, body = await content(runtime, kind, ref, fmt, signed_on, number)
    row = await runtime.pool.fetchrow(
        f"INSERT INTO report_publications (publication_id, kind, ref, format, media_type, sha256, stream_position, "
        f"content, published_by, published_at, figures) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        f"ON CONFLICT (kind, ref, format) DO NOTHING RETURNING {_COLUMNS}",
        uuid4(), kind, ref, fmt, documents.MEDIA_TYPES[fmt], hashlib.sha256(data).hexdigest(),
        int(body["position"]["complete_through"]), data, by, runtime.now(), json.dumps(body, default=str))
    if row is None:
        raise AlreadyPublishedError(f"Đã công bố {ref} ({fmt}); tệp đã công bố không thay đổi.")
    with contextlib.suppress(Exception):  # the worker retries; the publication stands either way
        await announce(runtime, row)
    return await one(runtime.pool, row["publication_id"])


async def announce(runtime: ReportingRuntime, row: asyncpg.Record) -> None:
    event = ReportPublished(event_id=row["publication_id"], occurred_at=row["published_at"],
                            **{k: row[k] for k in ("publication_id", "kind", "ref", "format", "media_type", "sha256",
                                                   "size", "stream_position", "published_by", "published_at")})
    envelope = wrap(event, runtime.settings.subject_root)
    await runtime.js.publish(envelope.subject, envelope.body,
                             headers={**envelope.headers, "Nats-Msg-Id": f"reporting:{row['publication_id']}"})
    await runtime.pool.execute("UPDATE report_publications SET announced = true WHERE publication_id = $1",
                               row["publication_id"])


async def announce_pending(runtime: ReportingRuntime, stop: asyncio.Event, every: float = 5.0) -> None:
    """Publish every publication not announced yet, until `stop`."""
    while not stop.is_set():
        try:
            for row in await runtime.pool.fetch(
                    f"SELECT {_COLUMNS} FROM report_publications WHERE NOT announced ORDER BY published_at"):
                await announce(runtime, row)
        except Exception as error:  # the bus or the database is away: next round
            log.warning("publications not announced yet: %s", error)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def one(pool: asyncpg.Pool, publication_id: UUID) -> dict[str, Any]:
    row = await pool.fetchrow(f"SELECT {_COLUMNS} FROM report_publications WHERE publication_id = $1",
                              publication_id)
    if row is None:
        raise PublicationNotFoundError(f"Không có bản công bố {publication_id}.")
    return dict(row)


async def listed(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    return [dict(r) for r in await pool.fetch(
        f"SELECT {_COLUMNS} FROM report_publications ORDER BY published_at DESC, ref")]


async def file(pool: asyncpg.Pool, publication_id: UUID) -> tuple[bytes, str, str]:
    row = await pool.fetchrow(
        "SELECT content, media_type, sha256 FROM report_publications WHERE publication_id = $1", publication_id)
    if row is None:
        raise PublicationNotFoundError(f"Không có bản công bố {publication_id}.")
    return bytes(row["content"]), row["media_type"], row["sha256"]


def flatten(body: Any, path: str = "") -> dict[str, tuple[str, int]]:
    """Every count of a report or form by a stable path: `awards.by_form[BKT]` → (label, count);
    a form's cells as `rows[02].values[3]`."""
    found: dict[str, tuple[str, int]] = {}
    if isinstance(body, dict):
        if "count" in body and "label" in body:
            found[path] = (str(body["label"]), int(body["count"]))
        if "values" in body and "code" in body:
            for index, value in enumerate(body["values"]):
                found[f"{path}.values[{index + 1}]"] = (str(body.get("label", "")), int(value))
        for key, value in body.items():
            if key not in ("position", "period", "header", "columns"):
                found.update(flatten(value, f"{path}.{key}" if path else key))
    elif isinstance(body, list):
        for index, item in enumerate(body):
            key = item.get("key") or item.get("code") or item.get("unit") or item.get("label") \
                if isinstance(item, dict) else None
            found.update(flatten(item, f"{path}[{key if key is not None else index}]"))
    return found


async def changes(runtime: ReportingRuntime, publication_id: UUID) -> dict[str, Any]:
    """How the figures of a published report or form differ now from what was published."""
    row = await runtime.pool.fetchrow(
        "SELECT kind, ref, stream_position, figures FROM report_publications WHERE publication_id = $1",
        publication_id)
    if row is None:
        raise PublicationNotFoundError(f"Không có bản công bố {publication_id}.")
    now = await figures_of(runtime, row["kind"], row["ref"])
    before, after = flatten(json.loads(row["figures"] or "{}")), flatten(now)
    differences = [{"path": path, "label": (after.get(path) or before[path])[0],
                    "published": before.get(path, ("", 0))[1], "now": after.get(path, ("", 0))[1]}
                   for path in sorted(set(before) | set(after))
                   if before.get(path, ("", 0))[1] != after.get(path, ("", 0))[1]]
    return {"publication_id": publication_id, "published_position": row["stream_position"],
            "position": now["position"]["complete_through"], "differences": differences}
