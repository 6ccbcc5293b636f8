"""A report's or a form's figures as of now, with the stream position read before them (they
include at least that): what the HTTP routes answer and what a publication freezes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.reporting import figures
from services.reporting.forms import compute, layout
from services.reporting.periods import Period

if TYPE_CHECKING:
    from services.reporting.runtime import ReportingRuntime


async def build(runtime: ReportingRuntime, period: Period) -> dict[str, Any]:
    """The figures of `period`, with the stream position read before them (they include at least that)."""
    position = await runtime.position()
    async with runtime.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        body = await figures.report(conn, period)
    return {**body, "position": position}


async def filled(runtime: ReportingRuntime, code: str, year: int) -> dict[str, Any]:
    """A form filled for a year, with the stream position read before its figures."""
    spec = layout.form(code)
    position = await runtime.position()
    async with runtime.pool.acquire() as conn:
        return {**await compute.fill(conn, spec, year), "position": position}
