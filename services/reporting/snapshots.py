"""A report's or a form's figures as of now, with the stream position read before them (they
include at least that): what the HTTP routes answer and what a publication freezes.

The read models change only when a consumer applies events, and then the position moves (the
stream's last sequence, or a lagging consumer's acknowledged one): a period's figures are built
once per position and kept (`Snapshots`), so readers of the same report at the same position
share one build.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from services.reporting import figures
from services.reporting.forms import compute, layout
from services.reporting.models import PeriodReport
from services.reporting.periods import Period

if TYPE_CHECKING:
    from services.reporting.runtime import ReportingRuntime

Key = tuple[Any, ...]


class Snapshots:
    """The last `size` period reports built, by period and position (least recently used out
    first), each with its JSON once it was asked for."""

    def __init__(self, size: int = 16) -> None:
        self.size, self._kept = size, OrderedDict[Key, dict[str, Any]]()
        self._json: dict[Key, bytes] = {}

    def get(self, key: Key) -> dict[str, Any] | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: Key, body: dict[str, Any]) -> dict[str, Any]:
        self._kept[key] = body
        while len(self._kept) > self.size:
            self._json.pop(self._kept.popitem(last=False)[0], None)
        return body

    def json(self, key: Key) -> bytes:
        """The kept report `key` as the JSON of `PeriodReport` (validated and serialised once)."""
        found = self._json.get(key)
        if found is None:
            found = self._json[key] = PeriodReport.model_validate(self._kept[key]).model_dump_json().encode()
        return found


def key_of(period: Period, position: dict[str, Any]) -> Key:
    """What a period's figures depend on: the period and where each consumer stands."""
    return period.code, position["stream_last"], *sorted(position["consumers"].items())


async def build(runtime: ReportingRuntime, period: Period) -> dict[str, Any]:
    """The figures of `period`, with the stream position read before them (they include at least that)."""
    return (await kept(runtime, period))[1]


async def as_json(runtime: ReportingRuntime, period: Period) -> bytes:
    """`build` as the JSON the period report's route answers."""
    key, _ = await kept(runtime, period)
    return runtime.snapshots.json(key)


async def kept(runtime: ReportingRuntime, period: Period) -> tuple[Key, dict[str, Any]]:
    position = await runtime.position()
    key = key_of(period, position)
    found = runtime.snapshots.get(key)
    if found is None:
        async with runtime.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            body = await figures.report(conn, period)
        found = runtime.snapshots.put(key, {**body, "position": position})
    return key, found


async def filled(runtime: ReportingRuntime, code: str, year: int) -> dict[str, Any]:
    """A form filled for a year, with the stream position read before its figures."""
    spec = layout.form(code)
    position = await runtime.position()
    async with runtime.pool.acquire() as conn:
        return {**await compute.fill(conn, spec, year), "position": position}
