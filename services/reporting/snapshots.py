"""A report's or a form's figures as of now, with the stream position read before them (they
include at least that): what the HTTP routes answer and what a publication freezes.

The read models change only when a consumer applies events, and then the position moves (the
stream's last sequence, or a lagging consumer's acknowledged one): a period's figures are built
once per position and kept (`Snapshots`), so readers of the same report at the same position
share one build, a build under way included.

The periods readers come back to are built again ahead of them (`refresh`): when a consumer has
applied events and every consumer has caught up, at the new position, so the next reader finds
them kept or already being built. A period is built ahead when it was asked more than once
lately and again since it was last built ahead: the work ahead never outgrows the readers'. An
answer is never older than the position read for it.

The months of the current year's awards are counted ahead too (`blocks.AwardMonths`), at start
and whenever the events stop for `WARM_AFTER_S` with every consumer caught up: only the months
that changed are counted then (none after a dossier opened, one after a decision), so the first
reader of any period of the year after a restart or a large load finds its months counted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic_core import to_json

from services.reporting import figures
from services.reporting.forms import compute, layout
from services.reporting.periods import Period

if TYPE_CHECKING:
    from services.reporting.runtime import ReportingRuntime

log = logging.getLogger(__name__)
Key = tuple[Any, ...]
Body = dict[str, Any]
RECENT_S = 15 * 60  # a period asked within this long may be built again ahead of its readers …
RECENT_MAX = 4  # … the last few asked only
SETTLE_S = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32)  # a consumer acknowledges just after its commit: when to look
WARM_AFTER_S = 1.0  # the current year's months are counted ahead once no event came for this long


class Snapshots:
    """The last `size` period reports built, by period and position (least recently used out
    first), each with its JSON once it was asked for; the builds under way; the periods asked."""

    def __init__(self, size: int = 16) -> None:
        self.size, self._kept = size, OrderedDict[Key, Body]()
        self._json: dict[Key, bytes] = {}
        self._building: dict[Key, asyncio.Future[Body]] = {}
        self._asked = OrderedDict[str, _Asked]()
        self.changed = asyncio.Event()  # set when a consumer applied events (the position is about to move)

    def get(self, key: Key) -> Body | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: Key, body: Body) -> Body:
        self._kept[key] = body
        while len(self._kept) > self.size:
            self._json.pop(self._kept.popitem(last=False)[0], None)
        return body

    async def made(self, key: Key, make: Callable[[], Awaitable[Body]]) -> Body:
        """The report `key`: kept, or the build under way for it awaited, or built now by `make`."""
        found = self.get(key)
        if found is not None:
            return found
        building = self._building.get(key)
        if building is None:
            building = self._building[key] = asyncio.ensure_future(make())
            building.add_done_callback(lambda done: self._built(key, done))
        return await asyncio.shield(building)

    def _built(self, key: Key, done: asyncio.Future[Body]) -> None:
        self._building.pop(key, None)
        if not done.cancelled() and done.exception() is None:
            self.put(key, done.result())

    def json(self, key: Key, body: Body) -> bytes:
        """The report `body` of `key` as the JSON of `PeriodReport` (serialised once while it is
        kept). The body is built with the models' fields in their order, typed as they are
        (models.figure), so it serialises as it is, not validated again into models first: the
        same bytes (tests/integration/test_reporting_period.py holds them equal)."""
        found = self._json.get(key)
        if found is None:
            found = to_json(body)
            if key in self._kept:
                self._json[key] = found
        return found

    def asked(self, period: Period) -> None:
        found = self._asked.pop(period.code, None) or _Asked(period)
        found.at, found.times, found.since_built = time.monotonic(), found.times + 1, True
        self._asked[period.code] = found
        while len(self._asked) > RECENT_MAX:
            self._asked.popitem(last=False)

    def wanted(self) -> list[Period]:
        """The periods to build ahead: asked lately more than once, and since they were last built
        ahead (the latest asked first); each is then marked built."""
        since, found = time.monotonic() - RECENT_S, []
        for asked in reversed(self._asked.values()):
            if asked.at >= since and asked.times > 1 and asked.since_built:
                asked.since_built = False
                found.append(asked.period)
        return found


class _Asked:
    def __init__(self, period: Period) -> None:
        self.period, self.at, self.times, self.since_built = period, 0.0, 0, False


def key_of(period: Period, position: dict[str, Any]) -> Key:
    """What a period's figures depend on: the period and where each consumer stands."""
    return period.code, position["stream_last"], *sorted(position["consumers"].items())


async def build(runtime: ReportingRuntime, period: Period) -> Body:
    """The figures of `period`, with the stream position read before them (they include at least that)."""
    return (await kept(runtime, period))[1]


async def as_json(runtime: ReportingRuntime, period: Period) -> bytes:
    """`build` as the JSON the period report's route answers."""
    return runtime.snapshots.json(*await kept(runtime, period))


async def kept(runtime: ReportingRuntime, period: Period) -> tuple[Key, Body]:
    runtime.snapshots.asked(period)
    position = await runtime.position()
    return await _at(runtime, period, position)


def stamped(body: Body, position: dict[str, Any]) -> Body:
    """A period's figures with the position they include at least, in the order of `PeriodReport`."""
    return {"period": body["period"], "position": position, **body}


async def _at(runtime: ReportingRuntime, period: Period, position: dict[str, Any]) -> tuple[Key, Body]:
    async def make() -> Body:
        async with runtime.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            body = await figures.report(conn, period, runtime.months)
        return stamped(body, position)

    key = key_of(period, position)
    return key, await runtime.snapshots.made(key, make)


async def refresh(runtime: ReportingRuntime, stop: asyncio.Event) -> None:
    """Build the periods readers come back to again, with their JSON, each time the position moves
    and every consumer has caught up (not while a backlog is applied: the consumers come first)."""
    snapshots, last = runtime.snapshots, None
    await _warm(runtime)
    while not stop.is_set():
        changed = asyncio.ensure_future(snapshots.changed.wait())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait([changed, stopped], return_when=asyncio.FIRST_COMPLETED)
        for waiting in (changed, stopped):
            waiting.cancel()
        if stop.is_set():
            return
        snapshots.changed.clear()
        try:
            position = await _moved(runtime, last)
            if position is not None:  # else not caught up yet, or the events changed nothing since
                last = position
                for period in snapshots.wanted():
                    snapshots.json(*await _at(runtime, period, position))
        except Exception:  # the database or the bus is away: the readers build their own meanwhile
            log.warning("building the reports asked lately again failed", exc_info=True)
            continue
        try:  # events still coming (a load, a rebuild): the months are counted once they stop
            await asyncio.wait_for(snapshots.changed.wait(), WARM_AFTER_S)
        except TimeoutError:
            if await _caught_up(runtime):  # else a consumer lags: its months would change again
                await _warm(runtime)


async def _caught_up(runtime: ReportingRuntime) -> bool:
    try:
        position = await runtime.position()
    except Exception:  # the bus is away: nothing is counted ahead meanwhile
        return False
    return _settled(position)


def _settled(position: dict[str, Any]) -> bool:
    """Every consumer has applied what the stream holds."""
    return bool(position["complete_through"] == position["stream_last"])


async def _warm(runtime: ReportingRuntime) -> None:
    """The current year's months counted ahead, those that changed since they were last counted."""
    year, before, started = runtime.today().year, runtime.months.counted, time.perf_counter()
    try:
        async with runtime.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            await conn.execute(f"SET LOCAL work_mem = '{figures.WORK_MEM}'")
            await runtime.months.counts(conn, date(year, 1, 1), date(year, 12, 31))
        if runtime.months.counted > before:
            log.info("%d month(s) of %d counted ahead in %.0f ms", runtime.months.counted - before, year,
                     1000 * (time.perf_counter() - started))
    except Exception:  # the database is away: the readers count their own months meanwhile
        log.warning("counting the year's months ahead failed", exc_info=True)


async def _moved(runtime: ReportingRuntime, last: dict[str, Any] | None) -> dict[str, Any] | None:
    """The position once it differs from `last` with every consumer caught up, else None."""
    for pause in SETTLE_S:
        await asyncio.sleep(pause)
        position = await runtime.position()
        if position != last and _settled(position):
            return position
    return None


async def filled(runtime: ReportingRuntime, code: str, year: int) -> dict[str, Any]:
    """A form filled for a year, with the stream position read before its figures."""
    spec = layout.form(code)
    position = await runtime.position()
    async with runtime.pool.acquire() as conn:
        return {**await compute.fill(conn, spec, year), "position": position}
